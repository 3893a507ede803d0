#include "drivers/pcsc/pcsc_channel.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "drivers/pcsc/pcsc_errors.h"

namespace kiosk::drivers::pcsc {

using Millis = std::chrono::milliseconds;

namespace {

// An empty answer is no R-APDU: some reader drivers (vpcd among them) report a card pulled
// mid-exchange that way, before pcscd's next presence poll notices. Ask the reader for a while
// (bounded: 15 x 100 ms, pcscd polls vpcd every 400 ms) whether the card is still there.
LONG after_empty_answer(SCARDHANDLE h) {
  for (int i = 0; i < 15; ++i) {
    DWORD state = 0, proto = 0, atr_len = MAX_ATR_SIZE, name_len = 0;
    BYTE atr[MAX_ATR_SIZE];
    LONG rv = SCardStatus(h, nullptr, &name_len, &state, &proto, atr, &atr_len);
    if (rv != SCARD_S_SUCCESS) return rv;
    if (state & SCARD_ABSENT) return SCARD_W_REMOVED_CARD;
    std::this_thread::sleep_for(Millis(100));
  }
  return SCARD_E_NOT_TRANSACTED;  // still there (or back already): a link failure, not an answer
}

}  // namespace

Result<Bytes, chip::TransportFailure> PcscChannel::transmit(ByteView command) {
  using chip::TransportError;
  if (closed_) return Unexpected{chip::TransportFailure{TransportError::kIoError, "closed"}};
  struct Out {
    LONG rv;
    Bytes data;
  };
  SCARDHANDLE h = handle_;
  DWORD proto = proto_;
  Bytes cmd(command.begin(), command.end());
  auto r = worker_->call<Out>(
      [h, proto, cmd](Context&) {
        Out o;
        o.data.resize(MAX_BUFFER_SIZE_EXTENDED);
        DWORD len = static_cast<DWORD>(o.data.size());
        const SCARD_IO_REQUEST* pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
        o.rv = SCardTransmit(h, pci, cmd.data(), static_cast<DWORD>(cmd.size()), nullptr,
                             o.data.data(), &len);
        o.data.resize(o.rv == SCARD_S_SUCCESS ? std::min<std::size_t>(len, o.data.size()) : 0);
        if (o.rv == SCARD_S_SUCCESS && o.data.empty()) o.rv = after_empty_answer(h);
        return o;
      },
      cfg_.transmit_timeout);
  if (!r) {
    closed_ = true;  // the worker is wedged: this connection is lost with it
    return Unexpected{chip::TransportFailure{
        TransportError::kTimeout,
        "no answer within " + std::to_string(cfg_.transmit_timeout.count()) + " ms"}};
  }
  if (r->rv != SCARD_S_SUCCESS) {
    std::string d = "SCardTransmit: " + pcsc_error_name(r->rv);
    switch (classify(r->rv)) {
      case CardReaderError::kCardRemoved:
      case CardReaderError::kNoCard:
        return Unexpected{chip::TransportFailure{TransportError::kCardRemoved, d}};
      case CardReaderError::kNoService:
      case CardReaderError::kNoReader:
        return Unexpected{chip::TransportFailure{TransportError::kReaderGone, d}};
      default:
        if (r->rv == SCARD_E_INSUFFICIENT_BUFFER)
          return Unexpected{chip::TransportFailure{TransportError::kOversized, d}};
        return Unexpected{chip::TransportFailure{TransportError::kIoError, d}};
    }
  }
  if (r->data.size() > chip::kMaxResponseApdu)
    return Unexpected{chip::TransportFailure{TransportError::kOversized,
                                             std::to_string(r->data.size()) + " bytes answered"}};
  return std::move(r->data);
}

void PcscChannel::disconnect() {
  if (std::exchange(disconnected_, true)) return;
  SCARDHANDLE h = handle_;
  (void)worker_->call<int>(
      [h](Context&) {
        (void)SCardEndTransaction(h, SCARD_LEAVE_CARD);
        (void)SCardDisconnect(h, SCARD_RESET_CARD);
        return 0;
      },
      cfg_.call_timeout);
}

}  // namespace kiosk::drivers::pcsc
