#include "firmware/audit/kiosk_secrets.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::audit {
namespace {

std::string sys_error(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

/// Reads exactly `out.size()` bytes from `path`; creates it from fresh random bytes when missing.
template <std::size_t N>
Result<bool, std::string> load_or_create(const std::string& dir, const std::string& file,
                                         std::array<std::uint8_t, N>& out, std::string* notice) {
  std::string path = dir + "/" + file;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      std::string e = sys_error(path);
      ::close(fd);
      return Unexpected{e};
    }
    if (st.st_size != static_cast<off_t>(N)) {
      ::close(fd);
      return Unexpected{path + ": holds " + std::to_string(st.st_size) + " bytes, expected " +
                        std::to_string(N) + " (left untouched)"};
    }
    ssize_t n = ::read(fd, out.data(), N);
    if ((st.st_mode & 077) != 0) {
      if (::fchmod(fd, 0600) == 0 && notice)
        *notice += path + ": was readable by others, now mode 0600. ";
    }
    ::close(fd);
    if (n != static_cast<ssize_t>(N)) return Unexpected{path + ": short read"};
    return false;
  }
  if (errno != ENOENT) return Unexpected{sys_error(path)};
  randombytes_buf(out.data(), N);
  // Write to a temporary, fsync, then link into place: a power cut leaves no half-written key.
  std::string tmp = path + ".new";
  ::unlink(tmp.c_str());
  fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Unexpected{sys_error(tmp)};
  bool ok = ::write(fd, out.data(), N) == static_cast<ssize_t>(N) && ::fsync(fd) == 0;
  std::string e = ok ? "" : sys_error(tmp);
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Unexpected{e};
  }
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    e = sys_error(path);
    ::unlink(tmp.c_str());
    return Unexpected{e};
  }
  ::unlink(tmp.c_str());
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return true;
}

}  // namespace

KioskSecrets::~KioskSecrets() {
  sodium_memzero(hash_key.data(), hash_key.size());
  sodium_memzero(sign_seed.data(), sign_seed.size());
}

PublicKey KioskSecrets::sign_public() const {
  KeyPair kp(sign_seed);
  return kp.public_key();
}

Result<std::unique_ptr<KioskSecrets>, std::string> load_or_create_secrets(
    const std::string& data_dir, std::string* notice) {
  auto s = std::make_unique<KioskSecrets>();
  auto a = load_or_create(data_dir, "audit.key", s->hash_key, notice);
  if (!a) return Unexpected{a.error()};
  auto b = load_or_create(data_dir, "audit-sign.key", s->sign_seed, notice);
  if (!b) return Unexpected{b.error()};
  return s;
}

Result<Bytes, std::string> load_sign_public(const std::string& data_dir, SigAlg alg) {
  std::string path = data_dir + "/audit-sign.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Unexpected{sys_error(path)};
  Seed seed{};
  ssize_t n = ::read(fd, seed.data(), seed.size());
  char extra;
  ssize_t more = ::read(fd, &extra, 1);
  ::close(fd);
  if (n != static_cast<ssize_t>(seed.size()) || more != 0)
    return Unexpected{path + ": not a 32-byte key"};
  SigningKey key = SigningKey::from_seed(alg, seed);
  sodium_memzero(seed.data(), seed.size());
  ByteView raw = key.public_key().raw();
  return Bytes(raw.begin(), raw.end());
}

Result<PublicKey, std::string> load_sign_public(const std::string& data_dir) {
  auto raw = load_sign_public(data_dir, SigAlg::kEd25519);
  if (!raw) return Unexpected{raw.error()};
  auto key = to_array<32>(*raw);
  if (!key) return Unexpected{data_dir + "/audit-sign.key: not an Ed25519 key"};
  return *key;
}

std::string cti_hash(const HashKey& key, ByteView cti) {
  if (cti.empty()) return "";
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), cti.data(), cti.size(), key.data(), key.size());
  return to_hex(h);
}

}  // namespace kiosk::audit
