// Reading a trust file (bundle or status list) from disk, bounded before anything is parsed: a
// regular file only (never a FIFO, device, socket or directory, which could block or never end),
// at most kMaxTrustFile bytes, read into one buffer sized to the file. For kioskctl, kioskd's
// watched folder and USB imports.
#pragma once

#include <cstddef>
#include <string>

#include "app/bytes.h"
#include "app/result.h"
#include "app/trust.h"

namespace kiosk::keys {

struct ReadOptions {
  std::size_t limit = kMaxTrustFile;  ///< larger files are refused without being read
  bool follow_symlinks = true;        ///< false: a symlink is refused (O_NOFOLLOW)
};

/// The whole file at `path`, or why not ("not a regular file", "larger than N bytes", ...).
Result<Bytes, std::string> read_trust_file(const std::string& path, ReadOptions opt = {});

/// The same for `name` inside the directory open as `dirfd` (openat): with follow_symlinks false
/// nothing outside the folder can be reached through a symlink in it. `name` must not hold '/'.
Result<Bytes, std::string> read_trust_file_at(int dirfd, const std::string& name,
                                              ReadOptions opt = {.follow_symlinks = false});

}  // namespace kiosk::keys
