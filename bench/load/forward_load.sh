#!/usr/bin/env bash
# Forwarding load benchmark: dnsd vs dnsdist 1.7, both forwarding to the same knotd on loopback,
# driven by dnsperf. Prints a markdown table (and writes it to -o FILE) for docs/benchmarks.md.
# See bench/README.md for what is measured and how to read it.
set -u

usage() {
  cat <<USAGE
usage: $0 [options]
  -l SECONDS   dnsperf run time per server (default 10)
  -c CLIENTS   dnsperf clients, i.e. source ports (default 20)
  -q N         dnsperf queries outstanding (default 200)
  -t THREADS   server worker threads, same for both servers (default 1)
  -m MODE      udp or tcp (default udp)
  -d PATH      dnsd binary (default: <repo>/build*/bin/dnsd, first found)
  -s CPUS      pin the server under test with taskset -c CPUS (e.g. 1)
  -C CPUS      pin dnsperf and knotd with taskset -c CPUS (e.g. 0)
  -o FILE      also write the markdown report to FILE
  -n           no p99 (skips dnsperf -v per-query output, which costs client CPU)
  -S LIST      servers to run, comma separated (default dnsd,dnsdist)
  -x           strict: exit 1 if a server was skipped or answered nothing (for CI smoke runs)
USAGE
}

DURATION=10 CLIENTS=20 OUTSTANDING=200 THREADS=1 MODE=udp DNSD_BIN="" PIN_SERVER="" PIN_CLIENT=""
OUT="" WANT_P99=1 SERVERS="dnsd,dnsdist" STRICT=0 PROBLEMS=0
while getopts "l:c:q:t:m:d:s:C:o:nS:xh" opt; do
  case $opt in
    l) DURATION=$OPTARG ;; c) CLIENTS=$OPTARG ;; q) OUTSTANDING=$OPTARG ;; t) THREADS=$OPTARG ;;
    m) MODE=$OPTARG ;; d) DNSD_BIN=$OPTARG ;; s) PIN_SERVER=$OPTARG ;; C) PIN_CLIENT=$OPTARG ;;
    o) OUT=$OPTARG ;; n) WANT_P99=0 ;; S) SERVERS=$OPTARG ;; x) STRICT=1 ;; h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/tests/shell/lib.sh"
for tool in dnsperf dig; do command -v $tool >/dev/null || die "$tool not installed"; done
[ -n "$DNSD_BIN" ] || DNSD_BIN=$(find_dnsd_binary "$REPO")

# Command prefixes for pinning (arrays, not functions: a backgrounded function would make $! the
# pid of a subshell instead of the server's).
SERVER_PIN=() CLIENT_PIN=()
[ -n "$PIN_SERVER" ] && SERVER_PIN=(taskset -c "$PIN_SERVER")
[ -n "$PIN_CLIENT" ] && CLIENT_PIN=(taskset -c "$PIN_CLIENT")


peers_init
# Knot gets the same thread budget as the servers under test, so the upstream is not the bottleneck
# for one of them only.
start_knot "$THREADS" "$THREADS"
[ -n "$PIN_CLIENT" ] && taskset -pc "$PIN_CLIENT" "$KNOT_PID" >/dev/null

QUERIES="$PEERS_DIR/queries.txt"
for j in 1 2 3; do for i in 1 2 3 4 5; do
  n="svc$i.ns$j-default.svc.cluster.local"
  printf '%s A\n%s AAAA\n%s SRV\n%s TXT\n_http._tcp.%s SRV\n' "$n" "$n" "$n" "$n" "$n"
done; done > "$QUERIES"
printf 'nosuch.svc.cluster.local A\nsvc1.ns1-default.svc.cluster.local MX\n' >> "$QUERIES"


start_dnsd_server() {
  [ -n "$DNSD_BIN" ] && [ -x "$DNSD_BIN" ] || { say "dnsd binary not found (build the dnsd target or pass -d)"; return 1; }
  # GOMAXPROCS sets dnsd's worker count, as it does CoreDNS's parallelism.
  GOMAXPROCS=$THREADS start_dnsd_pinned || return 1
  SERVER_PID=$DNSD_PID SERVER_PORT=$DNSD_PORT
}
start_dnsd_pinned() {
  local bin=$DNSD_BIN
  if [ -n "$PIN_SERVER" ]; then
    # lib.sh starts the binary directly; a wrapper that execs taskset keeps the same pid.
    bin="$PEERS_DIR/dnsd-pinned"
    printf '#!/bin/sh\nexec taskset -c %s %s "$@"\n' "$PIN_SERVER" "$DNSD_BIN" > "$bin"
    chmod +x "$bin"
  fi
  start_dnsd "$bin" "forward . 127.0.0.1:$KNOT_PORT"
}

ROWS=()
declare -A QPS_PER_CPU

# run_one NAME: start the server, measure, stop it, append a table row.
run_one() {
  local name=$1 log="$PEERS_DIR/$1.dnsperf" lat="$PEERS_DIR/$1.latency" cpu0 cpu1 verbose=()
  case $name in
    dnsd) start_dnsd_server || { ROWS+=("| dnsd | skipped: binary missing or did not start | | | | | |"); PROBLEMS=1; return; } ;;
    dnsdist) start_dnsdist svc1.ns1-default.svc.cluster.local || { ROWS+=("| dnsdist | skipped: not installed or did not start | | | | | |"); PROBLEMS=1; return; } ;;
  esac
  say "== $name (pid $SERVER_PID, port $SERVER_PORT): dnsperf -m $MODE -l $DURATION -c $CLIENTS -q $OUTSTANDING"
  [ "$WANT_P99" = 1 ] && verbose=(-v)
  cpu0=$(cpu_seconds "$SERVER_PID")
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$SERVER_PORT" -m "$MODE" -d "$QUERIES" -l "$DURATION" \
      -c "$CLIENTS" -q "$OUTSTANDING" -t 5 "${verbose[@]}" 2>&1 |
    awk -v lat="$lat" '/^> / { print $NF > lat; next } { print }' > "$log"
  cpu1=$(cpu_seconds "$SERVER_PID")
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
  local stop_rc=$?
  if [ "$name" = dnsd ] && [ "$stop_rc" -ne 0 ]; then say "dnsd exited $stop_rc on SIGTERM"; PROBLEMS=1; fi

  local completed qps avg p99="n/a" lost cpu per_million per_cpu
  completed=$(awk '/Queries completed:/ { print $3 }' "$log")
  lost=$(awk '/Queries lost:/ { print $3 }' "$log")
  qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$log")
  avg=$(awk '/Average Latency/ { printf "%.3f", $4 * 1000; exit }' "$log")  # first: TCP mode adds connection latency
  if [ -z "$completed" ] || [ "$completed" = 0 ]; then
    cat "$log" >&2
    ROWS+=("| $name | no queries completed | | | | | |")
    PROBLEMS=1
    return
  fi
  if [ "$WANT_P99" = 1 ] && [ -s "$lat" ]; then
    p99=$(sort -g "$lat" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", v[i] * 1000 }')
  fi
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  per_million=$(awk -v c="$cpu" -v n="$completed" 'BEGIN { printf "%.2f", c / (n / 1e6) }')
  per_cpu=$(awk -v c="$cpu" -v n="$completed" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "inf" }')
  QPS_PER_CPU[$name]=$per_cpu
  ROWS+=("| $name | $qps | $avg | $p99 | $lost | $cpu | $per_million |")
}

IFS=, read -r -a SERVER_LIST <<< "$SERVERS"
for s in "${SERVER_LIST[@]}"; do run_one "$s"; done

{
  echo "### Forwarding load: $MODE, ${DURATION}s per server, $THREADS thread(s)"
  echo
  echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ { print $2 }') \`-c $CLIENTS -q $OUTSTANDING\`, upstream knotd $(find_program knotd >/dev/null && knotd --version | awk '{ print $NF }'), $(nproc) CPU(s), $(date -u +%Y-%m-%d)."
  echo "Server pinned to CPUs: ${PIN_SERVER:-no}; dnsperf and knotd pinned to: ${PIN_CLIENT:-no}."
  echo
  echo "| server | queries/s | avg latency (ms) | p99 latency (ms) | lost | server CPU (s) | CPU s per 1M queries |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  if [ -n "${QPS_PER_CPU[dnsd]:-}" ] && [ -n "${QPS_PER_CPU[dnsdist]:-}" ] && [ "${QPS_PER_CPU[dnsdist]}" != inf ]; then
    awk -v a="${QPS_PER_CPU[dnsd]}" -v b="${QPS_PER_CPU[dnsdist]}" \
      'BEGIN { printf "Queries per CPU-second: dnsd %d, dnsdist %d, ratio dnsd/dnsdist **%.2f**.\n", a, b, a / b }'
  else
    echo "Queries per CPU-second:$(for k in "${!QPS_PER_CPU[@]}"; do printf ' %s %s' "$k" "${QPS_PER_CPU[$k]}"; done) (no ratio: one server missing)."
  fi
} | tee "${OUT:-/dev/null}"
if [ "$STRICT" = 1 ] && [ "$PROBLEMS" = 1 ]; then die "a server was skipped or answered nothing"; fi
exit 0
