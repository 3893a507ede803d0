// kioskd-demo's device registry: the production drivers plus the simulated cameras of kiosk::sim
// (sim:scene, sim:still:PNG, sim:folder:DIR, sim:video:FILE), chosen in [devices] like any camera,
// and the player of recorded presentations ([devices] feed, feed_source.h).
#pragma once

#include "firmware/kioskd/devices.h"

namespace kiosk::kioskd {

DeviceRegistry simulated_devices();

}  // namespace kiosk::kioskd
