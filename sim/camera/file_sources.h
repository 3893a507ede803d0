// Simulated camera sources over files: one still image repeated, a folder of images in name
// order, a video file. FrameSources (drivers/camera/frame_source.h): SimCamera paces them.
// Bad files are reported with kBadInput and the reason, never a crash (see image_file.h).
#pragma once

#include <memory>
#include <string>

#include "drivers/camera/frame_source.h"
#include "sim/camera/image_file.h"

namespace kiosk::sim {

/// The same image every frame, forever. open() fails with kBadInput if the file is unusable.
std::unique_ptr<drivers::FrameSource> make_still_source(std::string path, ImageLimits limits);

/// The regular files of a folder (hidden ones skipped), sorted by name, one per frame, then
/// kEndOfStream. A file that does not load is a lost frame with its reason; the rest go on.
/// open() fails with kBadInput for a missing or empty folder.
std::unique_ptr<drivers::FrameSource> make_folder_source(std::string dir, ImageLimits limits);

/// The frames of a video file (what OpenCV's FFmpeg or MJPEG backend reads, e.g. MJPG in AVI), then
/// kEndOfStream. open() fails with kBadInput for a missing, empty, unreadable or too large video.
std::unique_ptr<drivers::FrameSource> make_video_source(std::string path, ImageLimits limits);

/// The frame rate a video file declares, or 0 when it cannot tell.
double video_file_fps(const std::string& path);

}  // namespace kiosk::sim
