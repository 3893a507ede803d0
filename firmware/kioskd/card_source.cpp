#include "firmware/kioskd/card_source.h"

#include <boost/asio/post.hpp>

#include "app/chip/chip_protocol.h"

namespace kiosk::kioskd {
namespace {

constexpr std::chrono::milliseconds kWaitSlice{500};
constexpr std::chrono::milliseconds kRetry{1000};

drivers::DeviceState state_for(drivers::CardReaderError e) {
  switch (e) {
    case drivers::CardReaderError::kNoService:
    case drivers::CardReaderError::kNoReader:
      return drivers::DeviceState::kAbsent;
    case drivers::CardReaderError::kNoCard:
    case drivers::CardReaderError::kCardRemoved:
      return drivers::DeviceState::kReady;
    default:
      return drivers::DeviceState::kFailed;
  }
}

}  // namespace

CardSource::CardSource(boost::asio::io_context& ioc, std::unique_ptr<drivers::CardReader> reader,
                       std::string only)
    : ioc_(ioc), reader_(std::move(reader)), only_(std::move(only)) {}

CardSource::~CardSource() {
  stop();
}

void CardSource::start(ChipHandler on_chip, StatusHandler on_status) {
  if (started_) return;
  started_ = true;
  on_chip_ = std::move(on_chip);
  on_status_ = std::move(on_status);
  alive_->store(true);
  worker_ = std::thread([this] { run(); });
}

void CardSource::stop() {
  alive_->store(false);
  {
    std::lock_guard lock(m_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

bool CardSource::pause(std::chrono::milliseconds d) {
  std::unique_lock lock(m_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void CardSource::status(drivers::DeviceState s, std::string detail) {
  if (s == last_state_ && detail == last_detail_) return;
  last_state_ = s;
  last_detail_ = detail;
  boost::asio::post(
      ioc_, [alive = alive_, h = on_status_, st = DeviceStatus{"reader", s, std::move(detail)}] {
        if (alive->load() && h) h(st);
      });
}

void CardSource::run() {
  auto stopping = [this] {
    std::lock_guard lock(m_);
    return stopping_;
  };
  status(drivers::DeviceState::kStarting, "looking for a reader");
  while (!stopping()) {
    auto got = reader_->wait_for_card(only_, kWaitSlice);
    if (!got) {
      const auto& f = got.error();
      if (f.reason == drivers::CardReaderError::kNoCard) {
        if (last_state_ != drivers::DeviceState::kReady) status(drivers::DeviceState::kReady, "");
        continue;
      }
      status(state_for(f.reason), std::string(drivers::name(f.reason)) + ": " + f.detail);
      if (!pause(kRetry)) break;
      continue;
    }
    const std::string reader_name = *got;
    InputTiming timing;
    timing.captured = std::chrono::steady_clock::now();
    auto ch = reader_->connect(reader_name);
    if (!ch) {
      status(
          state_for(ch.error().reason),
          "connect: " + std::string(drivers::name(ch.error().reason)) + ": " + ch.error().detail);
      if (!pause(std::chrono::milliseconds(200))) break;
      continue;
    }
    timing.read_start = std::chrono::steady_clock::now();
    auto read = chip::read_chip(**ch);
    timing.read = std::chrono::steady_clock::now();
    if (read) {
      // Posted before the disconnect (the card's reset is not on the applicant's path).
      boost::asio::post(ioc_, [alive = alive_, h = on_chip_, in = std::move(read->input), timing] {
        if (alive->load() && h) h(in, timing);
      });
      (*ch)->disconnect();
      status(drivers::DeviceState::kReady,
             "card read: " + std::to_string(read->stats.apdus) + " APDUs");
    } else if (chip::is_card_fault(read.error().reason)) {
      (*ch)->disconnect();
      status(drivers::DeviceState::kReady,
             std::string(chip::name(read.error().reason)) + ": " + read.error().detail);
      // An empty file: the verifier's MALFORMED verdict, as spec section 5 asks for a card fault.
      boost::asio::post(ioc_, [alive = alive_, h = on_chip_, timing] {
        if (alive->load() && h) h(ChipInput{}, timing);
      });
    } else {
      (*ch)->disconnect();
      status(read.error().reason == chip::ChipError::kReaderGone ? drivers::DeviceState::kAbsent
                                                                 : drivers::DeviceState::kReady,
             "read failed, present the card again: " +
                 std::string(chip::name(read.error().reason)) + ": " + read.error().detail);
    }
    // One read per insertion: wait for the card to leave.
    while (!stopping()) {
      auto gone = reader_->wait_for_removal(reader_name, kWaitSlice);
      if (!gone || *gone) break;
    }
  }
}

}  // namespace kiosk::kioskd
