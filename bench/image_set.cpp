#include "bench/image_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiosk::bench {

namespace fs = std::filesystem;

namespace {

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

void scan_folder(const fs::path& dir, const std::string& folder, std::vector<LabelledImage>& out) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || !is_image(e.path())) continue;
    fs::path txt = e.path();
    txt.replace_extension(".txt");
    std::ifstream in(txt, std::ios::binary);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back({folder, e.path().filename().string(), e.path().string(), ss.str()});
  }
}

}  // namespace

std::vector<LabelledImage> load_image_set(const std::string& root) {
  std::vector<LabelledImage> out;
  std::error_code ec;
  scan_folder(root, ".", out);
  for (const auto& e : fs::directory_iterator(root, ec))
    if (e.is_directory()) scan_folder(e.path(), e.path().filename().string(), out);
  std::sort(out.begin(), out.end(), [](const LabelledImage& a, const LabelledImage& b) {
    return a.folder != b.folder ? a.folder < b.folder : a.name < b.name;
  });
  return out;
}

}  // namespace kiosk::bench
