// libFuzzer target: the chip protocol (spec section 5) against a card whose every answer comes
// from the fuzz input. Whatever the card answers, read_chip must return (no hang: the number of
// exchanges is bounded), never crash, and on success hold a well-formed ChipInput.
//
// Input: a sequence of answers, each a 2-byte big-endian length (taken modulo 320, so answers
// longer than a short APDU occur) and that many bytes; when the input runs out the card is silent
// (the transport's timeout).
//
// Build (from the repository root):
//   clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
//     tests/fuzz/fuzz_chip_protocol.cpp app/chip/apdu.cpp app/chip/chip_protocol.cpp \
//     app/chip/apdu_transport.cpp app/bytes.cpp app/crypto.cpp -lsodium -o fuzz_chip_protocol
//   ./fuzz_chip_protocol -max_total_time=60
// or configure with -DKIOSK_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ and build fuzz_chip_protocol.
#include <cstddef>
#include <cstdint>

#include "app/chip/apdu.h"
#include "app/chip/chip_protocol.h"

namespace {

using namespace kiosk;

class FuzzCard final : public chip::ApduTransport {
 public:
  FuzzCard(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  Result<Bytes, chip::TransportFailure> transmit(ByteView command) override {
    if (command.size() < 5 || command.size() > 5 + 255 + 1) __builtin_trap();  // kiosk's own APDUs
    ++calls;
    if (size_ - at_ < 2)
      return Unexpected{chip::TransportFailure{chip::TransportError::kTimeout, "silent"}};
    std::size_t len = (std::size_t{data_[at_]} << 8 | data_[at_ + 1]) % 320;
    at_ += 2;
    len = std::min(len, size_ - at_);
    Bytes answer(data_ + at_, data_ + at_ + len);
    at_ += len;
    if (answer.size() > chip::kMaxResponseApdu)
      return Unexpected{chip::TransportFailure{chip::TransportError::kOversized, "long"}};
    return answer;
  }
  std::size_t calls = 0;

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzCard card(data, size);
  const Bytes challenge(32, 0xC3);
  auto r = chip::read_chip(card, challenge);
  if (card.calls > chip::kMaxExchanges) __builtin_trap();
  if (r.ok()) {
    const ChipInput& in = r->input;
    if (in.ef.size() < 2) __builtin_trap();
    std::size_t len = std::size_t{in.ef[0]} << 8 | in.ef[1];
    if (len > kMaxCoseBytes || in.ef.size() != 2 + len) __builtin_trap();
    if (in.signature.size() != 64 || in.challenge != challenge) __builtin_trap();
    if (r->stats.apdus != card.calls) __builtin_trap();
  } else if (r.error().detail.empty()) {
    __builtin_trap();
  }
  return 0;
}
