#include "sim/scene/credential_text.h"

#include "app/base45.h"
#include "app/zlib_codec.h"

namespace kiosk::sim::scene {

std::string credential_like_text(Rng& rng, bool presentation) {
  Bytes payload = rng.bytes(380 + rng.index(261));
  return std::string(presentation ? "WPP1:" : "WPC1:") + base45::encode(zlib::deflate(payload));
}

}  // namespace kiosk::sim::scene
