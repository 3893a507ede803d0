#include "sim/scenario/scenario.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "sim/issuer/records.h"

namespace kiosk::sim {
namespace {

constexpr std::size_t kMaxScenario = 1u << 20;
constexpr std::int64_t kMaxOffset = 10LL * 365 * 86400;  // ten years of simulated time

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w)
    out.push_back(w);
  return out;
}

std::optional<std::uint64_t> to_u64(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || s[0] == '-' || s[0] == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "+90", "90", "+2m", "+1h", "+1d": seconds after the start.
std::optional<std::int64_t> parse_offset(std::string_view s) {
  if (s.starts_with('+')) s.remove_prefix(1);
  std::int64_t unit = 1;
  if (!s.empty()) {
    switch (s.back()) {
      case 's':
        unit = 1;
        s.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        s.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        s.remove_suffix(1);
        break;
      case 'd':
        unit = 86400;
        s.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  auto v = to_u64(s);
  if (!v || *v > static_cast<std::uint64_t>(kMaxOffset / unit)) return std::nullopt;
  return static_cast<std::int64_t>(*v) * unit;
}

std::optional<Outcome> outcome_from(std::string_view s) {
  for (Outcome o : {Outcome::kAccept, Outcome::kReview, Outcome::kReject}) {
    if (name(o) == s) return o;
  }
  return std::nullopt;
}

std::optional<Document> document_from(std::string_view s) {
  for (Document d : {Document::kUnknown, Document::kESsc, Document::kWpnl, Document::kWpCard,
                     Document::kSscChip}) {
    if (name(d) == s) return d;
  }
  return std::nullopt;
}

std::string variant_names(DocKind d) {
  std::string s;
  for (const VariantInfo& v : variants()) {
    if (v.doc == d) s += (s.empty() ? "" : ", ") + std::string(v.name);
  }
  return s;
}

std::string city_names() {
  std::string s;
  for (const City& c : cities())
    s += (s.empty() ? "" : ", ") + std::string(c.key);
  return s;
}

}  // namespace

std::string_view name(ChannelKind c) {
  switch (c) {
    case ChannelKind::kCamera:
      return "camera";
    case ChannelKind::kScanner:
      return "scanner";
    case ChannelKind::kCard:
      return "card";
  }
  return "?";
}

std::optional<ChannelKind> channel_from_name(std::string_view s) {
  for (ChannelKind c : {ChannelKind::kCamera, ChannelKind::kScanner, ChannelKind::kCard}) {
    if (name(c) == s) return c;
  }
  return std::nullopt;
}

Result<Scenario, std::string> parse_scenario(std::string_view text, std::string_view source) {
  Scenario sc;
  sc.source = std::string(source);
  int lineno = 0;
  auto fail = [&](const std::string& what) {
    return Unexpected{sc.source + ":" + std::to_string(lineno) + ": " + what};
  };
  bool seen_step = false;
  std::istringstream in{std::string(text)};
  std::string raw;
  while (std::getline(in, raw)) {
    ++lineno;
    if (auto hash = raw.find('#'); hash != std::string::npos) raw.resize(hash);
    auto w = words(raw);
    if (w.empty()) continue;
    const std::string& head = w[0];

    // Settings, before the first step.
    if (head == "seed" || head == "start" || head == "city" || head == "jurisdiction" ||
        head == "max_age" || head == "skew" || head == "alg") {
      if (seen_step) return fail("'" + head + "' must come before the first step");
      if (w.size() != 2) return fail("'" + head + "' takes exactly one value");
      const std::string& val = w[1];
      if (head == "alg") {
        if (val != "ed25519" && val != "sm2")
          return fail("alg must be ed25519 or sm2, got '" + val + "'");
        sc.alg = val == "sm2" ? SigAlg::kSm2 : SigAlg::kEd25519;
      } else if (head == "seed") {
        auto v = to_u64(val);
        if (!v) return fail("seed must be a non-negative integer, got '" + val + "'");
        sc.seed = *v;
      } else if (head == "start") {
        if (val == "now") {
          sc.start.reset();
        } else {
          auto v = to_u64(val);
          if (!v || *v > 253402300799ull) {
            return fail("start must be epoch seconds or 'now', got '" + val + "'");
          }
          sc.start = static_cast<std::int64_t>(*v);
        }
      } else if (head == "city") {
        if (!find_city(val))
          return fail("unknown city '" + val + "' (known: " + city_names() + ")");
        sc.city = val;
      } else if (head == "jurisdiction") {
        std::vector<std::string> prefixes;
        if (val != "none") {
          std::istringstream ps(val);
          std::string p;
          while (std::getline(ps, p, ',')) {
            if (p.empty() || p.size() > 6 ||
                p.find_first_not_of("0123456789") != std::string::npos) {
              return fail("jurisdiction prefixes are 1 to 6 digits, comma-separated, got '" + p +
                          "'");
            }
            prefixes.push_back(p);
          }
        }
        sc.jurisdiction = prefixes;
      } else {
        auto v = to_u64(val);
        if (!v || *v > 86400)
          return fail(head + " must be seconds (0 to 86400), got '" + val + "'");
        (head == "max_age" ? sc.max_age : sc.skew) = static_cast<std::int64_t>(*v);
      }
      continue;
    }

    // A step: AT CHANNEL DOC VARIANT [key=value...] EXPECTATION
    seen_step = true;
    Step st;
    st.line = lineno;
    st.city = sc.city;
    if (w.size() < 5) {
      return fail(
          "a step is: AT CHANNEL DOC VARIANT [city=NAME] [seed=N] (OUTCOME DOCUMENT "
          "[REASON,...] | listed); got '" +
          head + "...'");
    }
    auto at = parse_offset(w[0]);
    if (!at)
      return fail("bad time '" + w[0] + "': use +SECONDS or +Nm, +Nh, +Nd (at most 10 years)");
    st.at = *at;
    if (!sc.steps.empty() && st.at < sc.steps.back().at) {
      return fail("time '" + w[0] + "' goes back before the previous step");
    }
    auto ch = channel_from_name(w[1]);
    if (!ch) return fail("unknown channel '" + w[1] + "' (known: camera, scanner, card)");
    st.channel = *ch;
    auto doc = doc_kind_from_name(w[2]);
    if (!doc) return fail("unknown doc '" + w[2] + "' (known: ecard, wpnl, wpcard, chip)");
    st.doc = *doc;
    if ((st.channel == ChannelKind::kCard) != (st.doc == DocKind::kChip)) {
      return fail("doc '" + w[2] + "' cannot go through the " + w[1] +
                  (st.doc == DocKind::kChip ? " (a chip goes through: card)"
                                            : " (a QR goes through: camera or scanner)"));
    }
    st.variant = w[3];
    if (!find_variant(st.doc, st.variant)) {
      return fail("unknown variant '" + st.variant + "' for doc " + w[2] +
                  " (known: " + variant_names(st.doc) + ")");
    }
    std::size_t i = 4;
    for (; i < w.size() && w[i].find('=') != std::string::npos; ++i) {
      std::string k = w[i].substr(0, w[i].find('=')), v = w[i].substr(w[i].find('=') + 1);
      if (k == "city") {
        if (!find_city(v)) return fail("unknown city '" + v + "' (known: " + city_names() + ")");
        st.city = v;
      } else if (k == "seed") {
        auto s = to_u64(v);
        if (!s) return fail("seed= must be a non-negative integer, got '" + v + "'");
        st.seed = *s;
      } else {
        return fail("unknown step option '" + k + "' (known: city, seed)");
      }
    }
    if (i >= w.size())
      return fail("the step has no expectation (OUTCOME DOCUMENT [REASONS] or listed)");
    if (w[i] == "listed") {
      if (i + 1 != w.size()) return fail("nothing may follow 'listed'");
      st.expect.listed = true;
    } else {
      auto o = outcome_from(w[i]);
      if (!o) return fail("unknown outcome '" + w[i] + "' (ACCEPT, REVIEW or REJECT)");
      if (i + 1 >= w.size()) return fail("the expectation needs a DOCUMENT after " + w[i]);
      auto d = document_from(w[i + 1]);
      if (!d) {
        return fail("unknown document '" + w[i + 1] +
                    "' (E_SSC, WPNL, WP_CARD, SSC_CHIP, UNKNOWN)");
      }
      st.expect.outcome = *o;
      st.expect.document = *d;
      if (i + 2 < w.size()) {
        if (i + 3 != w.size()) return fail("reasons are one comma-separated word, e.g. A,B");
        std::istringstream rs(w[i + 2]);
        std::string r;
        while (std::getline(rs, r, ',')) {
          auto reason = reason_from_name(r);
          if (!reason) return fail("unknown reason '" + r + "'");
          st.expect.reasons.push_back(*reason);
        }
      }
    }
    sc.steps.push_back(std::move(st));
  }
  if (sc.steps.empty()) return Unexpected{sc.source + ": no steps"};
  return sc;
}

Result<Scenario, std::string> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{path + ": cannot open"};
  std::string text(kMaxScenario + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxScenario) return Unexpected{path + ": larger than 1 MiB"};
  return parse_scenario(text, path);
}

}  // namespace kiosk::sim
