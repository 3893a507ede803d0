// The vectors' trust package installed into a fresh store, as the conformance cases do.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/trust.h"
#include "keys/anchors.h"
#include "keys/store.h"

namespace kiosk::test {

constexpr std::int64_t kInstallNow = 1795956800;
constexpr std::int64_t kVerifyNow = 1796000000;
inline const std::string kVectors = std::string(KIOSK_TEST_DATA) + "/vectors";

inline Bytes read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  return Bytes(t.begin(), t.end());
}

/// Installs the vectors' trust package into a store at `db` and returns its snapshot.
inline TrustSnapshot vector_trust(const std::string& db) {
  namespace fs = std::filesystem;
  auto anchors = keys::load_anchors(kVectors + "/anchors");
  REQUIRE(anchors.ok());
  auto store = keys::TrustStore::open(db);
  REQUIRE(store.ok());
  std::vector<std::string> files = {kVectors + "/trust/keyset.cose"};
  for (const auto& e : fs::directory_iterator(kVectors + "/trust/status"))
    files.push_back(e.path().string());
  for (const auto& f : files) {
    auto r = (*store)->install(read_bytes(f), *anchors, kInstallNow);
    REQUIRE(r.ok());
    REQUIRE(keys::accepted(*r));
  }
  auto snap = (*store)->snapshot();
  REQUIRE(snap.ok());
  return std::move(*snap);
}

}  // namespace kiosk::test
