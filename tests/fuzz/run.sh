#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 20),
# seeded from the vectors. Prints one line per target: runs, crashes. Exit 1 on any crash.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_qr fuzz_chip fuzz_trust_install fuzz_codecs fuzz_chip_protocol fuzz_scan fuzz_image_file fuzz_audit fuzz_sign fuzz_console_request fuzz_mrz fuzz_fleet)
build=$root/build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKIOSK_FUZZ=ON -DKIOSK_TESTS=OFF -DKIOSK_BENCH=OFF \
    $(command -v ccache >/dev/null 2>&1 && echo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) >/dev/null
fi
ninja -C "$build" "${targets[@]}" >/dev/null
work=$build/corpus
python3 "$root/tests/fuzz/seeds.py" "$work/seeds"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$work/$t-artifacts"
  log=$build/$t.log
  set +e
  "$build/tests/fuzz/$t" -max_total_time="$secs" -max_len=32768 -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$work/$t-artifacts/" -print_final_stats=1 "$work/$t" "$work/seeds/$t" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  crashes=$(find "$work/$t-artifacts" -type f | wc -l)
  echo "fuzz: $t: ${runs:-?} runs in ${secs}s, exit $rc, $crashes crash artifacts"
  if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    tail -40 "$log"
  fi
done
exit $status
