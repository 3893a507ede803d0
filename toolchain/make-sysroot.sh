#!/usr/bin/env bash
# Builds a Debian 12 sysroot for cross-compiling the kiosk: the target architecture's libraries and
# headers, fetched from the Debian mirror this machine already uses and unpacked with `dpkg -x`.
# Nothing is installed on the host: apt runs with a private state, cache and sources list.
#
#   toolchain/make-sysroot.sh ARCH     ARCH: aarch64 (Debian arm64) or armhf (Debian armhf)
#
# Output: $KIOSK_SYSROOT_CACHE/ARCH/sysroot (default cache: ~/.cache/onecard-kiosk), outside the
# source tree. Idempotent: a second run with the same package list prints one line and does nothing.
# Environment: KIOSK_SYSROOT_CACHE (cache folder), KIOSK_DEBIAN_MIRROR (override the mirror URI).
set -euo pipefail

arch=${1:-}
case "$arch" in
  aarch64 | arm64) arch=aarch64 debarch=arm64 triplet=aarch64-linux-gnu ;;
  armhf | arm | arm-linux-gnueabihf) arch=armhf debarch=armhf triplet=arm-linux-gnueabihf ;;
  *) echo "usage: $0 aarch64|armhf" >&2; exit 2 ;;
esac

# The libraries every branch of the kiosk links against (app, keys, drivers, scan pipeline, kioskd,
# kiosk-sim, tests). Their dependency closure is resolved by apt below.
seeds=(
  libc6-dev libstdc++-12-dev
  zlib1g-dev libsodium-dev libsqlite3-dev doctest-dev
  libboost-dev libboost-system-dev
  libzxing-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev
  libpcsclite-dev
  libpng-dev libjpeg62-turbo-dev libwebp-dev  # kioskctl's image loader (firmware/kioskctl/image_file)
  libssl-dev nlohmann-json3-dev                # SM2/SM3 (app/sign), TLS (kioskd), JSON (console)
  libfreetype-dev                              # OCR-B passport zones (sim/mrz)
  libstb-dev                                   # benchmarks' image writer
)
# Packages of the closure that hold no library or header the build or the tests use (maintainer
# tooling, interpreters, the init system). Skipping them keeps the download smaller; none of them
# is a link-time or run-time dependency of a shared library.
skip_re='^(debconf|debconf-2.0|perl|perl-base|perl-modules-.*|dpkg|install-info|tar|coreutils|base-files|bash|debianutils|sensible-utils|adduser|passwd|login|util-linux|mount|systemd|systemd-sysv|systemd-timesyncd|init-system-helpers|lsb-base|sysvinit-utils|ucf|python3.*|libpython3.*|dbus|dbus-bin|dbus-daemon|dbus-system-bus-common|dbus-session-bus-common|dbus-user-session|default-dbus-.*|x11-common|fontconfig-config|fonts-.*|ttf-.*|gsettings-desktop-schemas|dconf-.*|libgtk.*-common|adwaita-icon-theme|hicolor-icon-theme|gtk-update-icon-cache|shared-mime-info|mime-support|media-types|tzdata|ca-certificates|openssl|readline-common|libpam-.*|procps|pcscd|libccid|gcc-12-base|cpp|cpp-12|gcc|gcc-12|g\+\+|g\+\+-12|binutils.*|libgcc-12-dev)$'

cache=${KIOSK_SYSROOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/onecard-kiosk}/$arch
sysroot=$cache/sysroot
stamp=$sysroot/.kiosk-sysroot-stamp
want="v5 $debarch ${seeds[*]} $skip_re"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "make-sysroot: $sysroot is up to date"
  exit 0
fi

# The Debian mirror this machine uses (deb822 .sources or one-line .list), unless overridden.
mirror=${KIOSK_DEBIAN_MIRROR:-}
security=""
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    for uri in $(sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"); do
      case "$uri" in
        */debian-security*) [ -n "$security" ] || security=$uri ;;
        */debian | */debian/) [ -n "$mirror" ] || mirror=${uri%/} ;;
      esac
    done
  done
fi
mirror=${mirror:-http://deb.debian.org/debian}
security=${security:-${mirror%/debian}/debian-security}

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/etc/sources.list.d" \
  "$apt_dir/etc/preferences.d" "$apt_dir/debs"
: >"$apt_dir/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$apt_dir/etc/sources.list" <<SRC
deb [arch=$debarch signed-by=$keyring] $mirror bookworm main
deb [arch=$debarch signed-by=$keyring] $mirror bookworm-updates main
deb [arch=$debarch signed-by=$keyring] $security bookworm-security main
SRC
apt_opts=(
  -o "APT::Architecture=$debarch" -o "APT::Architectures=$debarch"
  -o "Dir::State=$apt_dir" -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir/cache" -o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d" -o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d" -o "APT::Sandbox::User=root"
  -o "Acquire::Languages=none" -o "APT::Get::List-Cleanup=false"
)

echo "make-sysroot: $debarch package lists from $mirror"
# A mirror caught mid-sync answers with an index of the wrong size: try again a little later. When
# only the security suite's index stays broken, build from bookworm and bookworm-updates, and say so.
for attempt in 1 2 3; do
  apt-get "${apt_opts[@]}" -qq update 2>"$apt_dir/update.err" && break
  if [ $attempt -eq 3 ]; then
    if grep -q '^E:' "$apt_dir/update.err" && ! grep '^E:' "$apt_dir/update.err" |
      grep -v -e debian-security -e 'Some index files failed' | grep -q .; then
      echo "make-sysroot: WARNING: the mirror's $debarch index of bookworm-security is broken;" \
        "building from bookworm and bookworm-updates only" >&2
      sed -i '/bookworm-security/d' "$apt_dir/etc/sources.list"
      apt-get "${apt_opts[@]}" -qq update
    else
      cat "$apt_dir/update.err" >&2
      echo "make-sysroot: apt-get update failed" >&2
      exit 1
    fi
  else
    sleep $((attempt * 10))
  fi
done

# The dependency closure: Depends and Pre-Depends only, real packages only.
mapfile -t closure < <(apt-cache "${apt_opts[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${seeds[@]}" |
  grep -E '^[a-z0-9]' | sed 's/:.*//' | sort -u | grep -Ev "$skip_re")
echo "make-sysroot: ${#closure[@]} packages in the closure of ${#seeds[@]} seeds"

# Download what is missing (apt-get download skips nothing by itself, so check the folder first).
(
  cd "$apt_dir/debs"
  need=()
  for p in "${closure[@]}"; do
    compgen -G "${p}_*.deb" >/dev/null || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "make-sysroot: downloading ${#need[@]} packages"
    printf '%s\n' "${need[@]}" | xargs -n 50 apt-get "${apt_opts[@]}" -qq download 2>&1 |
      grep -v 'Download is performed unsandboxed' || true
  fi
)

# Unpack into a fresh folder, then swap it in, so an interrupted run never leaves half a sysroot.
tmp=$cache/sysroot.new
rm -rf "$tmp"
mkdir -p "$tmp"
for p in "${closure[@]}"; do
  deb=$(compgen -G "$apt_dir/debs/${p}_*.deb" | sort | tail -1)
  [ -n "$deb" ] || { echo "make-sysroot: no .deb for $p" >&2; exit 1; }
  dpkg -x "$deb" "$tmp"
  # soname -> package, for the Depends of cross-built .deb files (cmake/Packaging.cmake).
  dpkg-deb -c "$deb" | awk -v p="$p" '{ n = split($6, a, "/"); if (a[n] ~ /^lib.*\.so\.[0-9]+$/) print a[n], p }' \
    >>"$tmp/.kiosk-sonames"
  # soname -> versioned dependency, from the package's shlibs file ("libc 6 libc6 (>= 2.36)"), as
  # dpkg-shlibdeps would take it; both soname forms of a "NAME VERSION" line are recorded.
  dpkg-deb -I "$deb" shlibs 2>/dev/null | awk '$1 != "udeb:" && NF >= 3 {
      name = $1; ver = $2; $1 = ""; $2 = ""; sub(/^ +/, "")
      print name ".so." ver, $0; print name "-" ver ".so", $0 }' >>"$tmp/.kiosk-shlibs" || true
done

# Debian 12 is merged-/usr: /lib and /lib64 are links into /usr (the dynamic loader is named by an
# absolute /lib path inside every executable, and qemu -L resolves it under the sysroot).
for d in lib lib64 bin sbin; do
  if [ -d "$tmp/$d" ] && [ ! -L "$tmp/$d" ]; then
    mkdir -p "$tmp/usr/$d"
    cp -a "$tmp/$d/." "$tmp/usr/$d/"
    rm -rf "${tmp:?}/$d"
  fi
  [ -e "$tmp/$d" ] || ln -s "usr/$d" "$tmp/$d"
done

# BLAS and LAPACK are chosen by update-alternatives in postinst scripts, which dpkg -x does not
# run: link the reference implementations (libblas3, liblapack3) where the sonames are expected.
for alt in blas lapack; do
  for f in "$tmp/usr/lib/$triplet/$alt"/lib*.so.*; do
    [ -e "$f" ] || continue
    [ -e "$tmp/usr/lib/$triplet/$(basename "$f")" ] || ln -s "$alt/$(basename "$f")" "$tmp/usr/lib/$triplet/"
  done
done

# Absolute symlinks point at the host; make them relative so they resolve inside the sysroot.
while IFS= read -r -d '' link; do
  target=$(readlink "$link")
  case "$target" in
    /*) ln -sfn "$(realpath -m -s --relative-to="$(dirname "$link")" "$tmp$target")" "$link" ;;
  esac
done < <(find "$tmp" -type l -lname '/*' -print0)

echo "$want" >"$tmp/.kiosk-sysroot-stamp"
rm -rf "$sysroot"
mv "$tmp" "$sysroot"
echo "make-sysroot: $sysroot ready ($(du -sh "$sysroot" | cut -f1), target $triplet)"
