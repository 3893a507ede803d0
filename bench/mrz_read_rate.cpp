// mrz_read_rate: how often the kiosk's own MRZ reader (app/mrz/ocr) reads kiosk-sim's rendered
// passport pages right, by OCR-B size, blur, tilt, noise and light. Prints one line per condition:
//   correct (valid zone equal to the truth), read-again (check digits fail), WRONG (valid but not
//   the truth: a false read, must stay 0), none (no zone found), and the mean time per page.
//   mrz_read_rate [PAGES_PER_CONDITION]   (default 20)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <opencv2/imgproc.hpp>
#include <random>

#include "app/mrz/mrz.h"
#include "app/mrz/ocr.h"
#include "sim/mrz/passport.h"

using namespace kiosk;

int main(int argc, char** argv) {
  int pages = argc > 1 ? std::atoi(argv[1]) : 20;
  if (pages < 1) pages = 20;
  const char* names[] = {"Zoë Roy",
                         "Jürgen Groß-Mäder",
                         "Anna Maria Eriksson",
                         "Li Wei",
                         "Oluwaseun Adeyemi-Okafor",
                         "José Núñez",
                         "Marie-Claire Dubois"};
  const char* nats[] = {"CAN", "DEU", "SWE", "SGP", "NGA", "ESP", "FRA"};
  struct Condition {
    const char* label;
    sim::PageOptions o;
  };
  std::vector<Condition> conditions = {
      {"px 36, clean", {36, 0, 0, 0, false, false, 1}},
      {"px 24, clean", {24, 0, 0, 0, false, false, 1}},
      {"px 18, clean", {18, 0, 0, 0, false, false, 1}},
      {"px 14, clean", {14, 0, 0, 0, false, false, 1}},
      {"px 36, blur 1.5", {36, 0, 1.5, 0, false, false, 1}},
      {"px 36, blur 3", {36, 0, 3, 0, false, false, 1}},
      {"px 24, blur 1.5", {24, 0, 1.5, 0, false, false, 1}},
      {"px 24, blur 2.5", {24, 0, 2.5, 0, false, false, 1}},
      {"px 36, tilt 4", {36, 4, 0, 0, false, false, 1}},
      {"px 36, tilt -9", {36, -9, 0, 0, false, false, 1}},
      {"px 36, noise 12", {36, 0, 0, 12, false, false, 1}},
      {"px 36, uneven light", {36, 0, 0, 0, true, false, 1}},
      {"px 36, glare", {36, 0, 0, 0, false, true, 1}},
      {"px 24, tilt 5 blur 1.2 noise 8 light", {24, 5, 1.2, 8, true, false, 1}},
  };
  std::printf("%-40s %8s %10s %6s %5s %9s\n", "condition", "correct", "read-again", "WRONG", "none",
              "ms/page");
  int seed = 1;
  for (auto& c : conditions) {
    int correct = 0, again = 0, wrong = 0, none = 0;
    double ms = 0;
    for (int i = 0; i < pages; ++i, ++seed) {
      std::mt19937 rng(static_cast<unsigned>(seed));
      sim::PassportHolder h;
      std::size_t k = rng() % 7;
      h.name = names[k];
      h.nat = nats[k];
      char buf[32];
      std::snprintf(buf, sizeof buf, "19%02u-%02u-%02u", static_cast<unsigned>(60 + rng() % 40),
                    static_cast<unsigned>(1 + rng() % 12), static_cast<unsigned>(1 + rng() % 28));
      h.dob = buf;
      std::snprintf(buf, sizeof buf, "%c%c%07u", 'A' + static_cast<char>(rng() % 26),
                    'A' + static_cast<char>(rng() % 26), static_cast<unsigned>(rng() % 10000000));
      h.ppn = buf;
      h.sex = rng() % 2 ? 'M' : 'F';
      auto zone = sim::passport_zone(h, sim::PassportVariant::kMatch);
      if (!zone) return 1;
      c.o.seed = static_cast<std::uint64_t>(seed);
      auto page = sim::passport_page(*zone, c.o);
      if (!page) {
        std::fprintf(stderr, "%s\n", page.error().c_str());
        return 1;
      }
      scan::ImageView v{page->data, page->cols, page->rows, static_cast<int>(page->step),
                        scan::PixelFormat::kBgr8};
      auto t0 = std::chrono::steady_clock::now();
      auto read = mrz::read_mrz(v);
      ms +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      if (!read) {
        ++none;
        continue;
      }
      auto parsed = mrz::parse(read->text);
      std::string truth = (*zone)[0] + "\n" + (*zone)[1];
      if (parsed && parsed->valid()) {
        if (read->text == truth) {
          ++correct;
        } else {
          ++wrong;
        }
      } else {
        ++again;
      }
      if (std::getenv("MRZ_DEBUG") && read->text != truth)
        std::fprintf(stderr, "truth:\n%s\nread:\n%s\n", truth.c_str(), read->text.c_str());
    }
    std::printf("%-40s %7d%% %9d%% %6d %4d%% %9.1f\n", c.label, 100 * correct / pages,
                100 * again / pages, wrong, 100 * none / pages, ms / pages);
  }
  return 0;
}
