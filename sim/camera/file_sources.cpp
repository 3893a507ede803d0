#include "sim/camera/file_sources.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include <opencv2/videoio.hpp>

namespace kiosk::sim {

using drivers::CameraError;
using drivers::CameraFault;
using drivers::Started;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxFolderFiles = 100'000;

// FFmpeg, then OpenCV's own MJPEG reader. Not CAP_ANY: GStreamer is slow to refuse a bad file and
// the image-sequence backend would read "clip%03d.avi" as a pattern.
bool open_video(cv::VideoCapture& cap, const std::string& path) {
  for (int api : {cv::CAP_FFMPEG, cv::CAP_OPENCV_MJPEG}) {
    if (cap.open(path, api) && cap.isOpened()) return true;
    cap.release();
  }
  return false;
}

class StillSource final : public drivers::FrameSource {
 public:
  StillSource(std::string path, ImageLimits limits) : path_(std::move(path)), limits_(limits) {}
  Result<Started, CameraFault> open() override {
    auto img = load_image_file(path_, limits_);
    if (!img) return Unexpected(img.error());
    image_ = std::move(img.value());
    return Started{};
  }
  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds) override { return image_.clone(); }
  void close() override { image_.release(); }

 private:
  std::string path_;
  ImageLimits limits_;
  cv::Mat image_;
};

class FolderSource final : public drivers::FrameSource {
 public:
  FolderSource(std::string dir, ImageLimits limits) : dir_(std::move(dir)), limits_(limits) {}
  Result<Started, CameraFault> open() override {
    files_.clear();
    next_ = 0;
    std::error_code ec;
    if (!fs::is_directory(dir_, ec))
      return Unexpected(CameraFault{CameraError::kBadInput, dir_ + ": folder not found"});
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      auto name = it->path().filename().string();
      if (name.empty() || name[0] == '.' || !it->is_regular_file(ec)) continue;
      files_.push_back(it->path().string());
      if (files_.size() > kMaxFolderFiles)
        return Unexpected(CameraFault{CameraError::kBadInput, dir_ + ": too many files"});
    }
    if (ec) return Unexpected(CameraFault{CameraError::kBadInput, dir_ + ": " + ec.message()});
    if (files_.empty())
      return Unexpected(CameraFault{CameraError::kBadInput, dir_ + ": no images in the folder"});
    std::sort(files_.begin(), files_.end());
    return Started{};
  }
  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds) override {
    if (next_ >= files_.size())
      return Unexpected(CameraFault{CameraError::kEndOfStream, "last image of " + dir_ + " shown"});
    return load_image_file(files_[next_++], limits_);
  }
  void close() override {}

 private:
  std::string dir_;
  ImageLimits limits_;
  std::vector<std::string> files_;
  std::size_t next_ = 0;
};

class VideoSource final : public drivers::FrameSource {
 public:
  VideoSource(std::string path, ImageLimits limits) : path_(std::move(path)), limits_(limits) {}
  Result<Started, CameraFault> open() override {
    close();
    auto bad = [&](std::string why) {
      return Unexpected(CameraFault{CameraError::kBadInput, path_ + ": " + why});
    };
    std::error_code ec;
    if (!fs::is_regular_file(path_, ec)) return bad("video file not found");
    auto size = fs::file_size(path_, ec);
    if (ec || size == 0) return bad("empty file");
    try {
      if (!open_video(cap_, path_)) {
        cap_.release();
        return bad("cannot open the video (corrupt or unsupported)");
      }
    } catch (const cv::Exception& e) {
      cap_.release();
      return bad(std::string("cannot open the video: ") + e.what());
    }
    auto w = cap_.get(cv::CAP_PROP_FRAME_WIDTH), h = cap_.get(cv::CAP_PROP_FRAME_HEIGHT);
    if (w * h > static_cast<double>(limits_.max_pixels)) {
      cap_.release();
      return bad("too many pixels per frame");
    }
    return Started{};
  }
  Result<cv::Mat, CameraFault> grab(std::chrono::milliseconds) override {
    cv::Mat m;
    bool ok = false;
    try {
      ok = cap_.read(m);
    } catch (const cv::Exception& e) {
      return Unexpected(CameraFault{CameraError::kEndOfStream, path_ + ": " + e.what()});
    }
    if (!ok || m.empty())
      return Unexpected(CameraFault{CameraError::kEndOfStream, "end of " + path_});
    if (m.total() > limits_.max_pixels)
      return Unexpected(CameraFault{CameraError::kBadInput, path_ + ": frame too large"});
    return m;
  }
  void close() override {
    if (cap_.isOpened()) cap_.release();
  }

 private:
  std::string path_;
  ImageLimits limits_;
  cv::VideoCapture cap_;
};

}  // namespace

std::unique_ptr<drivers::FrameSource> make_still_source(std::string path, ImageLimits limits) {
  return std::make_unique<StillSource>(std::move(path), limits);
}
std::unique_ptr<drivers::FrameSource> make_folder_source(std::string dir, ImageLimits limits) {
  return std::make_unique<FolderSource>(std::move(dir), limits);
}
std::unique_ptr<drivers::FrameSource> make_video_source(std::string path, ImageLimits limits) {
  return std::make_unique<VideoSource>(std::move(path), limits);
}

double video_file_fps(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) == 0) return 0;
  try {
    cv::VideoCapture cap;
    double fps = open_video(cap, path) ? cap.get(cv::CAP_PROP_FPS) : 0;
    return fps > 0 && fps <= 240 ? fps : 0;
  } catch (const cv::Exception&) {
    return 0;
  }
}

}  // namespace kiosk::sim
