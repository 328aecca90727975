#!/usr/bin/env bash
# Live reload under load: knotd upstream, dnsd with `reload 2s 1s` and a rewrite rule, dnsperf sending
# the legacy name the whole time. The rule is changed through SIGUSR1, then through the reload timer,
# then the Corefile is broken. Checks: zero lost queries and all NOERROR; answers switch to the new
# rules; a comment-only change does not reload; a broken Corefile is reported with file:line:column
# and the previous config keeps serving; SIGHUP reloads too; a new port is opened by a reload.
# Usage: reload_test.sh /path/to/dnsd   (exit 0 on success, 77 if knotd or dnsperf is missing)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
command -v dig >/dev/null || die "dig not installed (bind9-dnsutils)"
command -v dnsperf >/dev/null || { say "SKIP: dnsperf not installed"; exit 77; }
command -v curl >/dev/null || die "curl not installed"
peers_init
start_knot

LEGACY=app.marathon.mesos
METRICS_PORT=$(free_port)
READY_PORT=$(free_port)
# corefile TARGET [EXTRA_LINE]: the config with the legacy name mapped to TARGET.
corefile() {
  printf '.:%s {\n    reload 2s 1s\n    rewrite name exact %s %s\n    forward . 127.0.0.1:%s\n    %s\n    prometheus 127.0.0.1:%s\n    ready 127.0.0.1:%s\n}\n' \
    "$DNSD_PORT" "$LEGACY" "$1" "$KNOT_PORT" "${2:-}" "$METRICS_PORT" "$READY_PORT"
}
start_dnsd "$DNSD" "reload 2s 1s
    rewrite name exact $LEGACY svc1.ns1-default.svc.cluster.local
    forward . 127.0.0.1:$KNOT_PORT
    prometheus 127.0.0.1:$METRICS_PORT
    ready 127.0.0.1:$READY_PORT"
CONF="$PEERS_DIR/dnsd/Corefile"

FAILED=0
ok() { say "ok   $1"; }
bad() { say "FAIL $1"; FAILED=1; }
answer() { dig @127.0.0.1 -p "${1:-$DNSD_PORT}" +time=1 +tries=1 +short "${2:-$LEGACY}" A 2>/dev/null | tail -1; }
# wait_answer DESCRIPTION EXPECTED SECONDS [PORT]: the legacy name answers EXPECTED within SECONDS.
wait_answer() {
  local i got=""
  for i in $(seq 1 $(( $3 * 10 ))); do
    got=$(answer "${4:-$DNSD_PORT}")
    [ "$got" == "$2" ] && { ok "$1 (after ~$(( i * 100 )) ms)"; return 0; }
    sleep 0.1
  done
  bad "$1: expected $2, got '${got}'"
}
reloads() { grep -c 'Reloading complete' "$DNSD_STDERR"; }

grep -q 'plugin/reload: Running configuration SHA512 = [0-9a-f]\{128\}' "$DNSD_STDERR" &&
  ok "start-up logs the configuration's SHA512" || bad "start-up logs the configuration's SHA512"
wait_answer "initial rule answers" 10.1.0.1 2

# dnsperf: the legacy name at a bounded rate for the whole test.
printf '%s A\n' "$LEGACY" > "$PEERS_DIR/queries"
dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$PEERS_DIR/queries" -l 14 -Q 2000 -c 4 -t 2 \
  > "$PEERS_DIR/dnsperf.out" 2>&1 &
PERF=$!
sleep 1.5

# 1. SIGUSR1 after a rule change.
corefile svc2.ns2-default.svc.cluster.local > "$CONF"
kill -USR1 "$DNSD_PID"
wait_answer "SIGUSR1 switches to the new rule" 10.2.0.2 2

# 2. The reload timer notices a change by itself (period 2 s +- 0.5 s).
corefile svc3.ns3-default.svc.cluster.local > "$CONF"
wait_answer "the reload timer picks up a changed Corefile" 10.3.0.3 5

# 3. A comment-only change is not a change.
before=$(reloads)
{ corefile svc3.ns3-default.svc.cluster.local; echo "# only a comment"; } > "$CONF"
sleep 3.2
[ "$(reloads)" == "$before" ] && ok "a comment-only change does not reload" || bad "a comment-only change reloaded"

# 4. A broken Corefile: the error names file:line:column, the old config keeps serving.
corefile svc4.ns1-default.svc.cluster.local "no_such_plugin here" > "$CONF"
sleep 3.2
if grep -q "plugin/reload: Corefile changed but reload failed: $CONF:5:5: unknown plugin \"no_such_plugin\"" "$DNSD_STDERR"; then
  ok "a broken Corefile is reported with file:line:column"
else
  bad "a broken Corefile is reported with file:line:column"; tail -5 "$DNSD_STDERR" >&2
fi
kill -USR1 "$DNSD_PID"
sleep 0.5
grep -q "SIGUSR1: $CONF:5:5: unknown plugin" "$DNSD_STDERR" && ok "SIGUSR1 with a broken Corefile reports it" ||
  bad "SIGUSR1 with a broken Corefile reports it"
[ "$(answer)" == 10.3.0.3 ] && ok "the old config keeps serving" || bad "the old config keeps serving: got '$(answer)'"
kill -0 "$DNSD_PID" 2>/dev/null && ok "still running" || bad "still running"

# 5. SIGHUP reloads like SIGUSR1.
corefile svc5.ns1-default.svc.cluster.local > "$CONF"
kill -HUP "$DNSD_PID"
wait_answer "SIGHUP reloads" 10.1.0.5 2

wait "$PERF"
sent=$(awk '/Queries sent:/ { print $3 }' "$PEERS_DIR/dnsperf.out")
lost=$(awk '/Queries lost:/ { print $3 }' "$PEERS_DIR/dnsperf.out")
noerror=$(awk '/Response codes:/ { for (i = 3; i < NF; i += 2) if ($i == "NOERROR") print $(i + 1) }' "$PEERS_DIR/dnsperf.out")
completed=$(awk '/Queries completed:/ { print $3 }' "$PEERS_DIR/dnsperf.out")
if [ -n "$sent" ] && [ "$sent" -gt 10000 ] && [ "$lost" == 0 ] && [ "$noerror" == "$completed" ]; then
  ok "dnsperf during five reloads: $sent sent, $lost lost, $noerror NOERROR"
else
  bad "dnsperf during reloads: sent=$sent lost=$lost completed=$completed NOERROR=$noerror"
  cat "$PEERS_DIR/dnsperf.out" >&2
fi

# Metrics live through reloads: the requests counter covers every query dnsperf sent, the failed
# reloads (timer and SIGUSR1 on the broken file) are counted, one version series remains.
metrics=$(curl -s "http://127.0.0.1:$METRICS_PORT/metrics")
requests=$(printf '%s\n' "$metrics" | awk '/^coredns_dns_requests_total[{ ]/ { n += $NF } END { printf "%d", n }')
[ "${requests:-0}" -ge "${sent:-1}" ] && ok "coredns_dns_requests_total counted across reloads ($requests >= $sent)" ||
  bad "coredns_dns_requests_total counted across reloads ($requests < $sent)"
failed=$(printf '%s\n' "$metrics" | awk '/^coredns_reload_failed_total / { print $2 }')
[ "$failed" == 2 ] && ok "coredns_reload_failed_total 2" || bad "coredns_reload_failed_total: '$failed', want 2"
versions=$(printf '%s\n' "$metrics" | grep -c '^coredns_reload_version_info{hash="sha512",value="[0-9a-f]\{128\}"} 1')
[ "$versions" == 1 ] && ok "one coredns_reload_version_info series" || bad "coredns_reload_version_info series: $versions"

# /ready stays 200 through a reload: the new forward probes its upstream at once.
kill -USR1 "$DNSD_PID"
not_ready=0
for i in $(seq 1 10); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$READY_PORT/ready")
  [ "$code" == 200 ] || not_ready=$(( not_ready + 1 ))
  sleep 0.05
done
[ "$not_ready" -le 2 ] && ok "/ready is 200 right after a reload ($not_ready of 10 samples not)" ||
  bad "/ready after a reload: $not_ready of 10 samples not 200"

# 6. A reload can add a port (and the old one keeps answering).
NEW_PORT=$(free_port)
{ corefile svc5.ns1-default.svc.cluster.local
  printf '.:%s {\n    forward . 127.0.0.1:%s\n}\n' "$NEW_PORT" "$KNOT_PORT"; } > "$CONF"
kill -USR1 "$DNSD_PID"
for i in $(seq 1 20); do
  got=$(answer "$NEW_PORT" svc1.ns1-default.svc.cluster.local)
  [ "$got" == 10.1.0.1 ] && break
  sleep 0.1
done
[ "$got" == 10.1.0.1 ] && ok "the new port answers" || bad "the new port answers: got '$got'"
[ "$(answer)" == 10.1.0.5 ] && ok "the old port still answers" || bad "the old port still answers"

stop_gracefully "$DNSD_PID" dnsd
[ "$FAILED" == 0 ] || { tail -20 "$DNSD_STDERR" >&2; exit 1; }
say "all reload checks passed"
