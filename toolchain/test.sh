#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): installs what is missing, builds
# with warnings as errors, runs every test, again under ASan + UBSan, then a fuzzing smoke run.
#   toolchain/test.sh            everything
#   KIOSK_FUZZ_SECONDS=N         seconds per fuzz target (default 15; 0 skips fuzzing)
#   KIOSK_CROSS=0                skips the aarch64 smoke (cross build of kioskctl and the conformance
#                                tests, run under qemu-aarch64); the whole ARM run is
#                                toolchain/cross-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
cross=${KIOSK_CROSS:-1}
if [ "$cross" = 1 ]; then toolchain/install-deps.sh --with-browser --with-cross; else toolchain/install-deps.sh --with-browser; fi
toolchain/sync-shared.sh --check || echo "test.sh: WARNING: the copies of ../shared in tests/data are stale"

# ccache (installed by install-deps.sh) keeps compiled objects between runs and between clones:
# paths below the checkout are hashed relative to it.
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1  # debug builds hit the cache from another clone
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

passed=0
failed=0
run_ctest() {  # BUILD_DIR [TEST_REGEX]
  local log
  log=$(mktemp)
  set +e
  (cd "$1" && ctest --output-on-failure -j "$jobs" --timeout 600 ${2:+-R "$2"}) 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local total fails
  total=$(grep -Eo 'tests failed out of [0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
  fails=$(grep -Eo '[0-9]+ tests failed out of' "$log" | grep -Eo '^[0-9]+' || echo 0)
  [ "$rc" -eq 0 ] || [ "$fails" -gt 0 ] || fails=1
  passed=$((passed + total - fails))
  failed=$((failed + fails))
  rm -f "$log"
}

step "release build (warnings are errors)"
# Release flags without debug information: the suite builds about twice as fast on 2 cores.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DKIOSK_WERROR=ON "${launcher[@]}" >/dev/null
ninja -C build -j "$jobs"
step "tests"
run_ctest build

step "sanitizer build (ASan + UBSan)"
# -O1 -g1: fast enough to build and run, with line numbers in every sanitizer report.
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DKIOSK_SANITIZE=ON -DKIOSK_BENCH=OFF "${launcher[@]}" >/dev/null  # warnings are enforced by the release build
ninja -C build-asan -j "$jobs"
step "tests under sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 run_ctest build-asan

fuzz_secs=${KIOSK_FUZZ_SECONDS:-15}
if [ "$fuzz_secs" -gt 0 ]; then
  step "fuzzing smoke run (${fuzz_secs}s per target)"
  if tests/fuzz/run.sh "$fuzz_secs"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

if [ "$cross" = 1 ]; then
  step "aarch64 smoke: kioskctl and the conformance tests cross-built, run under qemu-aarch64"
  # The sysroot comes from Debian's archive (toolchain/make-sysroot.sh, cached in ~/.cache). Built:
  # the verifier's test programs and kioskctl (the packaged program), which runs both vector sets
  # as cli.md says (conformance_cli_test). The whole tree (kioskd, the simulator, every test) takes
  # about 11 min more on 2 cores (docs/embedded.md): toolchain/cross-test.sh aarch64 runs it all.
  t0=$SECONDS
  smoke='conformance_vectors_test conformance_cli_test app_sign_test app_codecs_test app_verifier_test'
  cross_log=$(mktemp)
  if KIOSK_CROSS_BUILD_DIR=$root/build-aarch64-smoke KIOSK_CROSS_TARGETS=$smoke \
    KIOSK_BUILD_TYPE=Release toolchain/cross-build.sh aarch64 -DKIOSK_WERROR=ON \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" >"$cross_log" 2>&1; then
    grep -E '^(make-sysroot|cross-build):' "$cross_log" || true
    sysroot=$(sed -n 's/^KIOSK_SYSROOT:PATH=//p' build-aarch64-smoke/CMakeCache.txt)
    QEMU_LD_PREFIX=$sysroot run_ctest build-aarch64-smoke "^(${smoke// /|})\$"
  else
    tail -40 "$cross_log"
    echo "aarch64 smoke: the cross build failed"
    failed=$((failed + 1))
  fi
  rm -f "$cross_log"
  echo "aarch64 smoke: $((SECONDS - t0)) s"
fi

echo
echo "suite: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
