#!/usr/bin/env bash
# The production kioskd links no simulator and carries no test material (issue 11):
#   - no kiosk::sim symbol in its link map (nm -C), while kioskd-demo has them (the check works);
#   - no player of recorded presentations (the feed), which kioskd-demo has;
#   - no path of the source or build tree baked in (test vectors, www, keys);
#   - no demo switch: `kioskd --demo` is refused and points at kioskd-demo.
# usage: link_map_test.sh KIOSKD KIOSKD_DEMO SOURCE_DIR BUILD_DIR
set -euo pipefail
kioskd=$1 demo=$2 src=$3 bld=$4
fail() { echo "link-map: FAIL: $*" >&2; exit 1; }
sim_syms=$(nm -C "$kioskd" | grep -c 'kiosk::sim::' || true)
[ "$sim_syms" -eq 0 ] || { nm -C "$kioskd" | grep 'kiosk::sim::' | head -5 >&2; fail "$kioskd links $sim_syms kiosk::sim symbols"; }
demo_syms=$(nm -C "$demo" | grep -c 'kiosk::sim::' || true)
[ "$demo_syms" -gt 0 ] || fail "kioskd-demo shows no kiosk::sim symbol: the nm check cannot see them"
[ "$(nm -C "$kioskd" | grep -c 'kiosk::kioskd::Kiosk::create')" -gt 0 ] || fail "no kiosk::kioskd symbols: is $kioskd stripped?"
echo "link-map: ok: kioskd has 0 kiosk::sim symbols (kioskd-demo has $demo_syms)"
# The feed of recorded presentations is a simulated input: kioskd-demo's only.
feed_syms=$(nm -C "$kioskd" | grep -c 'FeedSource\|parse_feed' || true)
[ "$feed_syms" -eq 0 ] || fail "$kioskd links the feed player ($feed_syms symbols)"
[ "$(nm -C "$demo" | grep -c 'FeedSource')" -gt 0 ] || fail "kioskd-demo shows no FeedSource symbol"
echo "link-map: ok: kioskd has no feed player (kioskd-demo has it)"
for p in "$src" "$bld" "tests/data/vectors" "test-anchors" "DEMO-01" "kioskd-demo-XXXXXX"; do
  if grep -aqF -- "$p" "$kioskd"; then fail "kioskd contains '$p'"; fi
done
echo "link-map: ok: no source, build or test path in kioskd"
set +e
out=$("$kioskd" --demo 2>&1); st=$?
set -e
[ $st -eq 2 ] || fail "kioskd --demo exited $st, not 2"
grep -q 'kioskd-demo' <<<"$out" || fail "kioskd --demo does not point at kioskd-demo: $out"
echo "link-map: ok: kioskd has no demo switch"
