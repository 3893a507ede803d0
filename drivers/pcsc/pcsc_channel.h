// A connection to one card over PC/SC: transmit() and disconnect() run on the reader's worker,
// each within its bound (card_reader.h has the contract). Internal to drivers/pcsc.
#pragma once

#include <PCSC/winscard.h>

#include <memory>
#include <string>

#include "drivers/pcsc/card_reader.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "drivers/pcsc/pcsc_worker.h"

namespace kiosk::drivers::pcsc {

class PcscChannel final : public CardChannel {
 public:
  PcscChannel(std::shared_ptr<Worker> w, SCARDHANDLE h, DWORD proto, std::string reader,
              const PcscConfig& cfg)
      : worker_(std::move(w)), handle_(h), proto_(proto), reader_(std::move(reader)), cfg_(cfg) {}
  ~PcscChannel() override { disconnect(); }

  const std::string& reader() const override { return reader_; }
  std::string_view protocol() const override { return proto_ == SCARD_PROTOCOL_T0 ? "T=0" : "T=1"; }
  Result<Bytes, chip::TransportFailure> transmit(ByteView command) override;
  void disconnect() override;

 private:
  std::shared_ptr<Worker> worker_;
  SCARDHANDLE handle_;
  DWORD proto_;
  std::string reader_;
  PcscConfig cfg_;
  bool closed_ = false;
  bool disconnected_ = false;
};

}  // namespace kiosk::drivers::pcsc
