// kioskctl card: reads the card in the first PC/SC reader holding one (or in --reader NAME), runs
// the chip protocol of spec section 5 with a fresh challenge and prints the verdict (cli.md).
// Exit 0 with a verdict; 1 when no reader or no card was found in time, or the read broke off
// (card pulled, card silent, pcscd gone), with a one-line reason on stderr.
#include <chrono>
#include <iostream>

#include "app/chip/chip_protocol.h"
#include "app/verifier.h"
#include "drivers/pcsc/pcsc_card_reader.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/common.h"

namespace kiosk::ctl {

int cmd_card(const std::vector<std::string>& words) {
  auto a =
      parse_args(words, {"db", "now", "jurisdiction", "reader", "wait", "max-age", "skew"}, {});
  if (!a) return usage_error(a.error());
  std::int64_t wait_s = 10;
  if (const std::string* w = a->get("wait")) {
    auto v = parse_int(*w);
    if (!v || *v < 0 || *v > 3600) return usage_error("--wait takes 0 to 3600 seconds");
    wait_s = *v;
  }
  const std::string only = a->get("reader") ? *a->get("reader") : std::string();
  auto ctx = open_verify_context(*a);
  if (!ctx) return ctx.error() == 2 ? 2 : 1;

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::seconds(wait_s);
  drivers::PcscCardReader reader;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    auto found = reader.wait_for_card(only, std::max(left, std::chrono::milliseconds(0)));
    if (!found) {
      std::cerr << "kioskctl: " << drivers::name(found.error().reason) << ": "
                << found.error().detail << "\n";
      return 1;
    }
    auto channel = reader.connect(*found);
    if (!channel) {
      auto why = channel.error().reason;
      bool again = (why == drivers::CardReaderError::kCardRemoved ||
                    why == drivers::CardReaderError::kNoCard ||
                    why == drivers::CardReaderError::kUnresponsive) &&
                   Clock::now() < deadline;
      if (again) continue;  // pulled between seen and connected: wait for it again
      std::cerr << "kioskctl: " << drivers::name(why) << ": " << channel.error().detail << "\n";
      return 1;
    }
    std::cerr << "kioskctl: reader: " << *found << " (" << (*channel)->protocol() << ")\n";
    auto read = chip::read_chip(**channel);
    (*channel)->disconnect();
    if (!read) {
      const chip::ChipFailure& f = read.error();
      if (!chip::is_card_fault(f.reason)) {
        std::cerr << "kioskctl: card read failed: " << chip::name(f.reason) << ": " << f.detail
                  << "\n";
        return 1;
      }
      // What the card answered is not a One-Card credential: the verdict is MALFORMED (spec
      // section 5); the protocol's own reason goes to stderr.
      std::cerr << "kioskctl: card: " << chip::name(f.reason) << ": " << f.detail << "\n";
      std::cout << to_json(verify_chip(ChipInput{}, ctx->trust, ctx->settings, ctx->now))
                << std::endl;
      return 0;
    }
    std::cout << to_json(verify_chip(read->input, ctx->trust, ctx->settings, ctx->now))
              << std::endl;
    return 0;
  }
}

}  // namespace kiosk::ctl
