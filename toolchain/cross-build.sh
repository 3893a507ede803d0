#!/usr/bin/env bash
# One command to cross-build the kiosk for an ARM target:
#   toolchain/cross-build.sh aarch64|armhf [extra cmake -D options...]
# Builds the sysroot when missing (toolchain/make-sysroot.sh), then configures and builds into
# build-ARCH/ with the matching toolchain file. At most two compile jobs (KIOSK_JOBS to change).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-}
case "$arch" in
  aarch64 | arm64) arch=aarch64 toolchain=aarch64-linux-gnu.cmake ;;
  armhf | arm) arch=armhf toolchain=arm-linux-gnueabihf.cmake ;;
  *) echo "usage: $0 aarch64|armhf [cmake options...]" >&2; exit 2 ;;
esac
shift

t0=$SECONDS
"$root/toolchain/make-sysroot.sh" "$arch"
t1=$SECONDS
build=${KIOSK_CROSS_BUILD_DIR:-$root/build-$arch}
cmake -S "$root" -B "$build" -G Ninja --toolchain "$root/toolchain/$toolchain" \
  -DCMAKE_BUILD_TYPE="${KIOSK_BUILD_TYPE:-RelWithDebInfo}" "$@"
ninja -C "$build" -j "${KIOSK_JOBS:-2}"
echo "cross-build: $arch build in $build (sysroot $((t1 - t0)) s, configure and build $((SECONDS - t1)) s)"
