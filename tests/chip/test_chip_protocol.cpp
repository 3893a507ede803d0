// The chip protocol of spec section 5 against the virtual card, in process (no pcscd): every
// misbehaviour ends in its own clear reason, within the exchange bound.
#include <doctest/doctest.h>

#include <deque>
#include <filesystem>
#include <set>

#include "app/chip/apdu.h"
#include "app/chip/chip_protocol.h"
#include "app/crypto.h"
#include "app/verifier.h"
#include "sim/vcard/card_transport.h"
#include "sim/vcard/vector_card.h"
#include "tests/chip/vector_trust.h"

using namespace kiosk;
using chip::ChipError;

namespace {

sim::VcardConfig valid_card() {
  std::string why;
  auto c = sim::vector_card(test::kVectors, "card-1", &why);
  REQUIRE_MESSAGE(c.has_value(), why);
  return *c;
}

Bytes challenge() {
  return Bytes(32, 0x5A);
}

Result<chip::ChipRead, chip::ChipFailure> read_with(const sim::VcardConfig& cfg) {
  sim::VirtualCard card(cfg);
  sim::CardTransport t(card);
  return chip::read_chip(t, challenge());
}

ChipError fails_with(const sim::VcardConfig& cfg) {
  auto r = read_with(cfg);
  REQUIRE_FALSE(r.ok());
  CHECK_FALSE(r.error().detail.empty());
  return r.error().reason;
}

const TrustSnapshot& trust() {
  static const TrustSnapshot t = [] {
    auto db = std::filesystem::temp_directory_path() /
              ("kiosk-chip-protocol-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(db);
    auto s = test::vector_trust(db.string());
    std::filesystem::remove(db);
    return s;
  }();
  return t;
}

Verdict verdict(const ChipInput& in) {
  VerifySettings settings;
  settings.jurisdiction = {"3101"};
  return verify_chip(in, trust(), settings, test::kVerifyNow);
}

// A card that answers from a script, for the answers the virtual card never gives.
class Scripted final : public chip::ApduTransport {
 public:
  explicit Scripted(std::deque<Bytes> answers) : answers_(std::move(answers)) {}
  Result<Bytes, chip::TransportFailure> transmit(ByteView command) override {
    sent.emplace_back(command.begin(), command.end());
    if (answers_.empty())
      return Unexpected{chip::TransportFailure{chip::TransportError::kTimeout, "script ended"}};
    Bytes a = std::move(answers_.front());
    answers_.pop_front();
    return a;
  }
  std::vector<Bytes> sent;

 private:
  std::deque<Bytes> answers_;
};

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("APDUs are the bytes of spec section 5") {
  CHECK(to_hex(chip::select_aid()) == "00a4040006f0434e57500100");
  CHECK(to_hex(chip::read_binary(0x0123, 223)) == "00b00123df");
  CHECK(to_hex(chip::get_response(256)) == "00c0000000");
  Bytes c(32, 0xAB);
  CHECK(to_hex(chip::internal_authenticate(c)) == "0088000020" + to_hex(c) + "00");
  CHECK(to_hex(chip::with_le(chip::read_binary(0, 223), 100)) == "00b0000064");
  CHECK_FALSE(chip::split_response(Bytes{0x90}).has_value());
  auto r = chip::split_response(Bytes{0x01, 0x02, 0x61, 0x10});
  REQUIRE(r.has_value());
  CHECK(r->sw == 0x6110);
  CHECK(r->data.size() == 2);
}

TEST_CASE("a genuine card reads and verifies: ACCEPT") {
  REQUIRE(crypto_init());
  auto cfg = valid_card();
  auto r = read_with(cfg);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().detail));
  CHECK(r->input.ef == cfg.ef);
  CHECK(r->input.challenge == challenge());
  CHECK(r->input.signature.size() == 64);
  // SELECT, two READ BINARY chunks (341 bytes: 223 + 118), INTERNAL AUTHENTICATE.
  CHECK(r->stats.apdus == 4);
  CHECK(r->stats.bytes_in == 2 + (223 + 2) + (118 + 2) + (64 + 2));
  Verdict v = verdict(r->input);
  CHECK(v.outcome == Outcome::kAccept);
  CHECK(v.document == Document::kSscChip);
  CHECK(v.reasons.empty());
}

TEST_CASE("the kiosk's challenge is fresh on every read") {
  auto cfg = valid_card();
  sim::VirtualCard card(cfg);
  sim::CardTransport t(card);
  auto a = chip::read_chip(t);
  auto b = chip::read_chip(t);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->input.challenge.size() == 32);
  CHECK(a->input.challenge != b->input.challenge);
  CHECK(verdict(a->input).outcome == Outcome::kAccept);
  CHECK(verdict(b->input).outcome == Outcome::kAccept);
}

TEST_CASE("a copied credential on another chip: HOLDER_BINDING_FAILED") {
  auto cfg = valid_card();
  auto other = sim::vector_seed(test::kVectors, "holder-1");
  REQUIRE(other.has_value());
  cfg.holder_seed = *other;
  auto r = read_with(cfg);
  REQUIRE(r.ok());
  Verdict v = verdict(r->input);
  CHECK(v.outcome == Outcome::kReject);
  CHECK(v.reasons == std::vector<Reason>{Reason::kHolderBindingFailed});
}

TEST_CASE("61xx chains and 6Cxx (wrong Le) answers are followed") {
  auto base = valid_card();
  SUBCASE("61xx in pieces of 50 bytes") {
    auto cfg = base;
    cfg.chain_piece = 50;
    auto r = read_with(cfg);
    REQUIRE(r.ok());
    CHECK(r->input.ef == base.ef);
    CHECK(r->stats.apdus > 4);
    CHECK(verdict(r->input).outcome == Outcome::kAccept);
  }
  SUBCASE("a card that wants chunks of 100 bytes") {
    auto cfg = base;
    cfg.wrong_le_chunk = 100;
    auto r = read_with(cfg);
    REQUIRE(r.ok());
    CHECK(r->input.ef == base.ef);
    CHECK(verdict(r->input).outcome == Outcome::kAccept);
  }
  SUBCASE("a padded file: bytes past 2 + L are not part of the credential") {
    auto cfg = base;
    cfg.ef.resize(cfg.ef.size() + 100, 0xFF);
    auto r = read_with(cfg);
    REQUIRE(r.ok());
    CHECK(r->input.ef == base.ef);
  }
}

TEST_CASE("misbehaving cards get a clear reason, never a hang") {
  auto base = valid_card();
  auto cfg = base;
  SUBCASE("not a One-Card SSC") {
    cfg.not_wp = true;
    CHECK(fails_with(cfg) == ChipError::kNotAWpCard);
    // The verdict for it is MALFORMED (spec section 5).
    Verdict v = verdict(ChipInput{});
    CHECK(v.reasons == std::vector<Reason>{Reason::kMalformed});
  }
  SUBCASE("endless 61xx chain") {
    cfg.endless_61xx = true;
    CHECK(fails_with(cfg) == ChipError::kTooManyExchanges);
  }
  SUBCASE("6Cxx loop") {
    cfg.wrong_le_loop = true;
    CHECK(fails_with(cfg) == ChipError::kTooManyExchanges);
  }
  SUBCASE("a trickle of one-byte chunks") {
    cfg.wrong_le_chunk = 1;
    CHECK(fails_with(cfg) == ChipError::kTooManyExchanges);
  }
  SUBCASE("garbage answers from the start, and after the SELECT") {
    for (std::uint32_t after : {0u, 1u, 2u, 3u}) {
      cfg.garbage_after = after;
      CHECK(chip::is_card_fault(fails_with(cfg)));
    }
  }
  SUBCASE("more data than Le") {
    cfg.oversize_after = 1;
    cfg.oversize_data = 240;
    CHECK(fails_with(cfg) == ChipError::kAnswerTooLong);
  }
  SUBCASE("an answer longer than any short APDU") {
    cfg.oversize_after = 1;
    cfg.oversize_data = 5000;
    CHECK(fails_with(cfg) == ChipError::kAnswerTooLong);
  }
  SUBCASE("L above 4096") {
    cfg.length_override = 4097;
    CHECK(fails_with(cfg) == ChipError::kFileTooLarge);
  }
  SUBCASE("L beyond the end of the file") {
    cfg.length_override = 400;
    CHECK(fails_with(cfg) == ChipError::kMalformedAnswer);
  }
  SUBCASE("silence") {
    cfg.silent_after = 2;
    CHECK(fails_with(cfg) == ChipError::kTimeout);
  }
  SUBCASE("pulled mid-read") {
    cfg.pull_after = 2;
    CHECK(fails_with(cfg) == ChipError::kCardRemoved);
  }
}

TEST_CASE("answers no well-behaved card gives") {
  Bytes ok = {0x90, 0x00};
  Bytes head = {0x00, 0x05, 1, 2, 3, 4, 5};
  SUBCASE("6Cxx offering more than the chunk asked for") {
    Scripted t({ok, {0x6C, 0xF0}});
    auto r = chip::read_chip(t, challenge());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == ChipError::kAnswerTooLong);
  }
  SUBCASE("READ BINARY with 90 00 and no data") {
    Scripted t({ok, ok});
    auto r = chip::read_chip(t, challenge());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == ChipError::kMalformedAnswer);
  }
  SUBCASE("READ BINARY refused") {
    Scripted t({ok, {0x6A, 0x82}});
    auto r = chip::read_chip(t, challenge());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == ChipError::kBadStatus);
  }
  SUBCASE("a signature of 63 bytes") {
    Scripted t({ok, cat(head, {0x62, 0x82}), cat(Bytes(63, 7), ok)});
    auto r = chip::read_chip(t, challenge());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().reason == ChipError::kBadSignatureSize);
    REQUIRE(t.sent.size() == 3);
    CHECK(to_hex(t.sent[2]) == "0088000020" + to_hex(challenge()) + "00");
  }
  SUBCASE("a small file read in one chunk, ended by 62 82") {
    Scripted t({ok, cat(head, {0x62, 0x82}), cat(Bytes(64, 7), ok)});
    auto r = chip::read_chip(t, challenge());
    REQUIRE(r.ok());
    CHECK(r->input.ef == head);
    CHECK(r->stats.apdus == 3);
  }
  SUBCASE("the reader or the link failing") {
    struct Failing final : chip::ApduTransport {
      chip::TransportError e;
      Result<Bytes, chip::TransportFailure> transmit(ByteView) override {
        return Unexpected{chip::TransportFailure{e, "test"}};
      }
    } t;
    t.e = chip::TransportError::kReaderGone;
    CHECK(chip::read_chip(t, challenge()).error().reason == ChipError::kReaderGone);
    t.e = chip::TransportError::kIoError;
    CHECK(chip::read_chip(t, challenge()).error().reason == ChipError::kTransport);
    CHECK_FALSE(chip::is_card_fault(ChipError::kTransport));
  }
}

TEST_CASE("every chip error has its own name") {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(ChipError::kTransport); ++i)
    names.insert(chip::name(static_cast<ChipError>(i)));
  CHECK(names.size() == static_cast<std::size_t>(ChipError::kTransport) + 1);
}
