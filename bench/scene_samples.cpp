#include <algorithm>
#include <cmath>

#include "bench/sample.h"
#include "sim/scene/scene.h"

namespace kiosk::bench {

std::vector<Sample> scene_samples(std::uint64_t seed, int count, int frames) {
  using namespace kiosk::sim::scene;
  kiosk::sim::Rng root(seed);
  kiosk::sim::Rng plan_rng = root.fork("plan");
  auto plan = scene_plan(plan_rng, count, {});
  std::vector<Sample> out;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    kiosk::sim::Rng r = root.fork("scene " + std::to_string(i));
    std::vector<Scene> take = render_take(plan[i], r, std::max(frames, 1));
    const Scene& s = take.front();
    Sample sample;
    sample.folder = scene_folder(plan[i]);
    sample.name = std::to_string(i) + "-" +
                  (plan[i].empty_counter ? "counter" : std::string(carrier_name(plan[i].carrier)));
    sample.image = s.frame;
    sample.expected = s.text;
    if (s.code) {
      // The code's bounding box: what the previous frame would pass back as the hint.
      float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
      for (const auto& p : *s.code) {
        x0 = std::min(x0, p.x);
        y0 = std::min(y0, p.y);
        x1 = std::max(x1, p.x);
        y1 = std::max(y1, p.y);
      }
      sample.hint =
          scan::Region{static_cast<int>(x0), static_cast<int>(y0),
                       static_cast<int>(std::ceil(x1 - x0)), static_cast<int>(std::ceil(y1 - y0))};
    }
    for (std::size_t k = 1; k < take.size(); ++k)
      sample.later.push_back(take[k].frame);
    out.push_back(std::move(sample));
  }
  return out;
}

}  // namespace kiosk::bench
