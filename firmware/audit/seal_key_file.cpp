#include "firmware/audit/seal_key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::audit {
namespace {

constexpr char kMagic[8] = {'K', 'A', 'U', 'S', 'E', 'A', 'L', '1'};
constexpr std::size_t kSize = 64;

std::string sys_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

void put64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t get64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return v;
}

void fsync_dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

SealKeyFile::~SealKeyFile() {
  sodium_memzero(key_.data(), key_.size());
  if (fd_ >= 0) ::close(fd_);
}

std::int64_t SealKeyFile::epoch_of(std::int64_t t) const {
  return audit::epoch_of(t, t0_, epoch_seconds_);
}

Result<std::unique_ptr<SealKeyFile>, std::string> SealKeyFile::open(const std::string& path,
                                                                    bool* missing) {
  if (missing) *missing = false;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT && missing) *missing = true;
    return Unexpected{sys_error(path)};
  }
  std::unique_ptr<SealKeyFile> f(new SealKeyFile(fd, path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unexpected{sys_error(path)};
  if (!S_ISREG(st.st_mode) || st.st_size != static_cast<off_t>(kSize))
    return Unexpected{path + ": not a sealing key file (" + std::to_string(st.st_size) +
                      " bytes, expected 64; left untouched)"};
  std::uint8_t buf[kSize];
  if (::pread(fd, buf, kSize, 0) != static_cast<ssize_t>(kSize)) {
    sodium_memzero(buf, sizeof buf);
    return Unexpected{path + ": short read"};
  }
  if (std::memcmp(buf, kMagic, sizeof kMagic) != 0) {
    sodium_memzero(buf, sizeof buf);
    return Unexpected{path + ": not a sealing key file (bad magic; left untouched)"};
  }
  f->t0_ = static_cast<std::int64_t>(get64(buf + 8));
  f->epoch_seconds_ = static_cast<std::int64_t>(get64(buf + 16));
  f->next_ = get64(buf + 24);
  std::memcpy(f->key_.data(), buf + 32, 32);
  sodium_memzero(buf, sizeof buf);
  if (f->epoch_seconds_ < 1 || f->epoch_seconds_ > 86400 || f->t0_ < 0 ||
      f->next_ > (std::uint64_t{1} << 40))
    return Unexpected{path + ": sealing key file holds impossible values (left untouched)"};
  return f;
}

Result<std::unique_ptr<SealKeyFile>, std::string> SealKeyFile::create(const std::string& path,
                                                                      std::int64_t t0,
                                                                      std::int64_t epoch_seconds,
                                                                      AuditorKey* verify) {
  if (epoch_seconds < 1 || epoch_seconds > 86400 || t0 < 0)
    return Unexpected{std::string("epoch length must be 1 to 86400 seconds")};
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Unexpected{sys_error(path)};
  std::unique_ptr<SealKeyFile> f(new SealKeyFile(fd, path));
  f->t0_ = t0;
  f->epoch_seconds_ = epoch_seconds;
  f->next_ = 0;
  randombytes_buf(f->key_.data(), f->key_.size());
  auto w = f->write_state();
  if (!w) {
    ::unlink(path.c_str());
    return Unexpected{w.error()};
  }
  fsync_dir_of(path);
  if (verify) *verify = AuditorKey{t0, epoch_seconds, f->key_};
  return f;
}

Result<bool, std::string> SealKeyFile::write_state() {
  std::uint8_t buf[kSize];
  std::memcpy(buf, kMagic, sizeof kMagic);
  put64(buf + 8, static_cast<std::uint64_t>(t0_));
  put64(buf + 16, static_cast<std::uint64_t>(epoch_seconds_));
  put64(buf + 24, next_);
  std::memcpy(buf + 32, key_.data(), 32);
  // In place, over the old bytes: no copy of the old key is left in a renamed-away file.
  bool ok = ::pwrite(fd_, buf, kSize, 0) == static_cast<ssize_t>(kSize) && ::fsync(fd_) == 0;
  sodium_memzero(buf, sizeof buf);
  if (!ok) return Unexpected{sys_error(path_)};
  return true;
}

Result<bool, std::string> SealKeyFile::advance_to(std::uint64_t n) {
  if (n <= next_) return true;
  SealKey k = key_;
  for (std::uint64_t e = next_; e < n; ++e)
    k = evolve(k);
  sodium_memzero(key_.data(), key_.size());
  key_ = k;
  sodium_memzero(k.data(), k.size());
  next_ = n;
  return write_state();
}

}  // namespace kiosk::audit
