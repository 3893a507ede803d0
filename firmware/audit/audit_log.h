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
#include "firmware/audit/seal.h"
#include "firmware/audit/seal_key_file.h"

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
  /// Findings that need an auditor (a log missing, emptied, replaced or without its sealing key):
  /// the kiosk goes on recording, in alarm. Each is also a segment record in the log.
  std::vector<std::string> alarms;
  /// Set when opening made a new sealing key: the auditor's verification key, to print ONCE and
  /// never store on the kiosk.
  std::string new_verify_key;
};

struct SealOptions {
  std::int64_t epoch_seconds = 60;  ///< the epoch length for a new sealing key
  /// The directory of `audit-seal.key` ("" = the log's directory).
  std::string key_dir;
};

/// A seal or checkpoint row as stored (its columns beside the body they must agree with).
struct StoredSeal {
  std::int64_t id = 0;
  std::string kind;
  std::uint64_t first = 0, last = 0, seq = 0;
  std::string body;
  Hash mac{};
  std::string line() const { return format_seal_line(body, mac); }
};

/// The sealing key file beside the log at `log_path` (or in `key_dir`).
std::string seal_key_path(const std::string& log_path, const std::string& key_dir = "");

class AuditLog {
 public:
  /// Opens (creating when missing) the log at `path`, checks the whole chain and, for every break
  /// not yet recorded, appends a segment record that reports it before anything else is appended.
  /// A file that is not an audit log or fails SQLite's check is set aside as `path.corrupt-<time>`
  /// and a new log starts with a segment record naming it.
  ///
  /// Sealing: the key file `audit-seal.key` is opened (made, with the verification key in the
  /// report, when neither it nor any seal exists) and every epoch that ended before `now` is
  /// sealed. A log missing, empty or replaced while the key says a log existed, or a log with seals
  /// but no key, is an alarm (never a silent fresh start).
  static Result<std::unique_ptr<AuditLog>, AuditError> open(const std::string& path,
                                                            std::string kiosk_id, std::int64_t now,
                                                            OpenReport* report,
                                                            const SealOptions& options = {});
  /// Opens an existing log for reading (for `kioskctl audit verify/export`). It appends nothing,
  /// but SQLite rolls back a hot journal a power cut left, so the file itself may change.
  static Result<std::unique_ptr<AuditLog>, AuditError> open_read_only(const std::string& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  /// Appends `r` (its seq, prev and kiosk are filled in here) and returns it as stored. Durable
  /// (fsynced) when this returns a value; on an error nothing was written. Epochs that ended
  /// before `r.time` are sealed first; a checkpoint of the new head is written with the record
  /// (in the same transaction), see last_line().
  Result<Record, AuditError> append(Record r);

  /// Seals every epoch that ended before `now` (and the current one too when `stop`); returns the
  /// seal line written, "" when nothing was due. Call every epoch and at a clean stop.
  Result<std::string, AuditError> seal_due(std::int64_t now, bool stop = false);

  /// The last seal or checkpoint line this log wrote ("" before any): what leaves the box.
  const std::string& last_line() const { return last_line_; }

  /// For forwarding (the fleet's syslog): seal and checkpoint rows with id > `after_id`, in order.
  Result<std::vector<StoredSeal>, AuditError> seals_after(std::int64_t after_id,
                                                          std::size_t limit = 1000);
  /// For forwarding: records with seq > `after_seq`, in order, at most `limit`.
  Result<std::vector<StoredRecord>, AuditError> records_after(std::uint64_t after_seq,
                                                              std::size_t limit = 1000);

  /// The sealing key's next epoch, t0 and epoch length (none when sealing is off).
  const SealKeyFile* seal_key() const { return key_.get(); }

  /// Removes the oldest records whose time is before `cutoff` (a contiguous prefix) and appends a
  /// purge record carrying the hash of the last one removed. Returns the number removed.
  Result<std::uint64_t, AuditError> purge_before(std::int64_t cutoff, std::int64_t now);

  /// Checks the chain over every stored record.
  Result<ChainReport, AuditError> check();

  /// Calls `fn` on every seal and checkpoint row, in order.
  Result<bool, AuditError> for_each_seal(const std::function<void(const StoredSeal&)>& fn);

  /// Calls `fn` on every record from `from_seq` on, in order.
  Result<bool, AuditError> for_each(std::uint64_t from_seq,
                                    const std::function<void(const StoredRecord&)>& fn);

  /// Verdicts recorded at or after `since`, by outcome name, read from the hashed bodies (a
  /// column edited behind the chain's back changes no count).
  Result<std::map<std::string, std::uint64_t>, AuditError> outcome_counts(std::int64_t since);

  /// The time of the newest record (0 when empty).
  Result<std::int64_t, AuditError> newest_time();

  const std::string& path() const { return path_; }

 private:
  AuditLog(sqlite3* db, std::string path, std::string kiosk)
      : db_(db), path_(std::move(path)), kiosk_(std::move(kiosk)) {}
  Result<Record, AuditError> append_locked(Record r);
  /// Inserts a seal or checkpoint row; returns its line (for last_line() once committed).
  Result<std::string, AuditError> insert_seal(const Seal& s, const SealKey& key);
  Result<std::pair<std::uint64_t, std::string>, AuditError> head();
  Result<bool, AuditError> start_sealing(std::int64_t now, const SealOptions& options, bool alarmed,
                                         OpenReport& rep, std::vector<std::string>& alarms);
  Result<bool, AuditError> alarm(std::int64_t now, const std::string& what, OpenReport& rep);
  sqlite3* db_;
  std::string path_;
  std::string kiosk_;
  std::unique_ptr<SealKeyFile> key_;
  std::string last_line_;
};

/// The audit record of a verdict: no name, no passport or permit number; the credential id only as
/// a keyed hash.
Record verdict_record(const Verdict& v, std::string_view channel, std::int64_t time,
                      const HashKey& key);

}  // namespace kiosk::audit
