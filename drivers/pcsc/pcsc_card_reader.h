// The card reader over PC/SC (pcsc-lite): see card_reader.h for the contract. Each PC/SC call
// runs on a worker thread with a bound (pcsc_worker.h); a lost service (pcscd restarted:
// SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_E_INVALID_HANDLE) drops the context and the
// next call establishes a new one; readers coming and going are followed through the
// "\\?PnP?\Notification" reader.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/pcsc/card_reader.h"

namespace kiosk::drivers {

namespace pcsc {
class Worker;
}

/// Read once at start-up (STYLE point 8).
struct PcscConfig {
  std::chrono::milliseconds call_timeout{4000};      ///< any one PC/SC call but a transmit
  std::chrono::milliseconds transmit_timeout{5000};  ///< one APDU exchange
  std::chrono::milliseconds poll_slice{500};         ///< one SCardGetStatusChange wait
  std::chrono::milliseconds retry_interval{200};     ///< between attempts while pcscd is away
};

class PcscCardReader final : public CardReader {
 public:
  explicit PcscCardReader(PcscConfig config = {});
  ~PcscCardReader() override;
  PcscCardReader(const PcscCardReader&) = delete;
  PcscCardReader& operator=(const PcscCardReader&) = delete;

  Result<std::vector<ReaderStatus>, CardReaderFailure> readers() override;
  Result<std::string, CardReaderFailure> wait_for_card(std::string_view only,
                                                       std::chrono::milliseconds timeout) override;
  Result<bool, CardReaderFailure> wait_for_removal(std::string_view reader,
                                                   std::chrono::milliseconds timeout) override;
  Result<std::unique_ptr<CardChannel>, CardReaderFailure> connect(std::string_view reader) override;
  DeviceState state() const override;
  std::string state_detail() const override;

 private:
  std::shared_ptr<pcsc::Worker> worker();
  void set_state(DeviceState s, std::string detail);
  CardReaderFailure wedged(std::string_view what);

  const PcscConfig config_;
  mutable std::mutex m_;
  std::shared_ptr<pcsc::Worker> worker_;
  /// Wedged workers whose stuck call has not returned yet: at most kMaxAbandoned threads, so a
  /// pcscd that never answers again costs a bounded number of threads, not one per call.
  std::vector<std::shared_ptr<pcsc::Worker>> abandoned_;
  static constexpr std::size_t kMaxAbandoned = 2;
  DeviceState state_ = DeviceState::kStarting;
  std::string detail_ = "not started";
};

/// The PC/SC name of a status code, e.g. "SCARD_E_NO_SERVICE" (hex for unknown codes).
std::string pcsc_error_name(long rv);

}  // namespace kiosk::drivers
