#!/usr/bin/env bash
# Builds and checks the Debian packages of a native build (build/) and of the aarch64 cross build
# (build-aarch64/), both already built:
#   - every package's files lie on the FHS paths of cmake/Packaging.cmake;
#   - the native onecard-kiosk unpacks and its kioskctl runs (`kioskctl --help`);
#   - with --install (root, on a machine where that is allowed): dpkg -i for real, user kiosk and
#     /var/lib/kiosk exist, `kioskctl --help` runs from /usr/bin, then dpkg --purge removes it all
#     (and the user kiosk, when this check created it);
#   - every ELF file of the arm64 package is an AArch64 executable.
# Prints one line per check and exits 1 on the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
native=${KIOSK_NATIVE_BUILD:-$root/build}
cross=$root/build-aarch64
install=0
[ "${1:-}" = "--install" ] && install=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
ok() { echo "package-check: ok: $*"; }

for b in "$native" "$cross"; do
  [ -f "$b/CPackConfig.cmake" ] || fail "$b is not configured (build it first)"
  rm -rf "$b/packages"
  cpack --config "$b/CPackConfig.cmake" -B "$b/packages" >"$scratch/cpack.log" 2>&1 ||
    { cat "$scratch/cpack.log"; fail "cpack in $b"; }
done

arch=$(dpkg --print-architecture)
main=$(compgen -G "$native/packages/onecard-kiosk_*_$arch.deb") || fail "no onecard-kiosk_*_$arch.deb"
anchors=$(compgen -G "$native/packages/onecard-kiosk-test-anchors_*_all.deb") || fail "no test-anchors package"
for deb in "$native"/packages/*.deb "$cross"/packages/*.deb; do
  bad=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' |
    grep -Ev '^/(usr/bin/|usr/share/kiosk/|usr/share/doc/|lib/systemd/system/|etc/kiosk/|usr/?$|usr/bin/?$|usr/share/?$|lib/?$|lib/systemd/?$|etc/?$|/?$)' || true)
  [ -z "$bad" ] || fail "$(basename "$deb") has files off the FHS layout: $bad"
done
ok "every file of every package is under /usr/bin, /usr/share/kiosk, /lib/systemd/system or /etc/kiosk"
dpkg-deb -c "$main" | grep -q '/usr/share/kiosk/test-anchors/' && fail "test anchors in $(basename "$main")"
dpkg-deb -c "$anchors" | grep -q '\./usr/share/kiosk/test-anchors/root.pub' || fail "no test anchor in $(basename "$anchors")"
ok "test anchors only in $(basename "$anchors"), under /usr/share/kiosk/test-anchors"

dpkg -x "$main" "$scratch/root"
"$scratch/root/usr/bin/kioskctl" --help >/dev/null 2>&1 || [ $? -eq 2 ] || fail "kioskctl --help from the unpacked package"
"$scratch/root/usr/bin/kioskctl" --help 2>&1 | grep -q 'kioskctl verify' || fail "kioskctl --help printed no usage"
ok "$(basename "$main") unpacks and its kioskctl runs"
dpkg-deb -I "$main" postinst | grep -q 'adduser --system' || fail "no postinst creating user kiosk"

if [ $install -eq 1 ]; then
  had_user=0
  getent passwd kiosk >/dev/null && had_user=1
  dpkg -i "$main" "$anchors" >/dev/null || fail "dpkg -i"
  getent passwd kiosk >/dev/null || fail "postinst made no user kiosk"
  [ "$(stat -c %U:%a /var/lib/kiosk)" = "kiosk:750" ] || fail "/var/lib/kiosk is $(stat -c %U:%a /var/lib/kiosk)"
  /usr/bin/kioskctl --help 2>&1 | grep -q 'kioskctl verify' || fail "/usr/bin/kioskctl --help"
  [ -f /usr/share/kiosk/test-anchors/root.pub ] || fail "test anchor not installed"
  ok "installed for real: user kiosk, /var/lib/kiosk kiosk:750, /usr/bin/kioskctl --help runs"
  dpkg --purge onecard-kiosk onecard-kiosk-test-anchors >/dev/null || fail "dpkg --purge"
  [ ! -e /usr/bin/kioskctl ] && [ ! -e /var/lib/kiosk ] || fail "files left after purge"
  ok "purged: /usr/bin/kioskctl and /var/lib/kiosk are gone"
  # Debian keeps a package's system user after purge; this check removes the one it made.
  if [ $had_user -eq 0 ]; then userdel kiosk 2>/dev/null || true; groupdel kiosk 2>/dev/null || true; fi
fi

arm=$(compgen -G "$cross/packages/onecard-kiosk_*_arm64.deb") || fail "no arm64 package"
dpkg-deb -f "$arm" Architecture | grep -qx arm64 || fail "$(basename "$arm") is not Architecture: arm64"
dpkg -x "$arm" "$scratch/arm"
n=0
while IFS= read -r -d '' f; do
  if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "177ELF" ]; then
    readelf -h "$f" | grep -q 'Machine:.*AArch64' || fail "${f#"$scratch/arm"} is not an AArch64 ELF file"
    n=$((n + 1))
  fi
done < <(find "$scratch/arm" -type f -print0)
[ $n -gt 0 ] || fail "no ELF file in $(basename "$arm")"
ok "$(basename "$arm"): Architecture arm64, $n ELF file(s), all AArch64; Depends: $(dpkg-deb -f "$arm" Depends)"
