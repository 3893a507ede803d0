#!/usr/bin/env bash
# The kiosk's resource budget, measured and printed (no pass/fail: the figures go into
# docs/embedded.md and the release notes):
#   1. binary sizes, as built (RelWithDebInfo, with debug info) and stripped, amd64 and aarch64;
#   2. kioskd start-up time to ready, steady-state resident memory and CPU with a simulated 720p
#      camera at 30 fps: amd64 natively, aarch64 under qemu-user (emulated time; qemu's memory);
#   3. instructions of one verification (Ed25519 and SM2 vectors, e-card and chip): callgrind on
#      amd64, a QEMU instruction-counting plugin (bench/qemu_insn_count.cpp) on aarch64.
#
#   bench/budget.sh [--no-build]
# Builds build/ (native) and build-aarch64/ (toolchain/cross-build.sh) first unless --no-build.
# Environment: KIOSK_NATIVE_BUILD (default build), KIOSK_BUDGET_KIOSKD_ARGS (arguments for kioskd;
# default: a config with a simulated 720p camera at 30 fps),
# KIOSK_BUDGET_READY_PORT (TCP port whose opening means "ready", default 8080),
# KIOSK_BUDGET_STEADY_SECONDS (seconds after ready before reading VmRSS, default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
native=${KIOSK_NATIVE_BUILD:-$root/build}
cross=$root/build-aarch64
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

if [ "${1:-}" != "--no-build" ]; then
  start=$(date +%s)
  cmake -S "$root" -B "$native" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  ninja -C "$native" -j2 >/dev/null
  echo "budget: native build $(($(date +%s) - start)) s"
  start=$(date +%s)
  "$root/toolchain/cross-build.sh" aarch64 >/dev/null
  echo "budget: aarch64 cross build $(($(date +%s) - start)) s"
fi
sysroot=$(sed -n 's/^KIOSK_SYSROOT:PATH=//p' "$cross/CMakeCache.txt" 2>/dev/null || true)

find_bin() { # build-dir name -> path of the executable, or nothing
  find "$1" -type f -name "$2" -perm -u+x -not -path '*/CMakeFiles/*' -not -path '*/_CPack_Packages/*' 2>/dev/null | head -1 || true
}

echo
echo "== Binary sizes (bytes) =="
printf '%-10s %-8s %12s %12s\n' program arch as-built stripped
for prog in kioskctl kioskd kiosk-sim; do
  for arch in amd64 aarch64; do
    if [ $arch = amd64 ]; then dir=$native strip=strip; else dir=$cross strip=aarch64-linux-gnu-strip; fi
    bin=$(find_bin "$dir" "$prog")
    if [ -z "$bin" ]; then
      printf '%-10s %-8s %s\n' "$prog" "$arch" "not built (no such target in this tree)"
      continue
    fi
    if ! "$strip" -o "$scratch/stripped" "$bin" 2>/dev/null; then
      printf '%-10s %-8s %12d %12s\n' "$prog" "$arch" "$(stat -c %s "$bin")" "(not an ELF file of $arch)"
      continue
    fi
    printf '%-10s %-8s %12d %12d\n' "$prog" "$arch" "$(stat -c %s "$bin")" "$(stat -c %s "$scratch/stripped")"
  done
done

port=${KIOSK_BUDGET_READY_PORT:-8080}
# Default: a counter kiosk with a simulated 1280x720 camera at 30 fps (no code in view: the scan
# pipeline runs every stage up to its deadline on each frame it takes). The simulated camera is
# kioskd-demo's (the production kioskd has no simulated device): the same kiosk library and
# daemon, with the camera chosen by this configuration.
mkdir -p "$scratch/kdata"
cat >"$scratch/kioskd.conf" <<EOF
[ui]
port = $port
www = $root/firmware/kioskd/www
[data]
dir = $scratch/kdata
anchors = $root/tests/data/vectors/anchors
[devices]
camera = sim:scene
camera_width = 1280
camera_height = 720
camera_fps = 30
EOF

# kioskd_budget LABEL PROGRAM [PREFIX...]: start-up to ready, then VmRSS and VmHWM after the
# steady wait, and the CPU time used in that wait (30 frames a second through the scan pipeline).
kioskd_budget() {
  local label=$1 prog=$2
  shift 2
  rm -rf "${scratch:?}/kdata" && mkdir -p "$scratch/kdata"
  local args steady=${KIOSK_BUDGET_STEADY_SECONDS:-5}
  if [ -n "${KIOSK_BUDGET_KIOSKD_ARGS+x}" ]; then
    args=$KIOSK_BUDGET_KIOSKD_ARGS
  else
    args="--config $scratch/kioskd.conf --no-demo"
  fi
  local t0 pid ready=""
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  "$@" "$prog" $args >"$scratch/kioskd.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do # 60 s at most (emulated start-up is slow)
    if ! kill -0 $pid 2>/dev/null; then break; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || grep -qi 'ready' "$scratch/kioskd.log"; then
      ready=$(($(date +%s%N) - t0))
      break
    fi
    sleep 0.1
  done
  if [ -z "$ready" ]; then
    echo "$label: kioskd did not become ready within 60 s (port $port, or a 'ready' line); its output:"
    tail -5 "$scratch/kioskd.log"
  else
    local c0 c1 hz
    hz=$(getconf CLK_TCK)
    c0=$(awk '{print $14 + $15}' /proc/$pid/stat)
    sleep "$steady"
    if kill -0 $pid 2>/dev/null; then
      c1=$(awk '{print $14 + $15}' /proc/$pid/stat)
      printf '%s\n    start-up to ready %d ms (polled every 100 ms); %s; %s; CPU %d %% of one core over %s s\n' \
        "$label" $((ready / 1000000)) "$(grep '^VmRSS' /proc/$pid/status | tr -s ' \t' ' ')" \
        "$(grep '^VmHWM' /proc/$pid/status | tr -s ' \t' ' ')" \
        $(((c1 - c0) * 100 / hz / steady)) "$steady"
    else
      echo "$label: kioskd exited before the steady-state sample"
    fi
  fi
  kill $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
}

echo
echo "== kioskd start-up and memory (camera = sim:scene, 1280x720 at 30 fps) =="
for arch in amd64 aarch64; do
  if [ $arch = amd64 ]; then dir=$native; else dir=$cross; fi
  prog=$(find_bin "$dir" kioskd-demo)
  [ -n "${KIOSK_BUDGET_KIOSKD_ARGS+x}" ] && prog=$(find_bin "$dir" kioskd)
  if [ -z "$prog" ]; then
    echo "$arch: skipped (no kioskd-demo in $dir)"
  elif [ $arch = amd64 ]; then
    kioskd_budget "amd64, native" "$prog"
  elif command -v qemu-aarch64 >/dev/null; then
    # Under qemu-user the memory read is qemu's process: the guest's pages plus the emulator and
    # its translated code; an upper bound of the board's figure, not the figure. Time is emulated.
    kioskd_budget "aarch64 under qemu-user (emulated time; RSS includes qemu itself)" "$prog" \
      qemu-aarch64 -L "$sysroot"
  else
    echo "aarch64: skipped (no qemu-aarch64)"
  fi
done

echo
echo "== One verification: instructions (verification only, set-up excluded) =="
vo_native=$(find_bin "$native" verify_once)
vo_cross=$(find_bin "$cross" verify_once)
# QEMU plugin: instructions of --repeat 0 (set-up only) and --repeat N; the difference / N is the
# cost of one verification.
plugin=$scratch/libkiosk_insn.so
g++ -std=c++20 -O2 -shared -fPIC -fvisibility=hidden -o "$plugin" "$root/bench/qemu_insn_count.cpp"
count() { # qemu binary, program, repeat, program args... -> instructions
  local q=$1 prog=$2 n=$3
  shift 3
  local qargs=()
  [ "$q" = qemu-aarch64 ] && qargs=(-L "$sysroot")
  "$q" -plugin "$plugin,outfile=$scratch/count" "${qargs[@]}" "$prog" --repeat "$n" "$@" >/dev/null
  cat "$scratch/count"
}
n=10
# Ed25519 (the vectors) and SM2 with SM3 (vectors-sm2, spec section 9), e-card and chip.
for spec in "ecard-valid vectors" "chip-valid vectors" "sm2-ecard-valid vectors-sm2" \
  "sm2-chip-valid vectors-sm2"; do
  read -r id set <<<"$spec"
  args=(--vectors "$root/tests/data/$set" --case "$id")
  echo "-- $id ($set)"
  if [ -n "$vo_native" ] && command -v valgrind >/dev/null; then
    valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$scratch/cg.out" \
      "$vo_native" --repeat 1 "${args[@]}" >"$scratch/cg.log" 2>&1 || { cat "$scratch/cg.log"; exit 1; }
    ir=$(sed -n 's/^summary: *//p;s/^totals: *//p' "$scratch/cg.out" | head -1)
    echo "amd64   callgrind:                            $ir instructions"
  else
    echo "amd64   callgrind: skipped (no verify_once in $native or no valgrind)"
  fi
  if [ -n "$vo_native" ]; then
    echo "amd64   wall clock, native:                   $("$vo_native" --repeat 200 "${args[@]}" | sed -n 's/.*, \(.*\) each.*/\1/p') per verification (mean of 200)"
  fi
  if [ -n "$vo_cross" ] && command -v qemu-aarch64 >/dev/null; then
    c0=$(count qemu-aarch64 "$vo_cross" 0 "${args[@]}")
    c1=$(count qemu-aarch64 "$vo_cross" 1 "${args[@]}")
    cn=$(count qemu-aarch64 "$vo_cross" $n "${args[@]}")
    echo "aarch64 qemu plugin, run(1) - run(0):       $((c1 - c0)) instructions"
    echo "aarch64 qemu plugin, (run($n) - run(0)) / $n: $(((cn - c0) / n)) instructions"
    echo "aarch64 wall clock under qemu (emulated, NOT board time): $(QEMU_LD_PREFIX=$sysroot qemu-aarch64 "$vo_cross" --repeat 50 "${args[@]}" | sed -n 's/.*, \(.*\) each.*/\1/p') per verification (mean of 50)"
  else
    echo "aarch64: skipped (no verify_once in $cross or no qemu-aarch64)"
  fi
  if [ -n "$vo_native" ] && command -v qemu-x86_64 >/dev/null; then
    c0=$(count qemu-x86_64 "$vo_native" 0 "${args[@]}")
    c1=$(count qemu-x86_64 "$vo_native" 1 "${args[@]}")
    echo "amd64   qemu plugin, run(1) - run(0) (cross-check of the plugin against callgrind): $((c1 - c0)) instructions"
  fi
done
