#!/usr/bin/env bash
# Sets up everything missing on a fresh Debian 12 machine (as root), builds, and runs the kiosk
# with simulated devices. Until kioskd lands this verifies the vectors' sample credentials through
# kioskctl and prints each verdict.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
toolchain/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build -j "$(nproc)" kioskctl
kioskctl=build/firmware/kioskctl
data=tests/data/vectors
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== installing the vectors' TEST trust package"
$kioskctl trust install --db "$work/kiosk.db" --anchors "$data/anchors" --now 1795956800 "$data/trust"
echo "== verifying the sample credentials at 2026-11-29T08:53:20Z, counter jurisdiction 3101 (Shanghai)"
python3 - "$kioskctl" "$work" "$data" <<'PY'
import json, subprocess, sys
kioskctl, work, data = sys.argv[1:]
cases = json.load(open(f"{data}/cases.json"))["cases"]
for c in cases:
    if c["trust"] is None or c["now"] != 1796000000:
        continue
    args = [kioskctl, "verify", "--db", f"{work}/kiosk.db", "--now", str(c["now"]),
            "--jurisdiction", ",".join(c["jurisdiction"])]
    if "qr" in c["input"]:
        args += ["--qr", c["input"]["qr"]]
    else:
        open(f"{work}/chip.json", "w").write(json.dumps(c["input"]["chip"]))
        args += ["--chip-file", f"{work}/chip.json"]
    v = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)
    who = v["holder"]["name"] if v["holder"] else "-"
    print(f'{c["id"]:32} {v["outcome"]:7} {v["document"]:9} {",".join(v["reasons"]) or "-":45} {who}')
PY
