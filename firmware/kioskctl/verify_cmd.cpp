// kioskctl verify
#include <fstream>
#include <iostream>

#include "app/chip_file.h"
#include "app/verifier.h"
#include "firmware/kioskctl/args.h"
#include "firmware/kioskctl/commands.h"
#include "firmware/kioskctl/common.h"

namespace kiosk::ctl {

int cmd_verify(const std::vector<std::string>& words) {
  auto a = parse_args(
      words, {"db", "now", "jurisdiction", "qr", "qr-file", "chip-file", "max-age", "skew"}, {});
  if (!a) return usage_error(a.error());
  int inputs = a->has("qr") + a->has("qr-file") + a->has("chip-file");
  if (inputs != 1) return usage_error("verify takes exactly one of --qr, --qr-file, --chip-file");
  auto ctx = open_verify_context(*a);
  if (!ctx) return ctx.error() == 2 ? 2 : 1;

  if (const std::string* qr = a->get("qr")) {
    std::cout << to_json(verify_qr(*qr, ctx->trust, ctx->settings, ctx->now)) << std::endl;
    return 0;
  }
  if (const std::string* path = a->get("chip-file")) {
    std::ifstream in(*path, std::ios::binary);
    if (!in) {
      std::cerr << "kioskctl: " << *path << ": cannot open\n";
      return 1;
    }
    std::string text(64 * 1024 + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    std::string why;
    auto chip = parse_chip_file(text, &why);
    if (!chip) {
      // The input still gets its verdict: what the card answered cannot even be read.
      std::cerr << "kioskctl: " << *path << ": " << why << "\n";
      chip = ChipInput{};
    }
    std::cout << to_json(verify_chip(*chip, ctx->trust, ctx->settings, ctx->now)) << std::endl;
    return 0;
  }
  const std::string& path = *a->get("qr-file");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "kioskctl: " << path << ": cannot open\n";
    return 1;
  }
  // One verdict per line. A line longer than any valid QR text is read only up to the limit, so
  // a file without newlines cannot exhaust memory.
  std::string line;
  bool overlong = false;
  auto emit = [&] {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view text = overlong ? std::string_view("x", 0) : std::string_view(line);
    Verdict v =
        overlong
            ? Verdict{Outcome::kReject, Document::kUnknown, {Reason::kMalformed}, {}, {}, {}, {}}
            : verify_qr(text, ctx->trust, ctx->settings, ctx->now);
    std::cout << to_json(v) << '\n';
    line.clear();
    overlong = false;
  };
  char buf[64 * 1024];
  bool pending = false;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    std::streamsize n = in.gcount();
    for (std::streamsize i = 0; i < n; ++i) {
      if (buf[i] == '\n') {
        emit();
        pending = false;
        continue;
      }
      pending = true;
      if (line.size() <= kMaxQrText + 1) {
        line.push_back(buf[i]);
      } else {
        overlong = true;
      }
    }
  }
  if (pending) emit();
  std::cout.flush();
  return 0;
}

}  // namespace kiosk::ctl
