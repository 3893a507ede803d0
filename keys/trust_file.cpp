#include "keys/trust_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::keys {
namespace {

/// Closes a descriptor on scope exit.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

Result<Bytes, std::string> read_open(int fd, const ReadOptions& opt) {
  Fd guard{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected{std::string(std::strerror(errno))};
  if (!S_ISREG(st.st_mode)) return Unexpected{std::string("not a regular file")};
  if (st.st_size < 0 || static_cast<std::uint64_t>(st.st_size) > opt.limit)
    return Unexpected{"larger than " + std::to_string(opt.limit) + " bytes"};
  // O_NONBLOCK only kept open() from waiting; a regular file reads the same either way.
  Bytes b(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < b.size()) {
    ssize_t n = ::read(fd, b.data() + got, b.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unexpected{std::string("read error: ") + std::strerror(errno)};
    if (n == 0) return Unexpected{std::string("the file shrank while it was read")};
    got += static_cast<std::size_t>(n);
  }
  std::uint8_t extra;
  ssize_t n;
  do {
    n = ::read(fd, &extra, 1);
  } while (n < 0 && errno == EINTR);
  if (n > 0) return Unexpected{std::string("the file grew while it was read")};
  return b;
}

int flags(const ReadOptions& opt) {
  return O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (opt.follow_symlinks ? 0 : O_NOFOLLOW);
}

std::string open_error(int err) {
  if (err == ELOOP) return "a symbolic link (not followed)";
  return std::strerror(err);
}

}  // namespace

Result<Bytes, std::string> read_trust_file(const std::string& path, ReadOptions opt) {
  int fd = ::open(path.c_str(), flags(opt));
  if (fd < 0) return Unexpected{open_error(errno)};
  return read_open(fd, opt);
}

Result<Bytes, std::string> read_trust_file_at(int dirfd, const std::string& name, ReadOptions opt) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return Unexpected{std::string("not a file name inside the folder")};
  int fd = ::openat(dirfd, name.c_str(), flags(opt));
  if (fd < 0) return Unexpected{open_error(errno)};
  return read_open(fd, opt);
}

}  // namespace kiosk::keys
