// A simulated input that plays recorded presentations from a feed file ([devices] feed), for the
// demo, the tests and the fleet script. Only kioskd-demo registers it (simulated_devices()): the
// production kioskd refuses a feed at start-up, since whoever can write the file could make it
// show verdicts nobody presented. One presentation per line:
//
//   DELAY_MS CHANNEL PAYLOAD
//
// DELAY_MS is the wait after the previous line; CHANNEL is camera, scanner or card; PAYLOAD is the
// QR text (camera, scanner) or the chip JSON {"ef","challenge","signature"} (card), to the end of
// the line. Blank lines and lines starting with '#' are skipped.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/result.h"
#include "firmware/kioskd/input_source.h"

namespace kiosk::kioskd {

struct FeedItem {
  std::int64_t delay_ms = 0;
  Channel channel = Channel::kCamera;
  std::variant<std::string, ChipInput> payload;  ///< QR text or chip read
};

struct FeedError {
  std::string file;
  std::size_t line = 0;
  std::string reason;
  std::string message() const { return file + ":" + std::to_string(line) + ": " + reason; }
};

/// Parses a feed text; `file` names it in errors.
Result<std::vector<FeedItem>, FeedError> parse_feed(std::string_view text, const std::string& file);

/// Writes one feed line (no newline).
std::string feed_line(const FeedItem& item);

/// Plays a feed on the event loop; implements both source interfaces (one timer drives both).
class FeedSource : public QrTextSource, public ChipSource {
 public:
  FeedSource(boost::asio::io_context& ioc, std::vector<FeedItem> items, bool loop);
  /// Reads and parses `path`.
  static Result<std::unique_ptr<FeedSource>, FeedError> from_file(boost::asio::io_context& ioc,
                                                                  const std::string& path,
                                                                  bool loop);
  void start(TextHandler on_text, StatusHandler on_status) override;
  void start(ChipHandler on_chip, StatusHandler on_status) override;
  void stop() override;

 private:
  void begin();
  void schedule();
  void on_timer(const boost::system::error_code& ec);
  boost::asio::steady_timer timer_;
  std::vector<FeedItem> items_;
  bool loop_;
  std::size_t next_ = 0;
  bool started_ = false, stopped_ = false;
  TextHandler on_text_;
  ChipHandler on_chip_;
  StatusHandler on_status_;
};

}  // namespace kiosk::kioskd
