// Helpers shared by the kiosk-sim tests: a temporary directory and a trust store filled with a
// test PKI's trust package.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "keys/store.h"
#include "sim/issuer/test_pki.h"

namespace kiosk::sim::test {

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "kiosk-sim-test-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Installs the trust package of `pki` into a fresh store file at `path`, at `pki.now`; every
/// install must answer INSTALLED.
inline std::unique_ptr<keys::TrustStore> store_with(const TestPki& pki, const std::string& path) {
  auto store = keys::TrustStore::open(path);
  REQUIRE(store.ok());
  keys::Anchors anchors;
  anchors.keys.push_back(pki.root_key());
  auto r = (*store)->install(build_keyset(pki), anchors, pki.now);
  REQUIRE(r.ok());
  REQUIRE(*r == keys::InstallResult::kInstalled);
  for (const TestStatusList& l : pki.status) {
    auto s = (*store)->install(build_status_list(pki, l), anchors, pki.now);
    REQUIRE(s.ok());
    CHECK_MESSAGE(*s == keys::InstallResult::kInstalled, l.iss);
  }
  return std::move(*store);
}

}  // namespace kiosk::sim::test
