#!/usr/bin/env bash
# Installs every Debian 12 package the kiosk needs to build, run and test.
# Idempotent: when everything is present it prints one line and changes nothing.
# Usage: toolchain/install-deps.sh [--with-browser] [--with-cross]
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format
  zlib1g-dev libsodium-dev libsqlite3-dev doctest-dev
  libboost-dev libboost-system-dev
  libzxing-dev
  libpng-dev  # kioskctl's image loader decodes PNG itself (no OpenCV codecs per process)
  libjpeg62-turbo-dev  # the same, JPEG
  libwebp-dev  # the same, WebP
  libstb-dev  # bench/zxing_reader: ZXing-C++'s own reader loads images with stb_image
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  libpcsclite-dev pcscd vsmartcard-vpcd
  python3
  valgrind
  nginx              # fleet: the trust URL's web server in tests and toolchain/fleet.sh
  rsyslog            # fleet: the audit collector in tests and toolchain/fleet.sh
  rsyslog-relp       # fleet: rsyslog's imrelp input (audit records over RELP)
  prometheus         # fleet: promtool (metrics and rules checks) and the fleet script's server
  ccache  # test.sh: compiled objects kept between runs and clones
  libssl-dev  # SM2 with SM3 signatures (app/sign/sm2.cpp, OpenSSL 3); kioskd's HTTPS/WSS (console)
  openssl  # console: the tests make a test CA; docs show a PSB office issuing the certificate
  lintian  # package-check.sh: the .deb packages have no lintian error
  mmdebstrap  # package-check.sh: the clean Debian 12 root the packages are installed into
  curl  # package-check.sh: the installed kioskd's officer page; fleet.sh queries Prometheus
  iproute2  # package-check.sh: loopback up in its private network namespace
  systemd  # package-check.sh: systemd-analyze verify of the unit
  fonts-ocr-b  # OCR-B, the MRZ font: passport pages and glyph templates (kiosk-sim, mrz-glyphs)
  libfreetype-dev  # renders OCR-B for kiosk-sim's passport pages and mrz-glyphs
)
for arg in "$@"; do
  case "$arg" in
    # The officer page shows Chinese: the browser needs a CJK font (kioskd fetches no web font).
    --with-browser) packages+=(chromium chromium-driver fonts-wqy-zenhei) ;;
    --with-cross) packages+=(qemu-user g++-aarch64-linux-gnu g++-arm-linux-gnueabihf dpkg-dev) ;;
    *) echo "install-deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done


missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
