// kioskctl officer add | passwd | disable | list --db FILE [--name NAME] [--role ROLE]
#include <sodium.h>

#include <iostream>
#include <string>

#include "app/json.h"
#include "firmware/auth/officer_store.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"

namespace kiosk::ctl {
namespace {

constexpr const char* kUsage =
    "usage: kioskctl officer add --db FILE --name NAME [--role officer|supervisor] < PASSWORD\n"
    "       kioskctl officer passwd --db FILE --name NAME < PASSWORD\n"
    "       kioskctl officer disable --db FILE --name NAME\n"
    "       kioskctl officer list --db FILE\n";

int officer_usage(const std::string& message) {
  std::cerr << "kioskctl: " << message << "\n" << kUsage;
  return 2;
}

int failed(const auth::OfficerError& e) {
  std::cerr << "kioskctl: " << e.message << "\n";
  return e.kind == auth::OfficerError::Kind::kInvalid ? 2 : 1;
}

/// One line from standard input, without its line end; nullopt when there is none.
std::optional<std::string> read_password() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void print(const auth::Officer& o) {
  json::Writer w;
  w.begin_object();
  w.key("name").string(o.name);
  w.key("role").string(auth::name(o.role));
  w.key("enabled").boolean(o.enabled);
  w.key("created").number(o.created);
  w.key("last_signin");
  if (o.last_signin)
    w.number(*o.last_signin);
  else
    w.null();
  w.end_object();
  std::cout << w.take() << "\n";
}

}  // namespace

int cmd_officer(const std::vector<std::string>& words) {
  if (words.empty()) return officer_usage("officer needs a subcommand");
  const std::string& sub = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  auto a = parse_args(rest, {"db", "name", "role", "now"}, {});
  if (!a) return officer_usage(a.error());
  if (!a->positional.empty()) return officer_usage("unexpected '" + a->positional[0] + "'");
  const std::string* db = a->get("db");
  if (!db) return officer_usage("officer " + sub + " needs --db FILE");
  bool named = sub == "add" || sub == "passwd" || sub == "disable";
  if (sub != "list" && !named) return officer_usage("unknown officer subcommand '" + sub + "'");
  const std::string* officer = a->get("name");
  if (named && !officer) return officer_usage("officer " + sub + " needs --name NAME");
  if (!named && officer) return officer_usage("officer list takes no --name");
  if (named && !auth::valid_officer_name(*officer))
    return officer_usage("--name is 1 to 32 of A-Z a-z 0-9 . _ -");
  auto role = auth::Role::kOfficer;
  if (const std::string* r = a->get("role")) {
    if (sub != "add") return officer_usage("--role goes with officer add");
    auto parsed = auth::parse_role(*r);
    if (!parsed) return officer_usage("--role is officer or supervisor");
    role = *parsed;
  }
  auto now = now_from(*a);
  if (!now) return officer_usage(now.error());

  std::optional<std::string> password;
  if (sub == "add" || sub == "passwd") {
    password = read_password();
    if (!password) return officer_usage("officer " + sub + " reads the password from stdin");
  }
  auto store = auth::OfficerStore::open(*db);
  if (!store) return failed(store.error());
  int status = 0;
  if (sub == "add") {
    auto r = (*store)->add(*officer, role, *password, *now);
    status = r ? 0 : failed(r.error());
  } else if (sub == "passwd") {
    auto r = (*store)->set_password(*officer, *password);
    status = r ? 0 : failed(r.error());
  } else if (sub == "disable") {
    auto r = (*store)->disable(*officer);
    status = r ? 0 : failed(r.error());
  } else {
    auto list = (*store)->list();
    if (!list) return failed(list.error());
    for (const auto& o : *list)
      print(o);
  }
  if (password) sodium_memzero(password->data(), password->size());
  return status;
}

}  // namespace kiosk::ctl
