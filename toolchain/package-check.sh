#!/usr/bin/env bash
# Proof that the Debian packages install and start (issue 11). Needs root.
#
#   toolchain/package-check.sh --smoke   (ctest: package_check_smoke, ~1 min)
#     builds the amd64 packages of the native build (cpack in $KIOSK_NATIVE_BUILD, default build/)
#     and checks them without installing: FHS layout, test anchors only in their package,
#     conffiles, Depends computed, lintian without errors, the unit through
#     `systemd-analyze verify` against the unpacked package, the packaged kioskd.conf accepted by
#     the packaged kioskd, and (when build-aarch64/ is configured) the arm64 package's ELF files.
#   toolchain/package-check.sh           (the whole check, ~3-5 min; the first run adds the base root)
#     the smoke checks, then installs the packages into a clean Debian 12 root made by mmdebstrap
#     from Debian's archive (the base tarball is cached in /var/cache/onecard-kiosk, made again
#     when missing or when the packages' Depends change), in private mount and network namespaces
#     (loopback only), and:
#       - starts kioskd exactly as the unit's ExecStart, as user kiosk (chroot + setpriv), with the
#         packaged kioskd.conf plus the technician's lines: the test anchors, the vectors' clock,
#         and a serial scanner that is a pty outside kioskd (toolchain/pty-scanner.py); the vectors'
#         trust package installed by kioskctl as user kiosk;
#       - checks the officer page is the installed officer.html, a scanned legacy card gets its
#         ACCEPT from the real serial driver, and the audit log records it (kioskctl audit verify);
#       - a bad configuration is refused with FILE:LINE (what systemd would show);
#       - upgrades to a rebuilt package of a higher version: store, audit log and the edited
#         conffile kept, the next verdict chains on;
#       - an interrupted upgrade (dpkg -i killed with SIGKILL once its status journal records the
#         new package unpacked or half-configured) leaves store and audit log readable by the next
#         version, and `dpkg --configure -a` finishes it;
#       - remove keeps /var/lib/kiosk and the conffile; purge deletes them.
# Prints one line per check; exits 1 on the first failure.
set -euo pipefail
root_dir=$(cd "$(dirname "$0")/.." && pwd)
native=${KIOSK_NATIVE_BUILD:-$root_dir/build}
cross=$root_dir/build-aarch64
mode=full
[ "${1:-}" = "--smoke" ] && mode=smoke
fail() { echo "package-check: FAIL: $*" >&2; exit 1; }
ok() { echo "package-check: ok: $*"; }
# The package names in the Depends of DEB..., versions dropped, sorted, joined by SEP.
dep_names() {
  local sep=$1
  shift
  for deb in "$@"; do dpkg-deb -f "$deb" Depends; echo ,; done | tr ',' '\n' |
    sed 's/(.*)//; s/ //g' | grep -v '^$' | sort -u | paste -sd"$sep" -
}
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg, chroot, namespaces)"

if [ "${KIOSK_PC_INSIDE:-}" = "" ]; then
scratch=$(mktemp -d /tmp/kiosk-package-check.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

# ---- the packages: the build's version V1, and V2, V3 (the same build, higher versions) ----
[ -f "$native/CPackConfig.cmake" ] || fail "$native is not configured (build it first)"
v1=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$native/CPackConfig.cmake")
[ -n "$v1" ] || fail "no CPACK_PACKAGE_VERSION in $native/CPackConfig.cmake"
build_pkgs() {  # VERSION DIR
  (cd "$native" && cpack -D CPACK_PACKAGE_VERSION="$1" -B "$2" >"$scratch/cpack.log" 2>&1) ||
    { cat "$scratch/cpack.log"; fail "cpack $1"; }
  rm -rf "$2/_CPack_Packages"
}
build_pkgs "$v1" "$scratch/v1"
arch=$(dpkg --print-architecture)
main=$(compgen -G "$scratch/v1/onecard-kiosk_${v1}_$arch.deb") || fail "no onecard-kiosk_${v1}_$arch.deb"
sim=$(compgen -G "$scratch/v1/onecard-kiosk-sim_${v1}_$arch.deb") || fail "no onecard-kiosk-sim package"
anchors=$(compgen -G "$scratch/v1/onecard-kiosk-test-anchors_${v1}_all.deb") || fail "no test-anchors package"
ok "cpack made $(basename "$main"), $(basename "$sim"), $(basename "$anchors")"

contents() { dpkg-deb -c "$1" >"$scratch/contents.txt"; cat "$scratch/contents.txt"; }
for deb in "$scratch"/v1/*.deb; do
  bad=$(contents "$deb" | awk '{print $6}' | sed 's|^\./|/|' |
    grep -Ev '^/(usr/bin/|usr/lib/kiosk/|usr/lib/?$|usr/share/kiosk/|usr/share/doc/onecard-kiosk[a-z-]*/|lib/systemd/system/|etc/kiosk/|usr/?$|usr/bin/?$|usr/share/?$|usr/share/doc/?$|lib/?$|lib/systemd/?$|etc/?$|/?$)' || true)
  [ -z "$bad" ] || fail "$(basename "$deb") has files off the FHS layout: $bad"
  contents "$deb" | grep "usr/share/doc/.*/copyright" >/dev/null || fail "$(basename "$deb") has no copyright file"
done
ok "every file under /usr/bin, /usr/lib/kiosk, /usr/share/kiosk, /usr/share/doc, /lib/systemd/system or /etc/kiosk"
contents "$main" | grep 'test-anchors' >/dev/null && fail "test anchors in $(basename "$main")"
contents "$sim" | grep 'anchors/' | grep -v 'usr/share/kiosk/vectors/anchors/' >/dev/null &&
  fail "anchors in $(basename "$sim") outside the vectors"
contents "$anchors" | grep '\./usr/share/kiosk/test-anchors/root.pub' >/dev/null || fail "no test anchor in $(basename "$anchors")"
ok "test anchors only in $(basename "$anchors"), under /usr/share/kiosk/test-anchors"
for f in usr/bin/kioskd usr/bin/kioskctl usr/lib/kiosk/kiosk-vision.so usr/lib/kiosk/kiosk-commands.so usr/share/kiosk/www/officer.html usr/share/kiosk/gbt2260/areas.csv lib/systemd/system/kioskd.service etc/kiosk/kioskd.conf; do
  contents "$main" | grep "\./$f\$" >/dev/null || fail "$(basename "$main") lacks /$f"
done
for f in usr/bin/kioskd-demo usr/bin/kiosk-sim usr/share/kiosk/vectors/cases.json; do
  contents "$sim" | grep "\./$f\$" >/dev/null || fail "$(basename "$sim") lacks /$f"
done
[ "$(contents "$main" | grep -c '\.service$')" = 1 ] || fail "not exactly one unit"
[ "$(dpkg-deb --ctrl-tarfile "$main" | tar -xO ./conffiles)" = "/etc/kiosk/kioskd.conf" ] || fail "conffiles is not /etc/kiosk/kioskd.conf"
depends=$(dpkg-deb -f "$main" Depends)
[[ $depends == *libsodium* && $depends == *adduser* ]] || fail "Depends not computed: $depends"
ok "$(basename "$main"): kioskd, kioskctl, the screens, one unit, conffile /etc/kiosk/kioskd.conf; Depends: $depends"

lintian --tag-display-limit 0 "$scratch"/v1/*.deb >"$scratch/lintian.txt" 2>&1 || true
if grep -q '^E:' "$scratch/lintian.txt"; then grep '^E:' "$scratch/lintian.txt" >&2; fail "lintian errors"; fi
ok "lintian: no error ($(grep -c '^W:' "$scratch/lintian.txt" || true) warnings)"

dpkg -x "$main" "$scratch/unpacked"
"$scratch/unpacked/usr/bin/kioskd" --help >/dev/null || fail "the packaged kioskd does not run"
"$scratch/unpacked/usr/bin/kioskd" --print-default-config | cmp -s - "$scratch/unpacked/etc/kiosk/kioskd.conf" ||
  fail "the packaged kioskd.conf is not kioskd --print-default-config"
# On this host's systemd, with ExecStart pointed at the unpacked kioskd (the only path that differs).
mkdir -p "$scratch/unit"
sed "s|^ExecStart=/usr/bin/kioskd|ExecStart=$scratch/unpacked/usr/bin/kioskd|" \
  "$scratch/unpacked/lib/systemd/system/kioskd.service" >"$scratch/unit/kioskd.service"
va=$(systemd-analyze verify "$scratch/unit/kioskd.service" 2>&1 || true)
if [ -n "$va" ]; then echo "$va" >&2; fail "systemd-analyze verify kioskd.service"; fi
for k in Type=notify WatchdogSec= ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes \
         ReadWritePaths=/var/lib/kiosk CapabilityBoundingSet= SystemCallFilter= User=kiosk; do
  grep -q "^$k" "$scratch/unpacked/lib/systemd/system/kioskd.service" || fail "the unit lacks $k"
done
ok "systemd-analyze verify: kioskd.service clean; Type=notify, watchdog, hardened, User=kiosk"

if [ -f "$cross/CPackConfig.cmake" ]; then
  (cd "$cross" && cpack -B "$scratch/arm" >"$scratch/cpack-arm.log" 2>&1) || { cat "$scratch/cpack-arm.log"; fail "cpack in $cross"; }
  arm=$(compgen -G "$scratch/arm/onecard-kiosk_*_arm64.deb") || fail "no arm64 package"
  dpkg-deb -x "$arm" "$scratch/arm/x"
  n=0
  while IFS= read -r -d '' f; do
    if [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = "177ELF" ]; then
      readelf -h "$f" | grep -q 'Machine:.*AArch64' || fail "${f#"$scratch/arm/x"} is not an AArch64 ELF file"
      n=$((n + 1))
    fi
  done < <(find "$scratch/arm/x" -type f -print0)
  [ $n -gt 0 ] || fail "no ELF file in $(basename "$arm")"
  # The same packages as the amd64 one (adduser for the maintainer scripts, each library), with
  # the versions of the sysroot's shlibs files where Debian gives one.
  [ "$(dep_names ' ' "$arm")" = "$(dep_names ' ' "$main")" ] ||
    fail "arm64 Depends name other packages than amd64's: $(dep_names ' ' "$arm") vs $(dep_names ' ' "$main")"
  [[ $(dpkg-deb -f "$arm" Depends) == *"libc6 (>= "* ]] || fail "arm64 Depends unversioned: $(dpkg-deb -f "$arm" Depends)"
  ok "$(basename "$arm"): $n ELF file(s), all AArch64; Depends (the amd64 package's names): $(dpkg-deb -f "$arm" Depends)"
fi
[ $mode = smoke ] && { ok "smoke checks passed"; exit 0; }

# ---- the clean Debian 12 root ----
build_pkgs "$(echo "$v1" | awk -F. '{OFS="."; $NF=$NF+1; print}')" "$scratch/v2"
build_pkgs "$(echo "$v1" | awk -F. '{OFS="."; $NF=$NF+2; print}')" "$scratch/v3"
deps=$(dep_names , "$main" "$sim")
cache=/var/cache/onecard-kiosk
base=$cache/bookworm-minbase-$(echo "$deps" | sha256sum | cut -c1-16).tar
if [ ! -f "$base" ] || [ ! -s "$base" ]; then
  rm -rf "$base"
  mkdir -p "$cache"
  echo "package-check: making the base root $base (mmdebstrap, once)"
  t0=$(date +%s)
  rm -rf "$base.partial"
  mmdebstrap --quiet --variant=minbase --format=tar --include="$deps" bookworm "$base.partial" \
    "${KIOSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}" || fail "mmdebstrap"
  mv "$base.partial" "$base"
  ok "base root made in $(( $(date +%s) - t0 )) s"
fi
export KIOSK_PC_INSIDE=1 KIOSK_PC_SCRATCH=$scratch KIOSK_PC_BASE=$base
unshare --mount --net --propagation private "$0" "$@"
exit $?
fi

# ======== inside private mount and network namespaces ========
scratch=$KIOSK_PC_SCRATCH
ip link set lo up
root=$scratch/root
mkdir -p "$root"
t0=$(date +%s)
tar -xf "$KIOSK_PC_BASE" -C "$root"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mkdir -p "$root/pkgs" "$root/run/kiosk"
cp -r "$scratch/v1" "$scratch/v2" "$scratch/v3" "$root/pkgs/"
cleanup_inside() {
  [ -n "${kioskd_pid:-}" ] && kill "$kioskd_pid" 2>/dev/null
  [ -n "${pty_pid:-}" ] && kill "$pty_pid" 2>/dev/null
  wait 2>/dev/null || true
  umount -R "$root/dev" 2>/dev/null || umount -lR "$root/dev" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
}
trap cleanup_inside EXIT
ok "clean Debian 12 root unpacked in $(( $(date +%s) - t0 )) s"
in_root() { chroot "$root" "$@"; }
deb() { local f; f=$(compgen -G "$root/pkgs/$1/$2_*.deb") || fail "no $2 in $1"; echo "${f#"$root"}"; }
as_kiosk() { chroot "$root" setpriv --reuid=kiosk --regid=kiosk --init-groups --inh-caps=-all "$@"; }

in_root dpkg -i "$(deb v1 onecard-kiosk)" "$(deb v1 onecard-kiosk-sim)" \
  "$(deb v1 onecard-kiosk-test-anchors)" >"$scratch/dpkg.log" 2>&1 || { cat "$scratch/dpkg.log"; fail "dpkg -i"; }
in_root getent passwd kiosk >/dev/null || fail "postinst made no user kiosk"
[ "$(in_root stat -c %U:%a /var/lib/kiosk)" = "kiosk:750" ] || fail "/var/lib/kiosk is $(in_root stat -c %U:%a /var/lib/kiosk)"
ok "dpkg -i: installed; user kiosk; /var/lib/kiosk kiosk:750"

# The technician's lines: the test anchors (by hand, loudly: they are public), the vectors' time,
# this counter's jurisdiction, the serial scanner.
cat >>"$root/etc/kiosk/kioskd.conf" <<'EOF'

# package-check: TEST anchors and the vectors' time (never on a counter)
[kiosk]
id = PKG-CHECK-01
jurisdiction = 3101
[data]
anchors = /usr/share/kiosk/test-anchors
[clock]
source = fixed
fixed = 1796000000
[devices]
scanner = /run/kiosk/scanner.tty
EOF
as_kiosk kioskctl trust install --db /var/lib/kiosk/trust.db --anchors /usr/share/kiosk/test-anchors \
  --now 1796000000 /usr/share/kiosk/vectors/trust >"$scratch/trust.log" 2>&1 || { cat "$scratch/trust.log"; fail "kioskctl trust install"; }
ok "the vectors' trust package installed by kioskctl as user kiosk"

python3 "$(dirname "$0")/pty-scanner.py" "$root/run/kiosk/scanner.tty" >"$scratch/pty.log" 2>&1 &
pty_pid=$!
for _ in $(seq 50); do [ -L "$root/run/kiosk/scanner.tty" ] && break; sleep 0.1; done
[ -L "$root/run/kiosk/scanner.tty" ] || fail "pty-scanner made no pty"

exec_start=$(sed -n 's/^ExecStart=//p' "$root/lib/systemd/system/kioskd.service")
start_kioskd() {  # LOG
  (cd "$root/var/lib/kiosk" && exec chroot "$root" setpriv --reuid=kiosk --regid=kiosk --init-groups \
    --inh-caps=-all --no-new-privs $exec_start) >"$1" 2>&1 &
  kioskd_pid=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null http://127.0.0.1:8080/ && return 0
    kill -0 "$kioskd_pid" 2>/dev/null || { cat "$1"; fail "kioskd exited"; }
    sleep 0.2
  done
  cat "$1"; fail "kioskd did not serve http://127.0.0.1:8080/ in 20 s"
}
stop_kioskd() {
  kill -TERM "$kioskd_pid"; wait "$kioskd_pid" || fail "kioskd exited $? on SIGTERM"; kioskd_pid=
}
qr=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([c for c in d["cases"] if c["id"]=="wpcard-valid"][0]["input"]["qr"])' \
  "$root/usr/share/kiosk/vectors/cases.json")
scan_and_wait() {  # N: waits until the audit log has N records
  printf '%s' "$qr" >"$root/run/kiosk/scanner.tty.send"
  for _ in $(seq 100); do
    n=$(as_kiosk kioskctl audit verify --data /var/lib/kiosk 2>/dev/null | sed -n 's/.*(verdicts \([0-9]*\),.*/\1/p' || true)
    [ "${n:-0}" -ge "$1" ] && return 0
    sleep 0.2
  done
  as_kiosk kioskctl audit verify --data /var/lib/kiosk || true
  fail "the audit log has ${n:-0} verdict(s), not $1"
}

start_kioskd "$scratch/kioskd1.log"
grep -q "ExecStart=/usr/bin/kioskd --config /etc/kiosk/kioskd.conf" "$root/lib/systemd/system/kioskd.service" || fail "unexpected ExecStart"
# The console needs a signed-in officer (docs/officer-console.md): one made with kioskctl.
printf 'package-check-pin\n' | as_kiosk kioskctl officer add --db /var/lib/kiosk/trust.db \
  --name checker >/dev/null || fail "kioskctl officer add"
curl -sf -o /dev/null http://127.0.0.1:8080/api/state && fail "GET /api/state without a session: not 401"
curl -sf -c "$scratch/jar" -H 'Content-Type: application/json' \
  -d '{"name": "checker", "password": "package-check-pin"}' -o /dev/null \
  http://127.0.0.1:8080/api/signin || fail "POST /api/signin"
curl -sf -b "$scratch/jar" http://127.0.0.1:8080/ -o "$scratch/officer.html" || fail "GET /"
cmp -s "$scratch/officer.html" "$root/usr/share/kiosk/www/officer.html" || fail "/ is not the installed officer.html"
ok "kioskd started as ExecStart ($exec_start) as user kiosk; / is the installed officer.html"
scan_and_wait 1
state=$(curl -sf -b "$scratch/jar" http://127.0.0.1:8080/api/state) || fail "GET /api/state"
python3 - "$state" <<'EOF' || fail "no scanner ACCEPT on the officer's screen: $state"
import json, sys
s = json.loads(sys.argv[1])
e = s["session"]["entries"]
assert any(x["channel"] == "scanner" and x["outcome"] == "ACCEPT" for x in e), e
EOF
ok "a legacy card scanned on the pty: ACCEPT through the serial driver; the audit log has 1 record, chain verified"

# A bad configuration: refused before serving, FILE:LINE on stderr (the journal under systemd).
cp "$root/etc/kiosk/kioskd.conf" "$root/etc/kiosk/bad.conf"
printf '[ui]\nbind = 0.0.0.0\n' >>"$root/etc/kiosk/bad.conf"
lines=$(wc -l <"$root/etc/kiosk/bad.conf")
set +e
err=$(as_kiosk /usr/bin/kioskd --config /etc/kiosk/bad.conf 2>&1); st=$?
set -e
[ $st -eq 2 ] && grep -q "^kioskd: /etc/kiosk/bad.conf:$lines: unknown key 'bind' in \[ui\]" <<<"$err" || fail "bad config: status $st, $err"
rm "$root/etc/kiosk/bad.conf"
ok "a bad configuration is refused: $err"

# ---- upgrade to a rebuilt package of a higher version ----
stop_kioskd
sum_before=$(sha256sum "$root/etc/kiosk/kioskd.conf" | cut -d' ' -f1)
in_root dpkg -i --force-confold "$(deb v2 onecard-kiosk)" "$(deb v2 onecard-kiosk-sim)" \
  "$(deb v2 onecard-kiosk-test-anchors)" >"$scratch/dpkg2.log" 2>&1 || { cat "$scratch/dpkg2.log"; fail "dpkg -i (upgrade)"; }
v2=$(in_root dpkg-query -W -f='${Version}' onecard-kiosk)
[ "$(sha256sum "$root/etc/kiosk/kioskd.conf" | cut -d' ' -f1)" = "$sum_before" ] || fail "the upgrade changed the edited conffile"
start_kioskd "$scratch/kioskd2.log"
scan_and_wait 2
as_kiosk kioskctl trust show --db /var/lib/kiosk/trust.db >"$scratch/show.txt" 2>&1 || { cat "$scratch/show.txt"; fail "kioskctl trust show after the upgrade"; }
ok "upgraded to $v2: conffile kept, store kept, the audit log chains on (2 records, verified)"

# ---- an upgrade interrupted between unpack and configure: SIGKILL of dpkg ----
# dpkg -i runs in the background while a watcher reads dpkg's status journal
# (/var/lib/dpkg/updates, written at every state change) and sends dpkg SIGKILL the moment the new
# onecard-kiosk is recorded unpacked or half-configured: its files in place, configure not done.
# When dpkg is faster than the watcher (it finished), v2 goes back and the next attempt runs.
stop_kioskd
v3_version=$(dpkg-deb -f "$root$(deb v3 onecard-kiosk)" Version)
killed=""
for attempt in 1 2 3 4 5 6 7 8; do
  chroot "$root" dpkg -i "$(deb v3 onecard-kiosk)" >"$scratch/dpkg3.log" 2>&1 &  # $! is dpkg (chroot execs it)
  dpkg_pid=$!
  killed=$(python3 - "$root/var/lib/dpkg" "$dpkg_pid" "$v3_version" <<'PY'
import os, re, signal, sys, time
dpkg_dir, pid, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
want = re.compile(r"^Package: onecard-kiosk\n(?:.+\n)*?Status: install ok (unpacked|half-configured)\n"
                  r"(?:.+\n)*?Version: " + re.escape(version) + r"$", re.M)
updates = os.path.join(dpkg_dir, "updates")
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        break
    try:
        names = os.listdir(updates)
    except FileNotFoundError:
        names = []
    for n in names:
        try:
            with open(os.path.join(updates, n)) as f:
                m = want.search(f.read())
        except OSError:
            continue
        if m:
            os.kill(pid, signal.SIGKILL)
            print(m.group(1))
            sys.exit(0)
PY
  )
  rc=0
  wait "$dpkg_pid" || rc=$?
  [ -n "$killed" ] && [ "$rc" -eq 137 ] && break
  killed=""
  [ "$rc" -eq 0 ] || { cat "$scratch/dpkg3.log"; fail "dpkg -i of v3 failed ($rc) without the kill"; }
  in_root dpkg -i "$(deb v2 onecard-kiosk)" >"$scratch/dpkg3b.log" 2>&1 || { cat "$scratch/dpkg3b.log"; fail "dpkg -i v2 again"; }
done
[ -n "$killed" ] || fail "dpkg was never caught between unpack and configure in 8 attempts"
status=$(in_root dpkg-query -W -f='${Status}' onecard-kiosk)
case "$status" in
  "install ok unpacked" | "install ok half-configured") ;;
  *) fail "after the SIGKILL the status is '$status'" ;;
esac
ok "dpkg -i of $v3_version killed (SIGKILL) at '$killed' on attempt $attempt"
start_kioskd "$scratch/kioskd3.log"
scan_and_wait 3
stop_kioskd
in_root dpkg --configure -a >"$scratch/dpkg4.log" 2>&1 || { cat "$scratch/dpkg4.log"; fail "dpkg --configure -a"; }
[ "$(in_root dpkg-query -W -f='${Status} ${Version}' onecard-kiosk)" = "install ok installed $(in_root dpkg-query -W -f='${Version}' onecard-kiosk)" ] || fail "not installed after --configure -a"
ok "upgrade killed after unpack ($status): the next version reads store and audit log (3 records), dpkg --configure -a finishes"

# ---- remove, purge ----
in_root dpkg -r onecard-kiosk-sim onecard-kiosk >"$scratch/dpkg5.log" 2>&1 || { cat "$scratch/dpkg5.log"; fail "dpkg -r"; }
[ ! -e "$root/usr/bin/kioskd" ] && [ -s "$root/var/lib/kiosk/audit.db" ] && [ -f "$root/etc/kiosk/kioskd.conf" ] ||
  fail "remove: kioskd should be gone, /var/lib/kiosk and the conffile kept"
in_root dpkg -P onecard-kiosk onecard-kiosk-test-anchors >"$scratch/dpkg6.log" 2>&1 || { cat "$scratch/dpkg6.log"; fail "dpkg -P"; }
[ ! -e "$root/var/lib/kiosk" ] && [ ! -e "$root/etc/kiosk/kioskd.conf" ] || fail "purge left /var/lib/kiosk or the conffile"
ok "remove keeps /var/lib/kiosk and the conffile; purge deletes them"
ok "all checks passed"
