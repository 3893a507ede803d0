// The audit log: one record per verdict, hash-chained, append-only, in its own SQLite file.
//
// Why SQLite and not a flat file: each append is one transaction with a rollback journal and
// synchronous=FULL, so a power cut or SIGKILL at any instant leaves every committed record whole
// and no torn tail to repair; a full disk comes back as SQLITE_FULL with the log unchanged. The
// hash chain, not the database, is the evidence: triggers refuse UPDATE and any DELETE outside a
// retention purge, and `check()` finds any record altered, removed or reordered behind our back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/result.h"
#include "app/verifier.h"
#include "firmware/audit/chain_check.h"
#include "firmware/audit/kiosk_secrets.h"
#include "firmware/audit/record.h"

struct sqlite3;

namespace kiosk::audit {

struct AuditError {
  enum class Kind {
    kIo,       ///< cannot open, read or write the file
    kFull,     ///< the disk (or the file size limit) is full: nothing was written
    kCorrupt,  ///< the file is not an audit log or fails SQLite's check
  };
  Kind kind = Kind::kIo;
  std::string message;
};

/// What opening found and did: the chain as it was, and what was recorded about it.
struct OpenReport {
  ChainReport chain;                 ///< before any segment record was added
  std::vector<std::string> notices;  ///< one line each: set aside, breaks recorded
};

class AuditLog {
 public:
  /// Opens (creating when missing) the log at `path`, checks the whole chain and, for every break
  /// not yet recorded, appends a segment record that reports it before anything else is appended.
  /// A file that is not an audit log or fails SQLite's check is set aside as `path.corrupt-<time>`
  /// and a new log starts with a segment record naming it.
  static Result<std::unique_ptr<AuditLog>, AuditError> open(const std::string& path,
                                                            std::string kiosk_id, std::int64_t now,
                                                            OpenReport* report);
  /// Opens an existing log for reading (for `kioskctl audit verify/export`). It appends nothing,
  /// but SQLite rolls back a hot journal a power cut left, so the file itself may change.
  static Result<std::unique_ptr<AuditLog>, AuditError> open_read_only(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends `r` (its seq, prev and kiosk are filled in here) and returns it as stored. Durable
  /// (fsynced) when this returns a value; on an error nothing was written.
  Result<Record, AuditError> append(Record r);

  /// Removes the oldest records whose time is before `cutoff` (a contiguous prefix) and appends a
  /// purge record carrying the hash of the last one removed. Returns the number removed.
  Result<std::uint64_t, AuditError> purge_before(std::int64_t cutoff, std::int64_t now);

  /// Checks the chain over every stored record.
  Result<ChainReport, AuditError> check();

  /// Calls `fn` on every record from `from_seq` on, in order.
  Result<bool, AuditError> for_each(std::uint64_t from_seq,
                                    const std::function<void(const StoredRecord&)>& fn);

  /// Verdicts recorded at or after `since`, by outcome name.
  Result<std::map<std::string, std::uint64_t>, AuditError> outcome_counts(std::int64_t since);

  /// The time of the newest record (0 when empty).
  Result<std::int64_t, AuditError> newest_time();

  const std::string& path() const { return path_; }

 private:
  AuditLog(sqlite3* db, std::string path, std::string kiosk)
      : db_(db), path_(std::move(path)), kiosk_(std::move(kiosk)) {}
  Result<Record, AuditError> append_locked(Record r);
  sqlite3* db_;
  std::string path_;
  std::string kiosk_;
};

/// The audit record of a verdict: no name, no passport or permit number; the credential id only as
/// a keyed hash.
Record verdict_record(const Verdict& v, std::string_view channel, std::int64_t time,
                      const HashKey& key);

}  // namespace kiosk::audit
