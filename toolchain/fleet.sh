#!/usr/bin/env bash
# A fleet on one machine: nginx (trust distribution), rsyslog with imrelp over TLS (the audit
# collector), Prometheus (metrics and alert rules) and N kioskd processes with simulated devices (a looped
# feed of presentations kiosk-sim issues with its own test PKI). It rolls a new key set out through nginx and
# reads from Prometheus' HTTP API how long until every kiosk runs it, then checks in rsyslog's
# file that every audit record of every kiosk arrived exactly once (or as a recognisable
# duplicate); then kills the collector and one kiosk mid-run, restarts both, and shows that
# nothing was lost. Not part of CI (docs/fleet.md); everything on loopback, in a temp dir.
#
# Usage: toolchain/fleet.sh [-n N] [--build DIR] [--keep] [--short]
#   -n N       kiosks (default 20)
#   --short    shorter pauses (ctest's fleet_smoke: -n 2 --short, under 90 s; label "fleet")
#   --build    the build directory with firmware/kioskd (default ./build)
#   --keep     keep the temp directory (printed) for inspection
set -euo pipefail

N=20
BUILD=build
KEEP=0
SETTLE=5     # seconds of verdicts before the roll-out, and after the restarts
KILL_FOR=10  # seconds the collector and one kiosk stay dead
while [ $# -gt 0 ]; do
  case "$1" in
    -n) N="$2"; shift 2 ;;
    --build) BUILD="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --short) SETTLE=2; KILL_FOR=4; shift ;;
    *) echo "fleet.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
# kioskd-demo: the production kioskd with the simulated inputs (the feed) registered.
KIOSKD="$BUILD/firmware/kioskd-demo/kioskd-demo"
SIM="$BUILD/sim/kiosk-sim"
for tool in "$KIOSKD" "$SIM" /usr/bin/openssl /usr/sbin/nginx /usr/sbin/rsyslogd /usr/bin/prometheus /usr/bin/curl python3; do
  command -v "$tool" >/dev/null || { echo "fleet.sh: $tool missing (toolchain/install-deps.sh; build kioskd)" >&2; exit 2; }
done

T=$(mktemp -d /tmp/kiosk-fleet.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$KEEP" = 1 ]; then echo "fleet.sh: kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
wait_for() {  # wait_for SECONDS CMD...: until CMD succeeds
  local limit=$1; shift
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$end" ] || return 1
    sleep 0.2
  done
}
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"

# --- the issuing authority: kiosk-sim's test PKI -----------------------------------------------
# The kiosks' clock is fixed at NOW (the presentations stay fresh while the feed loops); the key
# set's seq is the time kiosk-sim made it for: SEQ1 first, then SEQ2 rolled out (the same seed:
# the same anchor and issuer keys).
NOW=1796000000
SEQ1=$NOW
SEQ2=$((NOW + 60))
"$SIM" keys --out "$T/pki-sim" --now "$SEQ1" --seed 16 2>"$T/kiosk-sim.log"
"$SIM" keys --out "$T/pki-sim2" --now "$SEQ2" --seed 16 2>>"$T/kiosk-sim.log"
diff -r "$T/pki-sim/anchors" "$T/pki-sim2/anchors" >/dev/null ||
  { echo "fleet.sh: kiosk-sim made another anchor for the roll-out"; exit 1; }
# Each kiosk plays kiosk-sim's presentations (every channel: camera, scanner, card; accepted,
# rejected and for review), looped, one a second, with a one-second session so that each loop is
# verdicts again.
"$SIM" feed --keys "$T/pki-sim" --now "$NOW" --seed 16 --gap 1000 --out "$T/feed" 2>>"$T/kiosk-sim.log"

# --- nginx: the trust package directory -----------------------------------------------------
NGINX_PORT=$(free_port)
mkdir -p "$T/www/trust/status" "$T/nginx/tmp"
cp "$T/pki-sim/trust/keyset.cose" "$T/www/trust/keyset.cose"
cp "$T/pki-sim/trust/status/"*.cose "$T/www/trust/status/"
( echo keyset.cose; cd "$T/www/trust" && ls status/*.cose ) > "$T/www/trust/manifest"
touch -d '-1 minute' "$T/www/trust/keyset.cose" "$T/www/trust/manifest" "$T/www/trust/status/"*
cat > "$T/nginx/nginx.conf" <<EOF
$user_line
worker_processes 1;
daemon off;
error_log $T/nginx/error.log;
pid $T/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  log_format fleet '\$remote_addr \$request \$status \$body_bytes_sent';
  access_log $T/nginx/access.log fleet;
  client_body_temp_path $T/nginx/tmp; proxy_temp_path $T/nginx/tmp;
  fastcgi_temp_path $T/nginx/tmp; uwsgi_temp_path $T/nginx/tmp; scgi_temp_path $T/nginx/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $T/www; }
}
EOF
/usr/sbin/nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" & PIDS+=($!)

# --- rsyslog: the collector (imrelp over TLS, direct queue: in the file before the ack) -------
# The province's log CA (made here with the openssl CLI) signs the collector's certificate
# (127.0.0.1) and one client certificate the kiosks present (imrelp tls.authMode certvalid).
RELP_PORT=$(free_port)
mkdir -p "$T/rsyslog/work" "$T/pki"
(
  cd "$T/pki"
  key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"; }
  key ca && openssl req -x509 -new -key ca.key -out ca.pem -days 2 -subj "/CN=Fleet Log CA"
  for leaf in collector:serverAuth:IP:127.0.0.1 kiosk:clientAuth:DNS:kiosk; do
    IFS=: read -r name usage san_kind san <<<"$leaf"
    key "$name" && openssl req -new -key "$name.key" -out "$name.csr" -subj "/CN=$san"
    printf 'subjectAltName=%s:%s\nextendedKeyUsage=%s\n' "$san_kind" "$san" "$usage" >"$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile "$name.ext" -out "$name.pem"
  done
) >"$T/pki/openssl.log" 2>&1 || { echo "fleet.sh: openssl could not make the test PKI"; cat "$T/pki/openssl.log"; exit 1; }
cat > "$T/rsyslog/rsyslog.conf" <<EOF
global(workDirectory="$T/rsyslog/work")
main_queue(queue.type="Direct")
module(load="imrelp" tls.tlslib="openssl")
input(type="imrelp" address="127.0.0.1" port="$RELP_PORT" tls="on" tls.caCert="$T/pki/ca.pem"
      tls.myCert="$T/pki/collector.pem" tls.myPrivKey="$T/pki/collector.key" tls.authMode="certvalid")
action(type="omfile" file="$T/rsyslog/audit.log" template="RSYSLOG_SyslogProtocol23Format")
EOF
start_rsyslog() {
  rm -f "$T/rsyslog/rsyslog.pid"
  /usr/sbin/rsyslogd -n -f "$T/rsyslog/rsyslog.conf" -i "$T/rsyslog/rsyslog.pid" \
    >>"$T/rsyslog/out.log" 2>&1 &
  RSYSLOG_PID=$!
  PIDS+=($RSYSLOG_PID)
}
start_rsyslog

# --- the kiosks ------------------------------------------------------------------------------
declare -a UI_PORT METRICS_PORT KPID
start_kiosk() {
  local i=$1 d="$T/kiosk$1"
  "$KIOSKD" --config "$d/kioskd.conf" --no-demo --ready-file "$d/ready" >"$d/stdout" 2>>"$d/stderr" &
  KPID[$i]=$!
  PIDS+=(${KPID[$i]})
}
for i in $(seq 1 "$N"); do
  d="$T/kiosk$i"
  mkdir -p "$d/data"
  UI_PORT[$i]=$(free_port)
  METRICS_PORT[$i]=$(free_port)
  cat > "$d/kioskd.conf" <<EOF
[kiosk]
id = FLEET-$(printf %03d "$i")
jurisdiction = 3101
session_timeout = 1
[ui]
listen = 127.0.0.1
port = ${UI_PORT[$i]}
www = $ROOT/firmware/kioskd/www
[data]
dir = $d/data
anchors = $T/pki-sim/anchors
[trust]
url = http://127.0.0.1:$NGINX_PORT/trust
url_interval = 10
[metrics]
port = ${METRICS_PORT[$i]}
[syslog]
relp = 127.0.0.1:$RELP_PORT
ca_file = $T/pki/ca.pem
client_cert = $T/pki/kiosk.pem
client_key = $T/pki/kiosk.key
[clock]
source = fixed
fixed = $NOW
[devices]
feed = $T/feed
feed_loop = yes
EOF
  start_kiosk "$i"
done
for i in $(seq 1 "$N"); do
  wait_for 30 test -s "$T/kiosk$i/ready" || { echo "fleet.sh: kiosk $i did not start"; cat "$T/kiosk$i/stderr"; exit 1; }
done
echo "fleet.sh: $N kiosks, nginx :$NGINX_PORT, rsyslog imrelp over TLS :$RELP_PORT ($T)"

# --- Prometheus ------------------------------------------------------------------------------
PROM_PORT=$(free_port)
mkdir -p "$T/prometheus"
cp "$ROOT/ops/prometheus/kiosk-alerts.yml" "$T/prometheus/"
{
  echo "global: {scrape_interval: 1s, evaluation_interval: 5s}"
  echo "rule_files: [kiosk-alerts.yml]"
  echo "scrape_configs:"
  echo "  - job_name: onecard-kiosk"
  echo "    static_configs:"
  echo "      - targets:"
  for i in $(seq 1 "$N"); do echo "        - 127.0.0.1:${METRICS_PORT[$i]}"; done
} > "$T/prometheus/prometheus.yml"
/usr/bin/prometheus --config.file="$T/prometheus/prometheus.yml" \
  --storage.tsdb.path="$T/prometheus/data" --web.listen-address="127.0.0.1:$PROM_PORT" \
  >"$T/prometheus/out.log" 2>&1 & PIDS+=($!)
query() {  # query PROMQL: the first value, or empty
  curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
seq_count() { [ "$(query "count(kiosk_trust_bundle_seq == $1)")" = "$N" ]; }
wait_for 60 seq_count "$SEQ1" || { echo "fleet.sh: not every kiosk installed seq $SEQ1 from nginx"; exit 1; }
echo "fleet.sh: every kiosk runs key set seq $SEQ1 (from nginx); verdicts flowing"
sleep "$SETTLE"

# --- roll-out of seq SEQ2 through nginx ------------------------------------------------------
cp "$T/pki-sim2/trust/keyset.cose" "$T/www/trust/keyset.cose.new"
touch -d '-5 seconds' "$T/www/trust/keyset.cose.new"
mv "$T/www/trust/keyset.cose.new" "$T/www/trust/keyset.cose"
t0=$(now)
wait_for 120 seq_count "$SEQ2" || { echo "fleet.sh: roll-out incomplete after 120 s"; exit 1; }
t1=$(now)
ROLLOUT=$(python3 -c "print(f'{$t1-$t0:.1f}')")
echo "fleet.sh: roll-out: all $N kiosks on seq $SEQ2 after $ROLLOUT s (Prometheus: count(kiosk_trust_bundle_seq == $SEQ2))"

for i in $(seq 1 "$N"); do ps -o rss= -p "${KPID[$i]}"; done > "$T/rss.txt"
# The verdicts so far, by outcome (Prometheus), against the feed's own expectations (its comments):
# kiosk-sim's presentations must verify against the trust nginx served, not merely be counted.
outcome_count() { query "sum(kiosk_verdicts_total{outcome=\"$1\"})"; }
VERDICTS=""
for o in ACCEPT REJECT REVIEW; do
  got=$(outcome_count "$o")
  want=$(grep -c "^# [a-z]* [a-z0-9-]*: $o " "$T/feed" || true)
  VERDICTS="$VERDICTS $o ${got:-0} (feed: $want per loop)"
  [ "${got:-0}" != 0 ] || { echo "fleet.sh: no $o verdict from kiosk-sim's feed:$VERDICTS"; exit 1; }
done
echo "fleet.sh: verdicts by outcome:$VERDICTS"

# --- the collector and one kiosk killed mid-run ------------------------------------------------
VICTIM=$(( (N + 1) / 2 ))
kill -9 "$RSYSLOG_PID"
kill -9 "${KPID[$VICTIM]}"
echo "fleet.sh: killed the collector and kiosk $VICTIM (SIGKILL); verdicts go on for $KILL_FOR s"
sleep "$KILL_FOR"
start_rsyslog
start_kiosk "$VICTIM"
wait_for 30 test -s "$T/kiosk$VICTIM/ready"
sleep "$SETTLE"
# Stop the feeds' effect: stop every kiosk cleanly, then compare what was sent with the log.
for i in $(seq 1 "$N"); do kill -TERM "${KPID[$i]}" 2>/dev/null || true; done
for i in $(seq 1 "$N"); do wait "${KPID[$i]}" 2>/dev/null || true; done
# Restart them without feeds to drain what is left to forward.
for i in $(seq 1 "$N"); do sed -i '/^feed/d' "$T/kiosk$i/kioskd.conf"; rm -f "$T/kiosk$i/ready"; start_kiosk "$i"; done
drained() {
  for i in $(seq 1 "$N"); do
    local cur last
    cur=$(awk '{print $1+0}' "$T/kiosk$i/data/audit-forward.cursor" 2>/dev/null || echo 0)
    last=$(curl -sf "http://127.0.0.1:${METRICS_PORT[$i]}/metrics" | awk '$1=="kiosk_audit_last_seq"{print $2}')
    [ -n "$last" ] && [ "$cur" -ge "$last" ] || return 1
  done
}
wait_for 120 drained || { echo "fleet.sh: not every kiosk drained its queue in 120 s"; exit 1; }

# --- the figures -------------------------------------------------------------------------------
for i in $(seq 1 "$N"); do
  echo "FLEET-$(printf %03d "$i") $(curl -sf "http://127.0.0.1:${METRICS_PORT[$i]}/metrics" |
    awk '$1=="kiosk_audit_last_seq"{print $2}') $(sed -n "${i}p" "$T/rss.txt") $(awk '{print $2+0}' "$T/kiosk$i/data/audit-forward.cursor")"
done > "$T/kiosks.txt"
python3 - "$T/kiosks.txt" "$T/rsyslog/audit.log" "$T/nginx/access.log" "$ROLLOUT" "$N" "$SEQ1 -> $SEQ2" <<'EOF'
import re, sys, collections
kiosks = {}
seal_acked = {}
for line in open(sys.argv[1]):
    k, last, rss, seal_id = line.split()
    kiosks[k] = (int(last), int(rss))
    seal_acked[k] = int(seal_id)
seen = collections.defaultdict(collections.Counter)
seals = collections.defaultdict(collections.Counter)
versions = collections.defaultdict(set)  # a duplicate must be the same message again
unparsed = 0
size = 0
for line in open(sys.argv[2], errors="replace"):
    size += len(line)
    m = re.search(r' kioskd - audit \[audit@32473 kiosk="([^"]+)" seq="(\d+)" hash="([0-9a-f]{64})"\] (.*)$', line)
    if m:
        seen[m.group(1)][int(m.group(2))] += 1
        versions[(m.group(1), "r", int(m.group(2)))].add((m.group(3), m.group(4)))
        continue
    m = re.search(r' kioskd - seal \[audit@32473 kiosk="([^"]+)" seq="\d+" seal="(\d+)" kind="[a-z]+"\] (\{"audit_seal".*)$', line)
    if m:
        seals[m.group(1)][int(m.group(2))] += 1
        versions[(m.group(1), "s", int(m.group(2)))].add(m.group(3))
        continue
    if " kioskd " in line:
        unparsed += 1  # a kiosk's message without its kiosk id and seq: not recognisable
def tally(expected, arrived, what):
    """Per kiosk, ids 1..expected[kiosk] must have arrived: (expected, lost, duplicates)."""
    total = lost = dups = 0
    for k, last in expected.items():
        got = arrived[k]
        missing = [i for i in range(1, last + 1) if got[i] == 0]
        lost += len(missing)
        dups += sum(c - 1 for c in got.values() if c > 1)
        total += last
        if missing:
            print(f"  {k}: {len(missing)} {what} missing, first {missing[:5]}")
    return total, lost, dups
total, lost, dups = tally({k: last for k, (last, _) in kiosks.items()}, seen, "records")
seal_total, seal_lost, seal_dups = tally(seal_acked, seals, "seals/checkpoints")
req = collections.Counter()
for line in open(sys.argv[3]):
    parts = line.split()
    if len(parts) >= 5:
        req[parts[4]] += 1
rss = sorted(r for _, r in kiosks.values())
n = int(sys.argv[5])
print(f"fleet.sh: figures for {n} kiosks")
print(f"  roll-out seq {sys.argv[6]} through nginx: {sys.argv[4]} s until every kiosk ran it (Prometheus)")
print(f"  audit records: {total} recorded, {total - lost} in rsyslog's file, {lost} lost, {dups} duplicates (by kiosk id + seq)")
print(f"  seals and signed checkpoints: {seal_total} acknowledged, {seal_total - seal_lost} in rsyslog's file, {seal_lost} lost, {seal_dups} duplicates (by kiosk id + seal id)")
msgs = sum(sum(c.values()) for c in seen.values()) + sum(sum(c.values()) for c in seals.values())
print(f"  syslog volume: {size} bytes in {msgs} messages ({size // max(1, msgs)} bytes each)")
print(f"  nginx: {sum(req.values())} requests, by status {dict(req)}")
print(f"  memory per kiosk (RSS while serving): median {rss[len(rss)//2]//1024} MiB, max {rss[-1]//1024} MiB")
conflicts = sum(1 for v in versions.values() if len(v) > 1)
print(f"  unrecognisable: {conflicts} kiosk id + seq with differing contents, {unparsed} kiosk messages without kiosk id + seq")
sys.exit(1 if lost or seal_lost or conflicts or unparsed else 0)
EOF
echo "fleet.sh: series in Prometheus: $(query 'count({job="onecard-kiosk"})') ($(query 'count({job="onecard-kiosk"}) / count(up{job="onecard-kiosk"})') per kiosk)"
