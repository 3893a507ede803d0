// A slow disk for a real kioskd (LD_PRELOAD): fsync and fdatasync on any file whose path contains
// $SLOW_SYNC_MATCH sleep $SLOW_SYNC_MS first, as on a worn eMMC or a disk under another load;
// with $SLOW_SYNC_WHEN set, only while the file it names exists. Everything else is the real
// call: SQLite, the journal and the kernel are untouched.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

void pause_if_matching(int fd) {
  const char* match = std::getenv("SLOW_SYNC_MATCH");
  const char* ms = std::getenv("SLOW_SYNC_MS");
  if (!match || !ms || !*match) return;
  const char* when = std::getenv("SLOW_SYNC_WHEN");
  if (when && *when && ::access(when, F_OK) != 0) return;
  char path[4096];
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(link.c_str(), path, sizeof path - 1);
  if (n <= 0) return;
  path[n] = '\0';
  if (!std::strstr(path, match)) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
}

template <class Fn>
Fn next(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int fsync(int fd) {
  static auto real = next<int (*)(int)>("fsync");
  int saved = errno;
  pause_if_matching(fd);
  errno = saved;
  return real(fd);
}

extern "C" int fdatasync(int fd) {
  static auto real = next<int (*)(int)>("fdatasync");
  int saved = errno;
  pause_if_matching(fd);
  errno = saved;
  return real(fd);
}
