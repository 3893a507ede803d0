#!/usr/bin/env bash
# One command for the Debian packages of the kiosk, amd64 and arm64:
#   toolchain/build-packages.sh [--native-only]
# Builds the release tree build/ (native, amd64) and the aarch64 cross build build-aarch64/
# (toolchain/cross-build.sh: sysroot from Debian's archive, Depends against it), then runs cpack
# in each. The packages land in build/packages and build-aarch64/packages:
#   onecard-kiosk_VERSION_ARCH.deb, onecard-kiosk-sim_VERSION_ARCH.deb,
#   onecard-kiosk-test-anchors_VERSION_all.deb
# Then `toolchain/package-check.sh` proves the amd64 ones install and start in a clean root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${KIOSK_JOBS:-2}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root/..}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DKIOSK_WERROR=ON "${launcher[@]}" >/dev/null
nice ninja -C build -j "$jobs" kioskd kioskctl kioskd-demo kiosk-sim kiosk-scenes
(cd build && rm -rf packages && cpack -B packages >/dev/null && rm -rf packages/_CPack_Packages)
ls -1 build/packages/*.deb
[ "${1:-}" = "--native-only" ] && exit 0
KIOSK_JOBS=$jobs toolchain/cross-build.sh aarch64 -DKIOSK_TESTS=OFF -DKIOSK_BENCH=OFF
(cd build-aarch64 && rm -rf packages && cpack -B packages >/dev/null && rm -rf packages/_CPack_Packages)
ls -1 build-aarch64/packages/*.deb
