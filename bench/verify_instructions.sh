#!/usr/bin/env bash
# Instructions per e-card verdict against its two bare Ed25519 verifications, counted by callgrind
# (repeatable whatever else the machine does).   bench/verify_instructions.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$out/cg.%p" \
  "$build/bench/verify_instructions" >/dev/null 2>"$out/log"
total() { grep -h '^totals:' $(grep -l "^desc: Trigger: Client Request: $1" "$out"/cg.*) | awk '{print $2}'; }
v=$(total verifier)
b=$(total bare)
awk -v v="$v" -v b="$b" 'BEGIN {
  printf "e-card verdict: %.0f instructions; its two bare Ed25519 verifications: %.0f; ratio %.3f (target <= 1.3)\n", v/20, b/20, v/b }'
