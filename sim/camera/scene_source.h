// A generated camera scene: a QR code (drawn with ZXing-C++'s writer) on a textured background,
// drifting a few pixels from frame to frame like a hand-held phone. Deterministic for a seed.
// A richer renderer (perspective, blur, glare) lives in sim/scene; this one only has to give the
// camera path a readable code.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <opencv2/core.hpp>

#include "app/result.h"
#include "drivers/camera/frame_source.h"

namespace kiosk::sim {

struct SceneSettings {
  std::string text;  ///< the QR's content; empty: no code in the scene
  int width = 640;
  int height = 480;
  int module_px = 4;  ///< pixels per QR module
  std::uint64_t seed = 1;
};

/// Frame `index` of the scene, BGR. Error: the reason (text too long for a QR, code larger than
/// the frame, bad size).
Result<cv::Mat, std::string> render_scene(const SceneSettings& s, std::uint64_t index);

/// The text shown by a running scene source; SimCamera::set_scene_text changes it.
class SceneText {
 public:
  explicit SceneText(std::string t) : text_(std::move(t)) {}
  void set(std::string t) {
    std::lock_guard lock(m_);
    text_ = std::move(t);
  }
  std::string get() const {
    std::lock_guard lock(m_);
    return text_;
  }

 private:
  mutable std::mutex m_;
  std::string text_;
};

/// An endless source of scene frames. A text that cannot be rendered makes grab() return
/// kBadInput (a lost frame) with the reason, until the text changes.
std::unique_ptr<drivers::FrameSource> make_scene_source(SceneSettings s,
                                                        std::shared_ptr<SceneText> text);

}  // namespace kiosk::sim
