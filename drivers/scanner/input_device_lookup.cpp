#include "drivers/scanner/input_device_lookup.h"

#include <fcntl.h>
#include <linux/input.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace kiosk::drivers {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> event_entries(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    auto n = it->path().filename().string();
    if (n.rfind("event", 0) == 0) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  return s;
}

}  // namespace

Result<std::string, std::string> find_input_device(const std::string& name,
                                                   const std::string& sys_root,
                                                   const std::string& dev_root) {
  if (name.empty()) return Unexpected(std::string("no input device name given"));
  for (const auto& e : event_entries(sys_root)) {
    std::ifstream f(sys_root + "/" + e + "/device/name");
    std::string n;
    if (f && std::getline(f, n) && trim(n) == name) return dev_root + "/" + e;
  }
  for (const auto& e : event_entries(dev_root)) {
    auto path = dev_root + "/" + e;
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[256] = {};
    int r = ::ioctl(fd, EVIOCGNAME(sizeof buf - 1), buf);
    ::close(fd);
    if (r >= 0 && trim(buf) == name) return path;
  }
  return Unexpected("no input device named '" + name + "' under " + sys_root + " or " + dev_root);
}

}  // namespace kiosk::drivers
