// Carries a VirtualCard to pcscd's vpcd reader driver over TCP (127.0.0.1:PORT). vpcd's framing:
// a 2-byte big-endian length, then an APDU, or a 1-byte control: 0 power off, 1 power on, 2 reset,
// 4 get ATR (answered with the ATR). The link being up is the card being in the reader: closing it
// is pulling the card, connecting again is inserting it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>

#include "sim/vcard/virtual_card.h"

namespace kiosk::sim {

class VpcdCard {
 public:
  /// `reinsert_after`: after a "pull" misbehaviour, the card comes back after this delay (a
  /// negative value: it stays out).
  VpcdCard(VcardConfig config, std::uint16_t port,
           std::chrono::milliseconds reinsert_after = std::chrono::milliseconds(-1));
  VpcdCard(const VpcdCard&) = delete;
  VpcdCard& operator=(const VpcdCard&) = delete;
  /// Stops the link (the card leaves) and joins the thread.
  ~VpcdCard();

  /// Starts the link thread; it keeps connecting to vpcd (every 20 ms) while the card is
  /// inserted, and connects again when pcscd restarts. Not idempotent: call once.
  void start();
  /// Inserts (true) or pulls (false) the card. Idempotent; returns at once.
  void set_inserted(bool inserted);
  /// Stops the link thread; idempotent.
  void stop();

  /// True while a vpcd connection is up.
  bool connected() const { return connected_.load(); }
  /// Times the card was powered on or reset by the reader.
  std::uint32_t power_ups() const { return power_ups_.load(); }
  /// Command APDUs received in total.
  std::uint32_t apdus() const { return apdus_.load(); }
  /// Connections made to vpcd (insertions).
  std::uint32_t insertions() const { return insertions_.load(); }

 private:
  void run();
  bool serve(int fd);  ///< one connection; false when the card should stay out afterwards

  VirtualCard card_;
  std::uint16_t port_;
  std::chrono::milliseconds reinsert_after_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> inserted_{true};
  std::atomic<bool> connected_{false};
  std::atomic<std::uint32_t> power_ups_{0}, apdus_{0}, insertions_{0};
};

}  // namespace kiosk::sim
