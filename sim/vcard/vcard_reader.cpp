#include "sim/vcard/vcard_reader.h"

#include <atomic>

#include "sim/vcard/card_transport.h"

namespace kiosk::sim {

struct VcardReader::Slot {
  explicit Slot(VcardConfig c) : card(std::move(c)), transport(card) {}
  VirtualCard card;
  CardTransport transport;
  std::atomic<bool> removed{false};
  std::mutex m;  // one exchange at a time
};

namespace {

class VcardChannel final : public drivers::CardChannel {
 public:
  VcardChannel(std::string reader, std::shared_ptr<VcardReader::Slot> slot)
      : reader_(std::move(reader)), keep_(std::move(slot)) {}
  Result<Bytes, chip::TransportFailure> transmit(ByteView command) override;
  const std::string& reader() const override { return reader_; }
  std::string_view protocol() const override { return "T=1"; }
  void disconnect() override { keep_.reset(); }

 private:
  std::string reader_;
  std::shared_ptr<VcardReader::Slot> keep_;
};

}  // namespace

VcardReader::VcardReader(std::string name) : name_(std::move(name)) {}

void VcardReader::insert(VcardConfig card) {
  auto s = std::make_shared<Slot>(std::move(card));
  s->card.reset();
  {
    std::lock_guard lock(m_);
    if (slot_) slot_->removed.store(true);
    slot_ = std::move(s);
  }
  cv_.notify_all();
}

void VcardReader::remove() {
  {
    std::lock_guard lock(m_);
    if (slot_) slot_->removed.store(true);
    slot_.reset();
  }
  cv_.notify_all();
}

std::uint64_t VcardReader::connects() const {
  std::lock_guard lock(m_);
  return connects_;
}

std::uint64_t VcardReader::card_waits() const {
  std::lock_guard lock(m_);
  return card_waits_;
}

Result<std::vector<drivers::ReaderStatus>, drivers::CardReaderFailure> VcardReader::readers() {
  std::lock_guard lock(m_);
  drivers::ReaderStatus r;
  r.name = name_;
  r.card_present = slot_ != nullptr;
  if (slot_) r.atr = slot_->card.atr();
  return std::vector<drivers::ReaderStatus>{r};
}

Result<std::string, drivers::CardReaderFailure> VcardReader::wait_for_card(
    std::string_view only, std::chrono::milliseconds timeout) {
  if (!only.empty() && only != name_)
    return Unexpected{drivers::CardReaderFailure{drivers::CardReaderError::kNoReader,
                                                 "no reader named " + std::string(only)}};
  std::unique_lock lock(m_);
  ++card_waits_;
  if (!cv_.wait_for(lock, timeout, [this] { return slot_ != nullptr; }))
    return Unexpected{drivers::CardReaderFailure{drivers::CardReaderError::kNoCard, "no card"}};
  return name_;
}

Result<bool, drivers::CardReaderFailure> VcardReader::wait_for_removal(
    std::string_view, std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_);
  return cv_.wait_for(lock, timeout, [this] { return slot_ == nullptr; });
}

Result<std::unique_ptr<drivers::CardChannel>, drivers::CardReaderFailure> VcardReader::connect(
    std::string_view reader) {
  std::lock_guard lock(m_);
  if (reader != name_)
    return Unexpected{drivers::CardReaderFailure{drivers::CardReaderError::kNoReader,
                                                 "no reader named " + std::string(reader)}};
  if (!slot_)
    return Unexpected{
        drivers::CardReaderFailure{drivers::CardReaderError::kCardRemoved, "no card"}};
  ++connects_;
  slot_->card.reset();
  std::unique_ptr<drivers::CardChannel> ch = std::make_unique<VcardChannel>(name_, slot_);
  return ch;
}

Result<Bytes, chip::TransportFailure> VcardChannel::transmit(ByteView command) {
  if (!keep_)
    return Unexpected{chip::TransportFailure{chip::TransportError::kIoError, "disconnected"}};
  VcardReader::Slot* s = keep_.get();
  if (s->removed.load())
    return Unexpected{chip::TransportFailure{chip::TransportError::kCardRemoved, "card removed"}};
  std::lock_guard lock(s->m);
  return s->transport.transmit(command);
}

}  // namespace kiosk::sim
