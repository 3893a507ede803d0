// The kiosk's sealing key on disk (`audit-seal.key`, mode 0600, 64 bytes): a magic, t0, the epoch
// length, the first epoch not yet sealed (n) and its key k_n. Advancing evolves the key, writes the
// new one over the old in place, fsyncs, and wipes the old one from memory: after a seal of epoch e
// neither the file nor the process holds a key that can seal e again.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/result.h"
#include "firmware/audit/seal.h"

namespace kiosk::audit {

class SealKeyFile {
 public:
  /// Opens an existing key file; fails with the reason (missing: `missing` is set).
  static Result<std::unique_ptr<SealKeyFile>, std::string> open(const std::string& path,
                                                                bool* missing = nullptr);
  /// Creates the key file (exclusively) at epoch 0 with a fresh random k_0 and returns it with
  /// the verification key, which the caller prints once and must not store.
  static Result<std::unique_ptr<SealKeyFile>, std::string> create(const std::string& path,
                                                                  std::int64_t t0,
                                                                  std::int64_t epoch_seconds,
                                                                  AuditorKey* verify);
  ~SealKeyFile();
  SealKeyFile(const SealKeyFile&) = delete;
  SealKeyFile& operator=(const SealKeyFile&) = delete;

  std::int64_t t0() const { return t0_; }
  std::int64_t epoch_seconds() const { return epoch_seconds_; }
  std::uint64_t next() const { return next_; }  ///< the first epoch not yet sealed
  const SealKey& key() const { return key_; }   ///< k_next
  std::int64_t epoch_of(std::int64_t t) const;

  /// Moves to epoch `n` (> next()): evolves, overwrites the file in place and fsyncs it.
  Result<bool, std::string> advance_to(std::uint64_t n);

 private:
  SealKeyFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Result<bool, std::string> write_state();
  int fd_;
  std::string path_;
  std::int64_t t0_ = 0, epoch_seconds_ = 60;
  std::uint64_t next_ = 0;
  SealKey key_{};
};

}  // namespace kiosk::audit
