#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets from tests/data/vectors into OUT/<target>/."""
import json, os, sys, hashlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "vectors")
out = sys.argv[1]

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

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
os.makedirs(os.path.join(out, "fuzz_chip_protocol"), exist_ok=True)
# fuzz_mrz: the ICAO 9303 specimen, a TD1 card zone, and a name with diacritics.
put("fuzz_mrz", b"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
put("fuzz_mrz", b"I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<")
put("fuzz_mrz", "Zoë Groß-Müller O'Neil".encode())
