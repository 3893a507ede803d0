// What the scan benchmarks run over: an image, the text it should yield (empty: none), and
// optionally where the code is (standing in for the previous frame's hint).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "app/scan/scanner.h"

namespace kiosk::bench {

struct Sample {
  std::string folder;
  std::string name;
  cv::Mat image;  ///< BGR or gray
  std::string expected;
  std::optional<scan::Region> hint;
  /// A rendered scene's next frames: the same code held up a frame and two frames later, each
  /// with its own tremor and sensor noise (sim::scene::render_take). Empty for a photo.
  std::vector<cv::Mat> later;
};

/// A non-owning scan view of `m` (8-bit gray or BGR).
scan::ImageView view_of(const cv::Mat& m);

/// The labelled images under `root` (see image_set.h), read with cv::imread; unreadable files
/// are reported on stderr and skipped.
std::vector<Sample> load_samples(const std::string& root);

/// `count` rendered kiosk scenes (sim/scene), deterministic by `seed`: every carrier and
/// degradation, about one in eight a negative. Each folder is a degradation. Each sample's image
/// is the first frame of a take of `frames`, the others in `later`.
std::vector<Sample> scene_samples(std::uint64_t seed, int count, int frames = 1);

/// The stage list "direct,invert,..." as stages; nullopt on an unknown name.
std::optional<std::vector<scan::Stage>> parse_stages(const std::string& list);

}  // namespace kiosk::bench
