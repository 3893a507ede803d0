// kioskctl trust install | show
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/json.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/common.h"
#include "keys/store.h"
#include "keys/trust_file.h"

namespace kiosk::ctl {
namespace {

namespace fs = std::filesystem;

/// A trust package directory: keyset.cose first, then every status/*.cose in name order.
std::vector<fs::path> package_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::exists(dir / "keyset.cose")) files.push_back(dir / "keyset.cose");
  std::vector<fs::path> lists;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "status", ec)) {
    if (e.path().extension() == ".cose") lists.push_back(e.path());
  }
  std::sort(lists.begin(), lists.end());
  files.insert(files.end(), lists.begin(), lists.end());
  return files;
}

int install(const std::vector<std::string>& words) {
  auto a = parse_args(words, {"db", "anchors", "now"}, {});
  if (!a) return usage_error(a.error());
  const std::string* db = a->get("db");
  const std::string* anchors_dir = a->get("anchors");
  if (!db || !anchors_dir) return usage_error("trust install needs --db and --anchors");
  if (a->positional.empty()) return usage_error("trust install needs at least one PATH");
  auto now = now_from(*a);
  if (!now) return usage_error(now.error());
  auto anchors = keys::load_anchors(*anchors_dir);
  if (!anchors) {
    std::cerr << "kioskctl: " << anchors.error() << "\n";
    return 1;
  }
  auto store = open_store(*db);
  if (!store) return 1;

  bool all_ok = true;
  for (const std::string& path : a->positional) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      files = package_files(path);
      if (files.empty()) {
        std::cout << path << ": MALFORMED" << std::endl;
        std::cerr << "kioskctl: " << path
                  << ": no keyset.cose or status/*.cose in this directory\n";
        all_ok = false;
      }
    } else {
      files.push_back(path);
    }
    for (const fs::path& f : files) {
      // A regular file of at most kMaxTrustFile bytes, read into a buffer of its size; a FIFO,
      // a device or an oversized file is MALFORMED without being read.
      auto bytes = keys::read_trust_file(f.string());
      if (!bytes) {
        std::cout << f.string() << ": MALFORMED" << std::endl;
        std::cerr << "kioskctl: " << f.string() << ": " << bytes.error() << "\n";
        all_ok = false;
        continue;
      }
      auto r = store->install(*bytes, *anchors, *now);
      if (!r) {
        std::cout << f.string() << ": STORE_ERROR" << std::endl;
        std::cerr << "kioskctl: " << r.error().message << " (nothing was changed)\n";
        all_ok = false;
        continue;
      }
      std::cout << f.string() << ": " << keys::name(*r) << std::endl;
      all_ok = all_ok && keys::accepted(*r);
    }
  }
  return all_ok ? 0 : 1;
}

int show(const std::vector<std::string>& words) {
  auto a = parse_args(words, {"db", "now"}, {});
  if (!a) return usage_error(a.error());
  const std::string* db = a->get("db");
  if (!db) return usage_error("trust show needs --db");
  auto now = now_from(*a);
  if (!now) return usage_error(now.error());
  auto store = open_store(*db);
  if (!store) return 1;
  auto snap = read_snapshot(*store);
  if (!snap) return 1;
  auto i64 = [](std::uint64_t v) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX));
  };
  json::Writer w;
  w.begin_object();
  w.key("keyset");
  if (!snap->keyset) {
    w.null();
  } else {
    const KeySet& ks = *snap->keyset;
    w.begin_object().key("seq").number(i64(ks.seq)).key("iat").number(i64(ks.iat));
    w.key("exp").number(i64(ks.exp)).key("expired").boolean(i64(ks.exp) <= *now);
    w.key("keys").begin_array();
    for (const auto& k : ks.keys) {
      w.begin_object().key("kid").string(to_hex(k.kid)).key("iss").string(k.iss);
      w.key("reg").string(k.reg).key("docs").begin_array();
      for (auto d : k.docs)
        w.number(i64(d));
      w.end_array().key("nbf").number(i64(k.nbf)).key("exp").number(i64(k.exp));
      w.key("revoked").boolean(k.st == 1).end_object();
    }
    w.end_array().end_object();
  }
  w.key("status").begin_array();
  for (const auto& [iss, l] : snap->status) {
    w.begin_object().key("iss").string(iss).key("seq").number(i64(l.seq));
    w.key("exp").number(i64(l.exp)).key("size").number(i64(l.size)).end_object();
  }
  w.end_array();
  w.key("time_floor").number(snap->time_floor);
  w.end_object();
  std::cout << w.take() << "\n";
  return 0;
}

}  // namespace

int cmd_trust(const std::vector<std::string>& words) {
  if (words.empty()) return usage_error("trust needs a subcommand: install or show");
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (words[0] == "install") return install(rest);
  if (words[0] == "show") return show(rest);
  return usage_error("unknown trust subcommand '" + words[0] + "'");
}

}  // namespace kiosk::ctl
