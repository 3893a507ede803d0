#!/usr/bin/env bash
# One command to cross-build the kiosk for an ARM target:
#   toolchain/cross-build.sh aarch64|armhf [extra cmake -D options...]
# Builds the sysroot when missing (toolchain/make-sysroot.sh), then configures and builds into
# build-ARCH/ with the matching toolchain file. At most two compile jobs (KIOSK_JOBS to change);
# KIOSK_CROSS_TARGETS="t1 t2" builds only those targets (CI's smoke: the conformance tests).
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
# ccache when installed, as in toolchain/test.sh (the cross compiler is part of ccache's key).
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$build" -G Ninja --toolchain "$root/toolchain/$toolchain" \
  -DCMAKE_BUILD_TYPE="${KIOSK_BUILD_TYPE:-RelWithDebInfo}" "${launcher[@]}" "$@"
ninja -C "$build" -j "${KIOSK_JOBS:-2}" ${KIOSK_CROSS_TARGETS:-}
echo "cross-build: $arch build in $build (sysroot $((t1 - t0)) s, configure and build $((SECONDS - t1)) s)"
