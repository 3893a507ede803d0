// The officers who may sign in to the console, in the kiosk's store (the trust store's SQLite
// file, `--db` for kioskctl, DATA/trust.db for kioskd), in a table of their own created in place
// the first time it is needed. Only Argon2id strings are stored, never a password.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/result.h"

struct sqlite3;

namespace kiosk::auth {

enum class Role { kOfficer, kSupervisor };

std::string_view name(Role r);
/// "officer" or "supervisor"; nullopt for anything else.
std::optional<Role> parse_role(std::string_view s);

/// True for a usable officer name: 1 to 32 of A-Z a-z 0-9 . _ -
bool valid_officer_name(std::string_view name);

struct Officer {
  std::string name;
  Role role = Role::kOfficer;
  bool enabled = true;
  std::int64_t created = 0;
  std::optional<std::int64_t> last_signin;
};

struct OfficerError {
  enum class Kind {
    kUnknown,  ///< no officer of that name
    kExists,   ///< add: the name is taken
    kInvalid,  ///< a bad name, role or password (the message says which)
    kStorage,  ///< SQLite failed: the store is unchanged
  };
  Kind kind = Kind::kStorage;
  std::string message;
};

class OfficerStore {
 public:
  /// Opens the store at `path` (through the trust store, which creates or checks the file), and
  /// creates the officers table when it is missing.
  static Result<std::unique_ptr<OfficerStore>, OfficerError> open(const std::string& path);
  ~OfficerStore();
  OfficerStore(const OfficerStore&) = delete;
  OfficerStore& operator=(const OfficerStore&) = delete;

  /// Adds an enabled officer. kExists when the name is taken; kInvalid for a bad name or password.
  Result<Officer, OfficerError> add(std::string_view name, Role role, std::string_view password,
                                    std::int64_t now);
  /// Sets a new password (and enables the account again: a supervisor resets a locked-out or
  /// disabled officer this way).
  Result<bool, OfficerError> set_password(std::string_view name, std::string_view password);
  /// Disables the account: it can no longer sign in.
  Result<bool, OfficerError> disable(std::string_view name);
  /// Every officer, by name; no hashes.
  Result<std::vector<Officer>, OfficerError> list();

  /// Checks a sign-in: the officer when `password` matches an enabled account, nullopt when not
  /// (unknown name, disabled, wrong password: the caller cannot tell, and an unknown name costs
  /// as much time as a wrong password). The last sign-in time is recorded on success.
  Result<std::optional<Officer>, OfficerError> check(std::string_view name,
                                                     std::string_view password, std::int64_t now);

 private:
  explicit OfficerStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Result<std::optional<std::pair<Officer, std::string>>, OfficerError> find(std::string_view name);
  sqlite3* db_;
  std::string path_;
};

}  // namespace kiosk::auth
