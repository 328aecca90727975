#!/usr/bin/env bash
# A real Prometheus scrapes dnsd (1 s interval) while dnsperf loads it for ~16 s (UDP with the DO
# bit, TCP, a zone whose upstream is dead), then every PromQL query of the CoreDNS dashboards and
# alert rules in tests/prometheus/*.tsv is evaluated through Prometheus's HTTP API: a panel query
# must return at least one series, an alert expression must evaluate (and its series exist).
# Prints a table of query -> series count. Everything listens on 127.0.0.1 only.
# Usage: prometheus_dashboard_test.sh /path/to/dnsd   (exit 0 on success, 77 if a tool is missing)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
[ -x "$DNSD" ] || die "dnsd binary not found at $DNSD"
for tool in prometheus dnsperf curl jq dig; do
  command -v "$tool" >/dev/null || { say "SKIP: $tool not installed"; exit 77; }
done
QUERIES_DIR=$(cd "$DNSD_SHELL_DIR/../prometheus" && pwd)
LOAD_SECONDS=${LOAD_SECONDS:-16}
JOB=dnsd

peers_init
start_knot

# dnsd: the cluster zone through cache and forward; dead.test. forwards to a port nobody listens
# on (connection refused: SERVFAIL, health-check failures, every upstream down).
METRICS_PORT=$(free_port)
DEAD_PORT=$(free_port)
COREFILE=$(cat <<CONF
.:@PORT@ {
    errors
    cache 30
    prometheus 127.0.0.1:$METRICS_PORT
    forward . 127.0.0.1:$KNOT_PORT
}
dead.test.:@PORT@ {
    errors {
        consolidate 5s ".* connection refused\$"
    }
    prometheus 127.0.0.1:$METRICS_PORT
    forward . 127.0.0.1:$DEAD_PORT {
        max_fails 1
        health_check 0.5s
    }
}
CONF
)

start_prometheus() {
  local dir="$PEERS_DIR/prometheus" i
  mkdir -p "$dir/data"
  PROM_PORT=$(free_port)
  cat > "$dir/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: $JOB
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
CONF
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"$dir/log" 2>&1 &
  PROM_PID=$!
  PEER_PIDS+=("$PROM_PID")
  for i in $(seq 1 100); do
    kill -0 "$PROM_PID" 2>/dev/null || break
    curl -sf "http://127.0.0.1:$PROM_PORT/-/ready" >/dev/null && { say "prometheus (pid $PROM_PID) on 127.0.0.1:$PROM_PORT"; return 0; }
    sleep 0.2
  done
  cat "$dir/log" >&2
  die "prometheus did not become ready"
}

start_dnsd_corefile "$DNSD" "$COREFILE"
say "metrics on 127.0.0.1:$METRICS_PORT"
start_prometheus

# Load: UDP with the DO bit set (A, AAAA, SRV, TXT, MX, a missing name, the dead zone) and TCP.
QUERYFILE="$PEERS_DIR/queries.txt"
{
  for i in 1 2 3 4 5; do
    for j in 1 2 3; do
      printf 'svc%s.ns%s-default.svc.cluster.local A\nsvc%s.ns%s-default.svc.cluster.local AAAA\n' "$i" "$j" "$i" "$j"
    done
  done
  printf 'svc1.ns2-default.svc.cluster.local SRV\nsvc2.ns2-default.svc.cluster.local TXT\n'
  printf 'svc3.ns3-default.svc.cluster.local MX\nnosuch.svc.cluster.local A\ndead.test A\n'
} > "$QUERYFILE"
say "load: ${LOAD_SECONDS}s of dnsperf (UDP 300 q/s with DO, TCP 50 q/s)"
dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$QUERYFILE" -l "$LOAD_SECONDS" -Q 300 -c 4 -D -t 2 \
  >"$PEERS_DIR/dnsperf-udp.log" 2>&1 &
UDP_LOAD=$!
dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$QUERYFILE" -l "$LOAD_SECONDS" -Q 50 -c 2 -m tcp -t 2 \
  >"$PEERS_DIR/dnsperf-tcp.log" 2>&1 &
TCP_LOAD=$!
wait "$UDP_LOAD" || { cat "$PEERS_DIR/dnsperf-udp.log" >&2; die "dnsperf (udp) failed"; }
wait "$TCP_LOAD" || { cat "$PEERS_DIR/dnsperf-tcp.log" >&2; die "dnsperf (tcp) failed"; }
sleep 2  # the last scrapes

target_health=$(curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/targets" | jq -r '.data.activeTargets[0].health')
[ "$target_health" = up ] || die "prometheus does not see dnsd as up (target health: $target_health)"

FAILED=0
# query EXPR -> prints "STATUS COUNT" (COUNT of series in the instant vector, or 1 for a scalar)
query() {
  curl -sf --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" |
    jq -r '.status + " " + (if (.data.result | type) == "array" then (.data.result | length) else 1 end | tostring)'
}

printf '\n%-8s %-9s %-10s %s\n' "series" "want" "verdict" "query" >&2
for file in "$QUERIES_DIR"/dashboard_12539.tsv "$QUERIES_DIR"/dashboard_coredns_mixin.tsv \
            "$QUERIES_DIR"/alerts_coredns_mixin.tsv; do
  printf -- '--- %s\n' "$(basename "$file")" >&2
  while IFS=$'\t' read -r expect title expr; do
    case "$expect" in ''|'#'*) continue ;; esac
    expr=${expr//'$job'/$JOB}
    expr=${expr//'$cluster'/.*}
    expr=${expr//'$instance'/.*}
    result=$(query "$expr")
    status=${result%% *} count=${result##* }
    verdict=ok
    if [ "$status" != success ]; then
      verdict=ERROR count=-
    else
      case "$expect" in
        series) [ "$count" -ge 1 ] || verdict=EMPTY ;;
        none) [ "$count" -eq 0 ] || verdict=UNEXPECTED ;;
        evaluates) ;;
        *) verdict="BAD-EXPECT" ;;
      esac
    fi
    [ "$verdict" = ok ] || FAILED=1
    printf '%-8s %-9s %-10s %s\n' "$count" "$expect" "$verdict" "$title" >&2
    [ "$verdict" = ok ] || say "         $expr"
  done < "$file"
done

# errors through the same run: the dead zone's errors carry forward's cause ("read udp
# 127.0.0.1:PORT->127.0.0.1:DEAD: read: connection refused"), so the consolidate pattern counts them.
if grep -qF "errors like '.* connection refused\$' occurred in last 5s" "$PEERS_DIR/dnsd/stdout"; then
  say "ok   errors' consolidate pattern counted the dead upstream's failures"
else
  say "FAIL no consolidated errors line for the dead upstream"; head -5 "$PEERS_DIR/dnsd/stdout" >&2; FAILED=1
fi

stop_gracefully "$DNSD_PID" dnsd
if [ "$FAILED" -ne 0 ]; then
  say "--- dnsd stderr ---"; tail -20 "$DNSD_STDERR" >&2
  die "some dashboard or alert queries did not find their series"
fi
say "PASS: prometheus dashboard test"
