#include "app/chip/chip_protocol.h"

#include <algorithm>
#include <cstdio>

#include "app/chip/apdu.h"
#include "app/crypto.h"

namespace kiosk::chip {

std::string_view name(ChipError e) {
  switch (e) {
    case ChipError::kNotAWpCard:
      return "NOT_A_WP_CARD";
    case ChipError::kBadStatus:
      return "BAD_STATUS";
    case ChipError::kMalformedAnswer:
      return "MALFORMED_ANSWER";
    case ChipError::kAnswerTooLong:
      return "ANSWER_TOO_LONG";
    case ChipError::kTooManyExchanges:
      return "TOO_MANY_EXCHANGES";
    case ChipError::kFileTooLarge:
      return "FILE_TOO_LARGE";
    case ChipError::kBadSignatureSize:
      return "BAD_SIGNATURE_SIZE";
    case ChipError::kTimeout:
      return "CARD_TIMEOUT";
    case ChipError::kCardRemoved:
      return "CARD_REMOVED";
    case ChipError::kReaderGone:
      return "READER_GONE";
    case ChipError::kTransport:
      return "TRANSPORT_ERROR";
  }
  return "TRANSPORT_ERROR";
}

bool is_card_fault(ChipError e) {
  switch (e) {
    case ChipError::kTimeout:
    case ChipError::kCardRemoved:
    case ChipError::kReaderGone:
    case ChipError::kTransport:
      return false;
    default:
      return true;
  }
}

namespace {

std::string hex16(std::uint16_t sw) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(sw));
  return b;
}

ChipError from_transport(TransportError e) {
  switch (e) {
    case TransportError::kTimeout:
      return ChipError::kTimeout;
    case TransportError::kCardRemoved:
      return ChipError::kCardRemoved;
    case TransportError::kReaderGone:
      return ChipError::kReaderGone;
    case TransportError::kOversized:
      return ChipError::kAnswerTooLong;
    case TransportError::kIoError:
      return ChipError::kTransport;
  }
  return ChipError::kTransport;
}

struct Answer {
  Bytes data;
  std::uint16_t sw = 0;
};

// One command with the T=0-style status words resolved: `61 xx` is followed by GET RESPONSE
// (the data of the whole chain is joined), `6C xx` by the same command with Le = xx. `max_data`
// bounds the joined data, `what` names the command in error details.
class Session {
 public:
  Session(ApduTransport& card, ChipStats& stats) : card_(card), stats_(stats) {}

  Result<Answer, ChipFailure> exchange(Bytes command, std::size_t max_data, std::string_view what) {
    Answer out;
    std::size_t get_responses = 0, le_retries = 0;
    for (;;) {
      if (stats_.apdus >= kMaxExchanges)
        return fail(ChipError::kTooManyExchanges,
                    "more than " + std::to_string(kMaxExchanges) + " APDUs in one read");
      std::size_t le = le_value(command.back());
      ++stats_.apdus;
      stats_.bytes_out += command.size();
      auto r = card_.transmit(command);
      if (!r) {
        return fail(from_transport(r.error().reason),
                    std::string(what) + ": " + std::string(name(r.error().reason)) +
                        (r.error().detail.empty() ? "" : " (" + r.error().detail + ")"));
      }
      stats_.bytes_in += r->size();
      if (r->size() > kMaxResponseApdu)
        return fail(ChipError::kAnswerTooLong,
                    std::string(what) + ": answer of " + std::to_string(r->size()) + " bytes");
      auto resp = split_response(*r);
      if (!resp)
        return fail(ChipError::kMalformedAnswer, std::string(what) + ": answer of " +
                                                     std::to_string(r->size()) +
                                                     " byte(s) has no status word");
      if (resp->data.size() > le)
        return fail(ChipError::kAnswerTooLong, std::string(what) + ": " +
                                                   std::to_string(resp->data.size()) +
                                                   " data bytes for Le " + std::to_string(le));
      if (resp->sw1() == 0x6C) {
        std::size_t want = le_value(resp->sw2());
        if (++le_retries > kMaxLeRetries)
          return fail(ChipError::kTooManyExchanges,
                      std::string(what) + ": 6Cxx (wrong Le) answered again after the retry");
        if (want > max_data)
          return fail(ChipError::kAnswerTooLong, std::string(what) + ": card offers " +
                                                     std::to_string(want) + " bytes, at most " +
                                                     std::to_string(max_data) + " expected");
        command = with_le(command, want);
        continue;
      }
      out.data.insert(out.data.end(), resp->data.begin(), resp->data.end());
      if (out.data.size() > max_data)
        return fail(ChipError::kAnswerTooLong,
                    std::string(what) + ": " + std::to_string(out.data.size()) +
                        " data bytes, at most " + std::to_string(max_data) + " expected");
      if (resp->sw1() == 0x61) {
        if (++get_responses > kMaxGetResponses)
          return fail(ChipError::kTooManyExchanges, std::string(what) + ": more than " +
                                                        std::to_string(kMaxGetResponses) +
                                                        " 61xx (GET RESPONSE) answers");
        command = get_response(le_value(resp->sw2()));
        le_retries = 0;
        continue;
      }
      out.sw = resp->sw;
      return out;
    }
  }

  static Unexpected<ChipFailure> fail(ChipError e, std::string detail) {
    return Unexpected{ChipFailure{e, std::move(detail)}};
  }

 private:
  ApduTransport& card_;
  ChipStats& stats_;
};

Result<Bytes, ChipFailure> read_file(Session& s) {
  Bytes ef;
  std::size_t total = 0;  // 2 + L once the length prefix is in
  bool known = false;
  while (!known || ef.size() < total) {
    std::size_t le = known ? std::min(kMaxReadChunk, total - ef.size()) : kMaxReadChunk;
    auto offset = static_cast<std::uint16_t>(ef.size());  // below 2 + 4096, so 15 bits suffice
    std::string what = "READ BINARY at offset " + std::to_string(offset);
    auto a = s.exchange(read_binary(offset, le), le, what);
    if (!a) return Unexpected{a.error()};
    if (a->sw != kSwOk && a->sw != kSwEndOfFile)
      return Session::fail(ChipError::kBadStatus, what + ": status " + hex16(a->sw));
    if (a->data.empty()) return Session::fail(ChipError::kMalformedAnswer, what + ": no data");
    ef.insert(ef.end(), a->data.begin(), a->data.end());
    if (!known && ef.size() >= 2) {
      std::size_t len = std::size_t{ef[0]} << 8 | ef[1];
      if (len > kMaxCoseBytes)
        return Session::fail(ChipError::kFileTooLarge, "credential file length " +
                                                           std::to_string(len) + " above " +
                                                           std::to_string(kMaxCoseBytes));
      total = 2 + len;
      known = true;
    }
    if (a->sw == kSwEndOfFile && (!known || ef.size() < total))
      return Session::fail(ChipError::kMalformedAnswer,
                           what + ": end of file after " + std::to_string(ef.size()) +
                               " bytes, its length says " + std::to_string(total));
  }
  ef.resize(total);  // a fixed-size file may be padded past 2 + L
  return ef;
}

}  // namespace

Result<ChipRead, ChipFailure> read_chip(ApduTransport& card, ByteView challenge) {
  ChipRead out;
  Session s(card, out.stats);

  auto sel = s.exchange(select_aid(), 256, "SELECT");
  if (!sel) return Unexpected{sel.error()};
  if (sel->sw != kSwOk)
    return Session::fail(ChipError::kNotAWpCard,
                         "SELECT of the One-Card application: status " + hex16(sel->sw));

  auto ef = read_file(s);
  if (!ef) return Unexpected{ef.error()};
  out.input.ef = std::move(*ef);

  auto aa = s.exchange(internal_authenticate(challenge), 256, "INTERNAL AUTHENTICATE");
  if (!aa) return Unexpected{aa.error()};
  if (aa->sw != kSwOk)
    return Session::fail(ChipError::kBadStatus, "INTERNAL AUTHENTICATE: status " + hex16(aa->sw));
  if (aa->data.size() != kChipSignatureSize)
    return Session::fail(
        ChipError::kBadSignatureSize,
        "INTERNAL AUTHENTICATE: " + std::to_string(aa->data.size()) + " bytes, 64 expected");
  out.input.challenge.assign(challenge.begin(), challenge.end());
  out.input.signature = std::move(aa->data);
  return out;
}

Result<ChipRead, ChipFailure> read_chip(ApduTransport& card) {
  Bytes challenge = random_bytes(kChallengeSize);
  return read_chip(card, challenge);
}

}  // namespace kiosk::chip
