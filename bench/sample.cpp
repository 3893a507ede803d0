#include "bench/sample.h"

#include <iostream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "bench/image_set.h"

namespace kiosk::bench {

scan::ImageView view_of(const cv::Mat& m) {
  return {m.data, m.cols, m.rows, static_cast<int>(m.step[0]),
          m.channels() == 3 ? scan::PixelFormat::kBgr8 : scan::PixelFormat::kGray8};
}

std::vector<Sample> load_samples(const std::string& root) {
  std::vector<Sample> out;
  for (const LabelledImage& li : load_image_set(root)) {
    cv::Mat m = cv::imread(li.path, cv::IMREAD_COLOR);
    if (m.empty()) {
      std::cerr << "cannot read " << li.path << "\n";
      continue;
    }
    out.push_back({li.folder, li.name, std::move(m), li.expected, std::nullopt, {}});
  }
  return out;
}

std::optional<std::vector<scan::Stage>> parse_stages(const std::string& list) {
  std::vector<scan::Stage> out;
  std::stringstream ss(list);
  std::string word;
  while (std::getline(ss, word, ',')) {
    bool found = false;
    for (scan::Stage s : scan::all_stages())
      if (scan::stage_name(s) == word) {
        out.push_back(s);
        found = true;
      }
    if (!found) return std::nullopt;
  }
  return out;
}

}  // namespace kiosk::bench
