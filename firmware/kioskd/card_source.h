// The card reader as a chip source, channel kCard: a worker thread waits for a card
// (drivers::CardReader, PC/SC or simulated), runs the chip protocol (app/chip read_chip) with a
// fresh random challenge, posts the ChipInput to the event loop, then waits for the card to leave
// before reading again.
//
// Failures: a card that answers wrongly (chip::is_card_fault, e.g. NOT_A_WP_CARD) is posted as a
// chip read with an empty file, which the verifier answers MALFORMED, and the reason is shown as
// the reader's detail. A link failure (card pulled, timeout, reader or service gone) gives no
// verdict: only the reader's state and detail change.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "drivers/pcsc/card_reader.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

class CardSource final : public ChipSource {
 public:
  /// `only`: read cards in this reader only ("" for any).
  CardSource(boost::asio::io_context& ioc, std::unique_ptr<drivers::CardReader> reader,
             std::string only = "");
  ~CardSource() override;
  void start(ChipHandler on_chip, StatusHandler on_status) override;
  void stop() override;

 private:
  void run();
  void status(drivers::DeviceState s, std::string detail);
  bool pause(std::chrono::milliseconds d);  // false when stopping

  boost::asio::io_context& ioc_;
  std::unique_ptr<drivers::CardReader> reader_;
  const std::string only_;
  ChipHandler on_chip_;
  StatusHandler on_status_;
  std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(false);
  std::mutex m_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread worker_;
  bool started_ = false;
  drivers::DeviceState last_state_ = drivers::DeviceState::kStarting;
  std::string last_detail_ = "\x01";
};

}  // namespace kiosk::kioskd
