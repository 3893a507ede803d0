// A simulated card reader holding virtual cards in-process (no pcscd): the drivers::CardReader
// contract over VirtualCard and CardTransport, for kioskd's tests and its demo. insert() puts a
// card in the reader, remove() takes it out; the calls are thread-safe and wait_for_card /
// wait_for_removal wake up at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "drivers/pcsc/card_reader.h"
#include "sim/vcard/virtual_card.h"

namespace kiosk::sim {

class VcardReader final : public drivers::CardReader {
 public:
  explicit VcardReader(std::string name = "Simulated Reader 00 00");
  /// Puts a card (replacing any card there) in the reader.
  void insert(VcardConfig card);
  /// Takes the card out; a channel in use answers kCardRemoved from then on.
  void remove();
  /// Readers with a card inserted since construction, and how many channels were connected.
  std::uint64_t connects() const;
  /// Calls of wait_for_card so far: a test waits for it to grow to know the reader's user has
  /// seen a removal and is waiting for the next card.
  std::uint64_t card_waits() const;

  Result<std::vector<drivers::ReaderStatus>, drivers::CardReaderFailure> readers() override;
  Result<std::string, drivers::CardReaderFailure> wait_for_card(
      std::string_view only, std::chrono::milliseconds timeout) override;
  Result<bool, drivers::CardReaderFailure> wait_for_removal(
      std::string_view reader, std::chrono::milliseconds timeout) override;
  Result<std::unique_ptr<drivers::CardChannel>, drivers::CardReaderFailure> connect(
      std::string_view reader) override;
  drivers::DeviceState state() const override { return drivers::DeviceState::kReady; }
  std::string state_detail() const override { return ""; }

  struct Slot;  ///< a card in the reader (defined in the .cpp)

 private:
  const std::string name_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::shared_ptr<Slot> slot_;  ///< the card in the reader, or null
  std::uint64_t connects_ = 0;
  std::uint64_t card_waits_ = 0;
};

}  // namespace kiosk::sim
