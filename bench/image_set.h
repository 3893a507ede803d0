// A labelled image set on disk, laid out like tests/data/corpus: FOLDER/NAME.{png,jpg,webp} with
// the expected text in FOLDER/NAME.txt (an empty NAME.txt: the image holds no code).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kiosk::bench {

struct LabelledImage {
  std::string folder;    ///< the sub-folder, e.g. "qrcode-2"
  std::string name;      ///< the file name
  std::string path;      ///< the image path
  std::string expected;  ///< the expected text; empty for a negative
};

/// Every image under `root` (one level of sub-folders, or none) that has a NAME.txt, sorted.
std::vector<LabelledImage> load_image_set(const std::string& root);

}  // namespace kiosk::bench
