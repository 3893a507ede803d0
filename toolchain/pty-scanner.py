#!/usr/bin/env python3
"""A simulated serial 2D scanner outside kioskd, for toolchain/package-check.sh.

Opens a pty, makes its device readable by the kiosk user, links LINK to it, and then, each time a
file LINK.send appears, writes its text followed by CR (what a serial scanner sends after a read)
and removes the file. kioskd's real serial driver reads the other end (configured as
`[devices] scanner = LINK`). Runs until SIGTERM.

usage: pty-scanner.py LINK [TARGET_OF_LINK_PREFIX]
  The link points at PREFIX + the pty's path (default no prefix), e.g. for a chroot whose /dev is
  the host's /dev bind-mounted, the link inside the chroot names /dev/pts/N.
"""
import os
import signal
import sys
import time

link = sys.argv[1]
master, slave = os.openpty()
name = os.ttyname(slave)
os.chmod(name, 0o666)
try:
    os.unlink(link)
except FileNotFoundError:
    pass
os.symlink(name, link)
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
os.set_blocking(master, False)
print(name, flush=True)
while running:
    try:
        os.read(master, 4096)  # drain whatever the driver writes (nothing, normally)
    except (BlockingIOError, OSError):
        pass
    send = link + ".send"
    if os.path.exists(send):
        with open(send, "rb") as f:
            text = f.read().strip()
        os.unlink(send)
        os.write(master, text + b"\r")
    time.sleep(0.05)
try:
    os.unlink(link)
except FileNotFoundError:
    pass
