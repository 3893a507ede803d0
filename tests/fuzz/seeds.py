#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from tests/data/vectors and vectors-sm2 into OUT/<target>/."""
import json, os, sys, hashlib

data_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
out = sys.argv[1]

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

for vset in ("vectors", "vectors-sm2"):
    root = os.path.join(data_dir, vset)
    cases = json.load(open(os.path.join(root, "cases.json")))["cases"]
    for c in cases:
        inp = c["input"]
        if "qr" in inp:
            put("fuzz_qr", inp["qr"].encode())
            put("fuzz_codecs", inp["qr"][5:].encode())
        else:
            chip = inp["chip"]
            raw = bytes.fromhex(chip["ef"]) + bytes.fromhex(chip["challenge"]) + bytes.fromhex(chip["signature"])
            put("fuzz_chip", raw)
            put("fuzz_chip", json.dumps(chip).encode())
            put("fuzz_codecs", bytes.fromhex(chip["ef"])[2:])
    for sub in ("trust", "trust/status", "install"):
        d = os.path.join(root, sub)
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isfile(p):
                data = open(p, "rb").read()
                put("fuzz_trust_install", data)
                put("fuzz_codecs", data)

# fuzz_sign: MODE || KEY (32 bytes for Ed25519 modes, 65 for SM2) || SIG (64) || MSG, with the
# vectors' test keys (MODE bit 0: SM2).
for vset in ("vectors", "vectors-sm2"):
    p = os.path.join(data_dir, vset, "test-keys.json")
    for k in json.load(open(p))["keys"].values():
        pub = bytes.fromhex(k["pub"])
        mode = 1 if len(pub) == 65 else 0
        put("fuzz_sign", bytes([mode]) + pub + bytes(range(64)) + b"WPCN-AA1")
        put("fuzz_sign", bytes([mode | 2]) + pub + bytes(64) + (b"04" + pub.hex().encode()))

# Small real photos for the image path.
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus", "zxing-qr")
for folder in sorted(os.listdir(corpus)):
    d = os.path.join(corpus, folder)
    if not os.path.isdir(d):
        continue
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name)
        if name.endswith((".png", ".jpg", ".webp")) and os.path.getsize(p) <= 32768:
            put("fuzz_scan", open(p, "rb").read())
            put("fuzz_image_file", open(p, "rb").read())
os.makedirs(os.path.join(out, "fuzz_chip_protocol"), exist_ok=True)

# Audit: record bodies from the format 1 log, and held seal lines (one per file, and all together).
audit = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "audit", "data", "audit-v1.sql")
bodies = [line.split("'")[5] for line in open(audit) if line.startswith("INSERT INTO records")]
for b in bodies[:3]:
    put("fuzz_audit", b.encode())
seal = {"kind": "seal", "kiosk": "K", "first": 3, "last": 3, "seq": 2, "head": "ab" * 32, "time": 1796000035}
body = json.dumps(seal)
line = json.dumps({"audit_seal": body, "mac": "00" * 32})
put("fuzz_audit", line.encode())
put("fuzz_audit", ("\n".join(bodies[:4]) + "\n" + line + "\n").encode())
put("fuzz_audit", b"kaudit1-1796000000-10-" + b"ab" * 32)

# fuzz_mrz: the ICAO 9303 specimen, a TD1 card zone, and a name with diacritics.
put("fuzz_mrz", b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
put("fuzz_mrz", b"I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
put("fuzz_mrz", "Zoë Groß-Müller O'Neil".encode())
# console (issue 15): Host, Origin, Cookie and a sign-in body, NUL-separated.
for host, origin, cookie, body in [
        ("127.0.0.1:8080", "http://127.0.0.1:8080", "kiosk_session=" + "a" * 64,
         '{"name": "alice", "password": "pin-123456"}'),
        ("[::1]:8443", "https://[::1]:8443", "a=1; kiosk_session=x; kiosk_session=y", '{"name": 1}'),
        ("kiosk.test", "null", "", "{garbage")]:
    put("fuzz_console_request", "\0".join([host, origin, cookie, body]).encode())
# fleet (issue 16): selector byte, then a RELP answer stream (piece size byte first), a cursor
# file, a scrape, a trust server's answer, a target.
put("fuzz_fleet", b"\x00\x07" + b"1 rsp 59 200 OK\nrelp_version=0\nrelp_software=rsyslog\ncommands=syslog\n"
    + b"2 rsp 6 200 OK\n3 rsp 6 200 OK\n0 serverclose 0\n")
put("fuzz_fleet", b"\x00\x01" + b"2 rsp 21 500 queue full, retry\n")
put("fuzz_fleet", b"\x01" + b"42 57\n")
put("fuzz_fleet", b"\x01" + b"42\n")
put("fuzz_fleet", b"\x02" + b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9100\r\n"
    + b"Authorization: Bearer 0123456789abcdef\r\n\r\n")
put("fuzz_fleet", b"\x03" + b"HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Wed, 02 Dec 2026 10:00:05 GMT\r\n"
    + b"Last-Modified: Wed, 02 Dec 2026 10:00:00 GMT\r\nETag: \"692eb8e0-1c\"\r\n"
    + b"Content-Length: 28\r\n\r\nkeyset.cose\nstatus/A.cose\n")
put("fuzz_fleet", b"\x03" + b"HTTP/1.1 304 Not Modified\r\nETag: \"692eb8e0-1c\"\r\n\r\n")
put("fuzz_fleet", b"\x04" + b"[::1]:2514")
put("fuzz_fleet", b"\x04" + b"http://127.0.0.1:8080/trust")
