#include "sim/issuer/keys_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/json.h"

namespace kiosk::sim {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kFormat = "kiosk-sim-keys/1";

constexpr std::string_view kReadme =
    "TEST MATERIAL - NOT FOR PRODUCTION\n"
    "\n"
    "Made by `kiosk-sim keys`. Every key here is derived from a public seed: anyone can\n"
    "recompute the secrets. A kiosk that trusts anchors/ accepts credentials anybody can forge.\n"
    "Never install these anchors on a kiosk in service.\n"
    "\n"
    "  anchors/*.pub       the test trust anchor (raw Ed25519 public key, hex)\n"
    "  trust/keyset.cose   the key set bundle signed by that anchor\n"
    "  trust/status/*.cose one status list per issuer\n"
    "  test-keys.json      TEST ONLY: the seeds and scopes of every key, for `kiosk-sim issue`\n"
    "\n"
    "Install on a test kiosk store:\n"
    "  kioskctl trust install --db DB --anchors anchors --now EPOCH trust\n";

Result<bool, std::string> write_file(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Unexpected{p.string() + ": cannot write"};
  return true;
}

std::int64_t i64(std::uint64_t v) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX));
}

// JSON readers over the parsed value; each failure names the field.
struct Reader {
  std::string error;
  std::optional<std::uint64_t> uint(const json::Value& o, std::string_view k) {
    const json::Value* v = o.get(k);
    if (!v || !v->is_number() || v->number < 0 || v->number > 9007199254740992.0 ||
        v->number != static_cast<double>(static_cast<std::uint64_t>(v->number))) {
      fail(k);
      return std::nullopt;
    }
    return static_cast<std::uint64_t>(v->number);
  }
  std::optional<std::string> str(const json::Value& o, std::string_view k) {
    const json::Value* v = o.get(k);
    if (!v || !v->is_string()) {
      fail(k);
      return std::nullopt;
    }
    return v->string;
  }
  std::optional<Seed> seed(const json::Value& o, std::string_view k) {
    auto s = str(o, k);
    if (!s) return std::nullopt;
    auto b = from_hex(*s);
    auto a = b ? to_array<32>(*b) : std::nullopt;
    if (!a) fail(k);
    return a;
  }
  const json::Value* array(const json::Value& o, std::string_view k) {
    const json::Value* v = o.get(k);
    if (!v || !v->is_array()) {
      fail(k);
      return nullptr;
    }
    return v;
  }
  void fail(std::string_view k) {
    if (error.empty()) error = "missing or invalid \"" + std::string(k) + "\"";
  }
};

}  // namespace

std::string pki_to_json(const TestPki& p) {
  json::Writer w;
  w.begin_object();
  w.key("note").string("TEST ONLY: Ed25519 seeds of kiosk-sim's test PKI. Not for production.");
  w.key("format").string(kFormat);
  w.key("seed").number(i64(p.seed));
  w.key("now").number(p.now);
  // "alg" only for SM2 material (spec section 9): Ed25519 files stay as they were.
  if (p.alg == SigAlg::kSm2) w.key("alg").number(sign::kCoseSm2);
  {
    VerifyKey root = p.root_key();
    w.key("root").begin_object();
    w.key("seed").string(to_hex(p.root)).key("pub").string(to_hex(root.raw()));
    w.key("kid").string(to_hex(root.kid())).end_object();
  }
  w.key("keyset").begin_object();
  w.key("seq").number(i64(p.keyset_seq)).key("iat").number(i64(p.keyset_iat));
  w.key("exp").number(i64(p.keyset_exp)).end_object();
  w.key("keys").begin_array();
  for (const TestKey& k : p.keys) {
    VerifyKey pub = k.pub();
    w.begin_object().key("role").string(k.role).key("seed").string(to_hex(k.seed));
    w.key("pub").string(to_hex(pub.raw())).key("kid").string(to_hex(pub.kid()));
    w.key("iss").string(k.iss).key("docs").begin_array();
    for (auto d : k.docs)
      w.number(i64(d));
    w.end_array().key("reg").string(k.reg).key("nbf").number(i64(k.nbf));
    w.key("exp").number(i64(k.exp)).key("st").number(i64(k.st)).end_object();
  }
  w.end_array();
  w.key("status").begin_array();
  for (const TestStatusList& l : p.status) {
    w.begin_object().key("iss").string(l.iss).key("signer").string(l.signer);
    w.key("seq").number(i64(l.seq)).key("iat").number(i64(l.iat)).key("exp").number(i64(l.exp));
    w.key("size").number(i64(l.size)).key("revoked").begin_array();
    for (auto i : l.revoked)
      w.number(i64(i));
    w.end_array().end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

Result<TestPki, std::string> pki_from_json(std::string_view text) {
  json::ParseError pe{};
  auto doc = json::parse(text, &pe);
  if (!doc || !doc->is_object()) {
    return Unexpected{"not a JSON object (at byte " + std::to_string(pe.offset) + ": " + pe.what +
                      ")"};
  }
  Reader r;
  TestPki p;
  auto fmt = r.str(*doc, "format");
  if (fmt && *fmt != kFormat) return Unexpected{"format is not " + std::string(kFormat)};
  p.seed = r.uint(*doc, "seed").value_or(0);
  p.now = i64(r.uint(*doc, "now").value_or(0));
  if (const json::Value* alg = doc->get("alg")) {
    auto a =
        alg->is_number() ? sign::from_cose(static_cast<std::int64_t>(alg->number)) : std::nullopt;
    if (!a) r.fail("alg");
    p.alg = a.value_or(SigAlg::kEd25519);
  }
  if (const json::Value* root = doc->get("root"); root && root->is_object()) {
    p.root = r.seed(*root, "seed").value_or(Seed{});
  } else {
    r.fail("root");
  }
  if (const json::Value* ks = doc->get("keyset"); ks && ks->is_object()) {
    p.keyset_seq = r.uint(*ks, "seq").value_or(0);
    p.keyset_iat = r.uint(*ks, "iat").value_or(0);
    p.keyset_exp = r.uint(*ks, "exp").value_or(0);
  } else {
    r.fail("keyset");
  }
  if (const json::Value* keys = r.array(*doc, "keys")) {
    for (const json::Value& e : keys->array) {
      TestKey k;
      k.role = r.str(e, "role").value_or("");
      k.seed = r.seed(e, "seed").value_or(Seed{});
      k.alg = p.alg;
      k.iss = r.str(e, "iss").value_or("");
      if (const json::Value* docs = r.array(e, "docs")) {
        for (const json::Value& d : docs->array) {
          if (!d.is_number() || d.number < 0 || d.number > 255) r.fail("docs");
          k.docs.push_back(static_cast<std::uint64_t>(d.number));
        }
      }
      k.reg = r.str(e, "reg").value_or("");
      k.nbf = r.uint(e, "nbf").value_or(0);
      k.exp = r.uint(e, "exp").value_or(0);
      k.st = r.uint(e, "st").value_or(0);
      if (auto pub = r.str(e, "pub"); pub && r.error.empty() && *pub != to_hex(k.pub().raw())) {
        return Unexpected{"key \"" + k.role + "\": pub does not match its seed"};
      }
      p.keys.push_back(std::move(k));
    }
  }
  if (const json::Value* lists = r.array(*doc, "status")) {
    for (const json::Value& e : lists->array) {
      TestStatusList l;
      l.iss = r.str(e, "iss").value_or("");
      l.signer = r.str(e, "signer").value_or("");
      l.seq = r.uint(e, "seq").value_or(0);
      l.iat = r.uint(e, "iat").value_or(0);
      l.exp = r.uint(e, "exp").value_or(0);
      l.size = r.uint(e, "size").value_or(0);
      if (const json::Value* rev = r.array(e, "revoked")) {
        for (const json::Value& i : rev->array) {
          if (!i.is_number() || i.number < 0) r.fail("revoked");
          l.revoked.push_back(static_cast<std::uint64_t>(i.number));
        }
      }
      std::sort(l.revoked.begin(), l.revoked.end());
      p.status.push_back(std::move(l));
    }
  }
  if (!r.error.empty()) return Unexpected{r.error};
  return p;
}

Result<bool, std::string> write_keys_dir(const TestPki& pki, const std::string& dir) {
  std::error_code ec;
  fs::path d(dir);
  fs::create_directories(d / "anchors", ec);
  fs::create_directories(d / "trust" / "status", ec);
  if (ec) return Unexpected{dir + ": cannot create: " + ec.message()};
  // Status lists left from an earlier run would be installed with the new ones: remove them.
  for (const auto& e : fs::directory_iterator(d / "trust" / "status", ec)) {
    if (e.path().extension() == ".cose") fs::remove(e.path(), ec);
  }

  VerifyKey root = pki.root_key();
  auto w = write_file(d / "README.txt", kReadme);
  if (!w) return w;
  w = write_file(d / "test-keys.json", pki_to_json(pki));
  if (!w) return w;
  w = write_file(d / "anchors" / "test-root.pub", to_hex(root.raw()) + "\n");
  if (!w) return w;
  Bytes ks = build_keyset(pki);
  w = write_file(d / "trust" / "keyset.cose", as_chars(ks));
  if (!w) return w;
  for (const TestStatusList& l : pki.status) {
    Bytes b = build_status_list(pki, l);
    if (b.empty()) return Unexpected{"status list " + l.iss + ": unknown signer " + l.signer};
    w = write_file(d / "trust" / "status" / (l.iss + ".cose"), as_chars(b));
    if (!w) return w;
  }
  return true;
}

Result<TestPki, std::string> load_keys_dir(const std::string& dir) {
  fs::path p = fs::path(dir) / "test-keys.json";
  std::ifstream in(p, std::ios::binary);
  if (!in)
    return Unexpected{p.string() + ": cannot open (make it with `kiosk-sim keys --out " + dir +
                      "`)"};
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 16u * 1024 * 1024) return Unexpected{p.string() + ": too large"};
  auto pki = pki_from_json(text);
  if (!pki) return Unexpected{p.string() + ": " + pki.error()};
  return pki;
}

}  // namespace kiosk::sim
