#!/usr/bin/env bash
# ThreadSanitizer over kioskd's threads: the event loop, the audit writer, the trust updater, the
# audit forwarder, the camera and card workers, the metrics listener. Builds kioskd, kioskd-demo,
# kioskctl and the kioskd integration tests with -fsanitize=thread in build-tsan/ (every kioskd a
# test starts is the TSan build too) and runs the tests; fails when any process reports a race,
# a lock-order inversion or a thread leak, or when a test fails.
#
#   toolchain/tsan.sh [TEST...]     (~15 min cold on 2 cores, ~5 min warm; not in test.sh)
#
# toolchain/tsan.supp lists what is suppressed and why (libraries' own locking, not ours).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${KIOSK_TSAN_BUILD:-$root/build-tsan}
jobs=${KIOSK_JOBS:-$(nproc)}
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  tests=(kioskd_unit_test kioskd_slow_disk_test kioskd_e2e_test kioskd_devices_test
         kioskd_console_test kioskd_fleet_trust_test kioskd_fleet_metrics_test
         kioskd_fleet_syslog_test)
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
flags=-fsanitize=thread
# Boost.Asio's fenced blocks give gcc's -Wtsan notes; TSan sees the mutexes they pair with.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
  -DCMAKE_CXX_FLAGS="$flags -Wno-tsan" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_MODULE_LINKER_FLAGS="$flags" \
  -DKIOSK_BENCH=OFF "${launcher[@]}" >/dev/null
ninja -C "$build" -j "$jobs" kioskd kioskd-demo kioskctl "${tests[@]}"

reports=$build/tsan-reports
rm -rf "$reports"
mkdir -p "$reports"
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$root/toolchain/tsan.supp log_path=$reports/r"
# The tests, and every kioskd they start, run on one CPU. OpenCV runs its larger filters on TBB
# worker threads, and Debian's libtbb is not instrumented, so TSan cannot see a worker's join.
# Memory a worker touched, later handed between two of our threads under a mutex, is then
# reported as a race between the worker and our thread. Seen once in four runs on 2026-12-05: a
# block from a scan's imgproc call on a worker, freed by the coach thread. TBB sizes its pool
# from the CPU affinity, so with one CPU it starts no workers, and OpenCV runs each filter on the
# thread that calls it, where TSan sees it whole. Races between our own threads are still found:
# TSan judges the order of events, not whether they really overlapped.
cpu=$(taskset -pc $$ | sed 's/.*: *//; s/[-,].*//')
failed=0
for t in "${tests[@]}"; do
  bin=$(find "$build/tests" -name "$t" -type f -perm -u+x | head -1)
  if [ -z "$bin" ]; then echo "tsan: $t: not built" >&2; failed=1; continue; fi
  start=$SECONDS
  if (cd "$build" && timeout 900 taskset -c "$cpu" "$bin" >"$reports/$t.log" 2>&1); then
    echo "tsan: $t passed ($((SECONDS - start)) s)"
  else
    echo "tsan: $t FAILED ($((SECONDS - start)) s); its output: $reports/$t.log"
    failed=1
  fi
done
if ls "$reports"/r.* >/dev/null 2>&1; then
  echo "tsan: reports:"
  grep -h "^SUMMARY" "$reports"/r.* | sort | uniq -c
  echo "tsan: whole reports in $reports/r.PID"
  failed=1
fi
[ "$failed" -eq 0 ] && echo "tsan: no report, every test passed"
exit "$failed"
