#!/usr/bin/env bash
# Runs the unit and conformance tests of a cross build on the target architecture, under qemu user
# emulation (CMAKE_CROSSCOMPILING_EMULATOR: ctest prefixes every test with `qemu-ARCH -L SYSROOT`):
#   toolchain/cross-test.sh aarch64|armhf [extra ctest options...]
# Builds first (toolchain/cross-build.sh). Tests labelled `pcscd` or `browser` need a daemon or a
# browser of the host's architecture and are skipped here; they run in the native build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-}
case "$arch" in
  aarch64 | arm64) arch=aarch64 qemu=qemu-aarch64 ;;
  armhf | arm) arch=armhf qemu=qemu-arm ;;
  *) echo "usage: $0 aarch64|armhf [ctest options...]" >&2; exit 2 ;;
esac
shift
command -v "$qemu" >/dev/null || { echo "cross-test: $qemu missing: toolchain/install-deps.sh --with-cross" >&2; exit 1; }

"$root/toolchain/cross-build.sh" "$arch"
build=${KIOSK_CROSS_BUILD_DIR:-$root/build-$arch}
sysroot=$(sed -n 's/^KIOSK_SYSROOT:PATH=//p' "$build/CMakeCache.txt")
# Programs that the tests start themselves (kioskctl from an integration test) go through qemu
# too: QEMU_LD_PREFIX is qemu's -L.
export QEMU_LD_PREFIX=$sysroot
t0=$SECONDS
status=0
ctest --test-dir "$build" --output-on-failure -j "${KIOSK_JOBS:-2}" \
  --label-exclude '^(pcscd|browser)$' "$@" || status=$?
echo "cross-test: tests under qemu $((SECONDS - t0)) s"
exit $status
