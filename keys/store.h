// The trust store: the installed key set bundle, status lists and time floor, persisted in one
// SQLite file. Every install is one transaction, so a crash or power cut at any instant leaves
// the old state or the new one, whole (rollback journal, synchronous=FULL).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/result.h"
#include "app/trust.h"
#include "keys/install.h"

struct sqlite3;

namespace kiosk::keys {

struct StoreError {
  std::string message;
};

class TrustStore {
 public:
  /// Opens (creating when missing) the store at `path`. A file that is not a trust store or fails
  /// SQLite's integrity check is never overwritten: it is renamed to `path.corrupt-<time>` and a
  /// fresh store is created; `notice` then says so. Fails only when no usable store can be had.
  static Result<std::unique_ptr<TrustStore>, StoreError> open(const std::string& path,
                                                              std::string* notice = nullptr);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  /// Installs a bundle or status list by the spec's rules, atomically. Storage failures (disk
  /// full, I/O error) leave the old state and come back as an error.
  Result<InstallResult, StoreError> install(ByteView file, const Anchors& anchors,
                                            std::int64_t now);

  /// The installed trust as one consistent snapshot. Status lists whose signer is not in the
  /// installed bundle (any more) or whose signature fails are left out, so they read as unknown.
  Result<TrustSnapshot, StoreError> snapshot();

  /// Raises the stored time floor to at least `t` (the time of an audit record, say).
  Result<bool, StoreError> raise_time_floor(std::int64_t t);

  const std::string& path() const { return path_; }

 private:
  TrustStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<InstalledTrust, StoreError> load_installed();
  sqlite3* db_;
  std::string path_;
};

}  // namespace kiosk::keys
