#!/usr/bin/env python3
"""Hostile trust files against `kioskctl trust install`, measured from outside (issue 12 item 2).

For each size (MiB) it writes unsigned files that name the trust anchor's kid, so that the
install reaches the signature check, and runs kioskctl under /usr/bin/time -v: wall time and peak
RSS of the whole process, and the same for a tiny file as the baseline. Shapes:
  items     payload {4: [0, 0, 0, ...]}: one CBOR item per byte (the old decoder: ~72 B per byte)
  unprot    the unprotected header a map of N small pairs (the envelope's items)
  bstr      payload {4: h'00...'}: one large byte string
Usage: bench/trust_hostile.py BUILD_DIR [SIZES_MIB...]   (default 1 16 19.9 31.5 (33 MB) 64)
"""
import hashlib, os, re, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
sizes = [float(x) for x in sys.argv[2:]] or [1, 16, 19.9, 33e6 / 1048576, 64]
anchors = os.path.join(root, "tests/data/vectors/anchors")
anchor = bytes.fromhex(open(os.path.join(anchors, "root.pub")).read().strip())
kid = hashlib.sha256(anchor).digest()[:8]


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for ai, w in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * w):
            return bytes([major << 5 | ai]) + n.to_bytes(w, "big")


def bstr(b):
    return head(2, len(b)) + b


def cose(payload, unprot=b"\xa0"):
    prot = b"\xa3" + b"\x01\x27" + b"\x03" + head(3, 9) + b"wp-keyset" + b"\x04" + bstr(kid)
    return b"\xd2\x84" + bstr(prot) + unprot + bstr(payload) + bstr(bytes(64))


def shape(name, n):
    if name == "items":
        return cose(b"\xa1\x04" + head(4, n) + bytes(n))
    if name == "unprot":
        pairs = n // 6
        body = b"".join(b"\x1a" + i.to_bytes(4, "big") + b"\x00" for i in range(pairs))
        return cose(b"\xa0", head(5, pairs) + body)
    return cose(b"\xa1\x04" + bstr(bytes(n)))


def run(path, db):
    p = subprocess.run(["/usr/bin/time", "-v", os.path.join(build, "firmware/kioskctl"), "trust",
                        "install", "--db", db, "--anchors", anchors, "--now", "1795956800", path],
                       capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", p.stderr)
    secs = float(wall.group(2)) * 60 + float(wall.group(3)) + (float(wall.group(1) or 0) * 3600)
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", p.stderr).group(1)) + float(
        re.search(r"System time \(seconds\): ([\d.]+)", p.stderr).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    return secs, cpu, rss / 1024.0, p.stdout.strip().rsplit(" ", 1)[-1]


with tempfile.TemporaryDirectory() as d:
    db = os.path.join(d, "t.db")
    small = os.path.join(d, "small.cose")
    open(small, "wb").write(shape("bstr", 16))
    bt, bc, base, _ = run(small, db)
    print(f"baseline (a 0 MiB file): {bt:.3f} s wall, {bc:.3f} s CPU, peak RSS {base:.1f} MiB")
    print(f"{'shape':8} {'MiB':>5} {'result':>14} {'wall s':>7} {'cpu s':>6} {'peak MiB':>9} {'above base':>10}")
    worst_t, worst_m = 0.0, 0.0
    for mib in sizes:
        for name in ("items", "unprot", "bstr"):
            f = os.path.join(d, f"{name}-{mib}.cose")
            body = shape(name, int(mib * 1024 * 1024) - 64)
            open(f, "wb").write(body)
            t, c, m, res = run(f, db)
            os.unlink(f)
            worst_t, worst_m = max(worst_t, t), max(worst_m, m - base)
            print(f"{name:8} {len(body) / 1048576:5.1f} {res:>14} {t:7.3f} {c:6.3f} {m:9.1f} {m - base:10.1f}")
    print(f"worst: {worst_t:.3f} s, {worst_m:.1f} MiB above the baseline "
          f"(target: under 1 s and 64 MiB)")
