// Shared set-up for the fuzz targets: the vector trust package, parsed once, without SQLite.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cose.h"
#include "app/trust.h"
#include "keys/anchors.h"
#include "keys/install.h"

namespace kiosk::fuzz {

inline Bytes read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return Bytes(s.begin(), s.end());
}

inline keys::Anchors vector_anchors() {
  auto a = keys::load_anchors(std::string(KIOSK_TEST_DATA) + "/vectors/anchors");
  if (!a) __builtin_trap();
  return *a;
}

/// The vector trust package as installed at its install time.
inline keys::InstalledTrust vector_installed() {
  const std::string dir = std::string(KIOSK_TEST_DATA) + "/vectors/trust";
  keys::InstalledTrust t;
  t.keyset_cose = read_file(dir + "/keyset.cose");
  auto msg = cose::parse_sign1(t.keyset_cose);
  if (!msg) __builtin_trap();
  t.keyset = parse_keyset_payload(msg->payload);
  if (!t.keyset) __builtin_trap();
  return t;
}

inline TrustSnapshot vector_snapshot() {
  const std::string dir = std::string(KIOSK_TEST_DATA) + "/vectors/trust";
  TrustSnapshot s;
  s.keyset = vector_installed().keyset;
  s.time_floor = static_cast<std::int64_t>(s.keyset->iat);
  for (const auto& e : std::filesystem::directory_iterator(dir + "/status")) {
    Bytes b = read_file(e.path());
    auto msg = cose::parse_sign1(b);
    if (!msg) __builtin_trap();
    auto list = parse_status_payload(msg->payload);
    if (!list) __builtin_trap();
    s.status.emplace(list->iss, std::move(*list));
  }
  return s;
}

}  // namespace kiosk::fuzz
