// A private pcscd for tests and benchmarks: `pcscd -f -c DIR` with vpcd entries in a private
// reader.conf.d, started and stopped by this object (never left running). vpcd 3.3 makes two
// readers ("slots") of each entry `DEVICENAME /dev/null:PORT`: one on PORT, one on PORT + 1.
//
// pcscd's socket path is fixed (/run/pcscd/pcscd.comm), so one pcscd per machine. When the process
// may create a mount namespace (root with CAP_SYS_ADMIN), pcscd runs in one where a private
// directory is bind-mounted on /run/pcscd, and this process points libpcsclite at it through
// PCSCLITE_CSOCK_NAME: the test's pcscd then coexists with a system one (socket activation) or
// another test's. Otherwise pcscd uses the fixed path, and a pcscd already running there is
// stopped first (tests using the sandbox carry ctest's RESOURCE_LOCK pcscd for that case).
// KIOSK_PCSCD_SHARED=1 in the environment forces that second mode.
//
// libpcsclite reads PCSCLITE_CSOCK_NAME once per process: every sandbox in a process shares one
// socket directory, so create them one after the other, never two at once.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/result.h"
#include "drivers/pcsc/card_reader.h"

namespace kiosk::sim {

class PcscdSandbox {
 public:
  /// Starts pcscd with `entries` vpcd entries (0: no reader at all; 1: two readers; vpcd 3.3
  /// cannot hold more: its state is per slot, shared between entries) on
  /// free ports and waits (at most `ready_within`) until pcscd lists every reader. The error says
  /// why it could not.
  static Result<std::unique_ptr<PcscdSandbox>, std::string> start(
      int entries = 1, std::chrono::milliseconds ready_within = std::chrono::seconds(30));
  ~PcscdSandbox();
  PcscdSandbox(const PcscdSandbox&) = delete;
  PcscdSandbox& operator=(const PcscdSandbox&) = delete;

  /// The vpcd port of reader i, 0 <= i < reader_count() (a virtual card connects there).
  std::uint16_t port(int i) const {
    return static_cast<std::uint16_t>(ports_.at(static_cast<std::size_t>(i / 2)) + i % 2);
  }
  int reader_count() const { return 2 * static_cast<int>(ports_.size()); }
  /// True when pcscd runs in its own mount namespace with a private socket.
  bool isolated() const { return isolated_; }
  /// The socket libpcsclite talks to, e.g. to pass PCSCLITE_CSOCK_NAME to a child process.
  const std::string& socket_path() const { return socket_; }
  pid_t pid() const { return pid_; }

  /// Kills pcscd (SIGKILL when `hard`, else SIGTERM) and waits for it, at most 10 s. Idempotent.
  void stop(bool hard = false);
  /// Starts pcscd again with the same readers and ports; waits until they are listed.
  Result<bool, std::string> restart(
      std::chrono::milliseconds ready_within = std::chrono::seconds(30));
  /// Starts pcscd again with `entries` entries (the first ones keep their ports): readers
  /// appear or vanish the way a reader plugged in or out does across a restart. (pcscd 1.9.9
  /// does not add or remove vpcd readers of a running daemon.)
  Result<bool, std::string> restart_with(
      int entries, std::chrono::milliseconds ready_within = std::chrono::seconds(30));

 private:
  PcscdSandbox() = default;
  Result<bool, std::string> launch(std::chrono::milliseconds ready_within);
  Result<bool, std::string> configure(int entries);

  std::string dir_, conf_, socket_;
  std::vector<std::uint16_t> ports_;
  bool isolated_ = false;
  pid_t pid_ = -1;
};

/// Polls `reader` every `every` until it lists its readers and none holds a card (a card pulled
/// has left pcscd's view), at most `limit`; false when a card was still there (or no list came).
bool wait_no_card(drivers::CardReader& reader, std::chrono::milliseconds limit,
                  std::chrono::milliseconds every = std::chrono::milliseconds(5));

/// A TCP port on 127.0.0.1 that was free a moment ago, with the next one free too (vpcd's second
/// slot); 0 when none was found.
std::uint16_t free_tcp_port_pair();

}  // namespace kiosk::sim
