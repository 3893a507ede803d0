#!/usr/bin/env bash
# Sets up everything missing on a fresh Debian 12 machine (as root), builds, plays the demo
# field-test scenario through kiosk-sim, then runs the kiosk demo (kioskd-demo: the kiosk library
# with simulated devices chosen by configuration): each verdict is printed as it happens, and the
# officer's page is served on loopback. TEST MATERIAL only: the demo's keys are public.
#   toolchain/run.sh [kioskd-demo options, e.g. --port 8081, --demo-vectors]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
toolchain/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j "$(nproc)" kioskd kioskd-demo kioskctl kiosk-sim
echo
echo "== field-test report: kiosk-sim run sim/scenarios/demo.scenario (TEST credentials)"
build/sim/kiosk-sim run sim/scenarios/demo.scenario || echo "run.sh: the demo scenario reported a mismatch (see above)"
echo
echo "== the kiosk: kioskd-demo (simulated devices; Ctrl-C stops it)"
exec build/firmware/kioskd-demo/kioskd-demo "$@"
