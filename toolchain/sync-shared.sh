#!/usr/bin/env bash
# Refreshes the repository's byte-for-byte copies of the shared inputs listed in `parts` below
# (with their licence and README files), so that a clone builds and tests on its own.
# To copy one more shared folder, add its name to `parts` (one a line): ../shared/NAME is copied
# to tests/data/NAME.
#   toolchain/sync-shared.sh          copy ../shared into tests/data
#   toolchain/sync-shared.sh --check  exit 1 (and say what differs) when the copies are stale
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KIOSK_SHARED:-$root/../shared}
if [ ! -d "$shared" ]; then
  echo "sync-shared: no $shared here; the copies in tests/data stand as they are"
  exit 0
fi
parts=(
  vectors      # spec conformance vectors (Ed25519)
  vectors-sm2  # spec section 9 vectors (SM2 with SM3)
  corpus       # hostile and real-world inputs
  data/gbt2260 # GB/T 2260 place names (the screens show places by name)
)
stale=0
for part in "${parts[@]}"; do
  if ! diff -rq "$shared/$part" "$root/tests/data/$part" >/dev/null 2>&1; then
    stale=1
    if [ "${1:-}" = "--check" ]; then
      echo "sync-shared: tests/data/$part differs from $shared/$part:"
      diff -rq "$shared/$part" "$root/tests/data/$part" | head -20 || true
    else
      rm -rf "$root/tests/data/$part"
      mkdir -p "$(dirname "$root/tests/data/$part")"
      cp -a "$shared/$part" "$root/tests/data/$part"
      chmod -R u+w "$root/tests/data/$part"
      echo "sync-shared: refreshed tests/data/$part"
    fi
  fi
done
if [ "${1:-}" = "--check" ] && [ $stale -eq 1 ]; then
  echo "sync-shared: run toolchain/sync-shared.sh and commit the refreshed copies"
  exit 1
fi
[ $stale -eq 0 ] && echo "sync-shared: tests/data is up to date with $shared"
exit 0
