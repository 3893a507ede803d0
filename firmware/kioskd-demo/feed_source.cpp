#include "firmware/kioskd-demo/feed_source.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "app/chip_file.h"

namespace kiosk::kioskd {

Result<std::vector<FeedItem>, FeedError> parse_feed(std::string_view text,
                                                    const std::string& file) {
  std::vector<FeedItem> items;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](std::string why) {
      return Unexpected{FeedError{file, line_no, std::move(why)}};
    };
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return fail("expected 'DELAY_MS CHANNEL PAYLOAD'");
    FeedItem item;
    std::string_view delay = line.substr(0, sp1);
    auto [p, ec] = std::from_chars(delay.data(), delay.data() + delay.size(), item.delay_ms);
    if (ec != std::errc() || p != delay.data() + delay.size() || item.delay_ms < 0 ||
        item.delay_ms > 86400000)
      return fail("delay '" + std::string(delay) + "' is not 0..86400000 ms");
    auto ch = channel_from_name(line.substr(sp1 + 1, sp2 - sp1 - 1));
    if (!ch) return fail("channel must be camera, scanner or card");
    item.channel = *ch;
    std::string_view payload = line.substr(sp2 + 1);
    if (item.channel == Channel::kCard) {
      std::string why;
      auto chip = parse_chip_file(payload, &why);
      if (!chip) return fail("chip JSON: " + why);
      item.payload = std::move(*chip);
    } else {
      item.payload = std::string(payload);
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::string feed_line(const FeedItem& item) {
  std::string out = std::to_string(item.delay_ms) + " " + std::string(name(item.channel)) + " ";
  if (const auto* text = std::get_if<std::string>(&item.payload)) {
    out += *text;
  } else {
    out += chip_file_json(std::get<ChipInput>(item.payload));
  }
  return out;
}

FeedSource::FeedSource(boost::asio::io_context& ioc, std::vector<FeedItem> items, bool loop)
    : timer_(ioc), items_(std::move(items)), loop_(loop) {}

Result<std::unique_ptr<FeedSource>, FeedError> FeedSource::from_file(boost::asio::io_context& ioc,
                                                                     const std::string& path,
                                                                     bool loop) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unexpected{FeedError{path, 0, "cannot open the feed file"}};
  std::ostringstream ss;
  ss << in.rdbuf();
  auto items = parse_feed(ss.str(), path);
  if (!items) return Unexpected{items.error()};
  return std::make_unique<FeedSource>(ioc, std::move(*items), loop);
}

void FeedSource::start(TextHandler on_text, StatusHandler on_status) {
  on_text_ = std::move(on_text);
  if (!on_status_) on_status_ = std::move(on_status);
  begin();
}

void FeedSource::start(ChipHandler on_chip, StatusHandler on_status) {
  on_chip_ = std::move(on_chip);
  if (!on_status_) on_status_ = std::move(on_status);
  begin();
}

void FeedSource::begin() {
  if (started_ || stopped_) return;
  started_ = true;
  if (on_status_)
    on_status_({"feed", drivers::DeviceState::kReady,
                std::to_string(items_.size()) + " presentations to play"});
  schedule();
}

void FeedSource::schedule() {
  if (stopped_) return;
  if (next_ >= items_.size()) {
    if (!loop_ || items_.empty()) {
      if (on_status_) on_status_({"feed", drivers::DeviceState::kReady, "feed played to the end"});
      return;
    }
    next_ = 0;
  }
  timer_.expires_after(std::chrono::milliseconds(items_[next_].delay_ms));
  timer_.async_wait([this](const boost::system::error_code& ec) { on_timer(ec); });
}

void FeedSource::on_timer(const boost::system::error_code& ec) {
  if (ec || stopped_) return;
  const FeedItem& item = items_[next_++];
  if (const auto* text = std::get_if<std::string>(&item.payload)) {
    if (on_text_) on_text_(item.channel, *text, InputTiming{});
  } else if (on_chip_) {
    on_chip_(std::get<ChipInput>(item.payload), InputTiming{});
  }
  schedule();
}

void FeedSource::stop() {
  stopped_ = true;
  timer_.cancel();
}

}  // namespace kiosk::kioskd
