#!/usr/bin/env bash
# Cost of observing queries: dnsd forwarding to knotd (a) bare, (b) with `prometheus`, (c) with
# `prometheus` and `log` (every query logged to stdout, redirected to a file). Same dnsperf settings;
# reports queries per server CPU-second and each ratio to (a) (issue 5's target: metrics cost <= 5 %).
set -u
DURATION=5 CLIENTS=20 OUTSTANDING=200 DNSD_BIN="" PIN_SERVER="" PIN_CLIENT=""
while getopts "l:c:q:d:s:C:h" opt; do
  case $opt in
    l) DURATION=$OPTARG ;; c) CLIENTS=$OPTARG ;; q) OUTSTANDING=$OPTARG ;; d) DNSD_BIN=$OPTARG ;;
    s) PIN_SERVER=$OPTARG ;; C) PIN_CLIENT=$OPTARG ;;
    *) echo "usage: $0 [-l SECONDS] [-c CLIENTS] [-q OUTSTANDING] [-d DNSD] [-s SERVER_CPUS] [-C CLIENT_CPUS]"; exit 2 ;;
  esac
done
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/tests/shell/lib.sh"
[ -n "$DNSD_BIN" ] || DNSD_BIN=$(find_dnsd_binary "$REPO")
[ -n "$DNSD_BIN" ] && [ -x "$DNSD_BIN" ] || { say "SKIP: dnsd binary not found"; exit 77; }
CLIENT_PIN=()
[ -n "$PIN_CLIENT" ] && CLIENT_PIN=(taskset -c "$PIN_CLIENT")

peers_init
start_knot 1 1
[ -n "$PIN_CLIENT" ] && taskset -pc "$PIN_CLIENT" "$KNOT_PID" >/dev/null
QUERIES="$PEERS_DIR/queries.txt"
for j in 1 2 3; do for i in 1 2 3 4 5; do printf 'svc%d.ns%d-default.svc.cluster.local A\n' "$i" "$j"; done; done > "$QUERIES"
bin=$DNSD_BIN
if [ -n "$PIN_SERVER" ]; then
  bin="$PEERS_DIR/dnsd-pinned"
  printf '#!/bin/sh\nexec taskset -c %s %s "$@"\n' "$PIN_SERVER" "$DNSD_BIN" > "$bin"
  chmod +x "$bin"
fi

declare -A PER_CPU
ROWS=()
run_one() {  # LABEL BODY
  local label=$1 body=$2 log="$PEERS_DIR/run${#ROWS[@]}.dnsperf" cpu0 cpu1 completed cpu
  GOMAXPROCS=1 start_dnsd "$bin" "$body"
  cpu0=$(cpu_seconds "$DNSD_PID")
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$QUERIES" -l "$DURATION" -c "$CLIENTS" \
      -q "$OUTSTANDING" -t 5 > "$log" 2>&1
  cpu1=$(cpu_seconds "$DNSD_PID")
  stop_gracefully "$DNSD_PID" dnsd
  completed=$(awk '/Queries completed:/ { print $3 }' "$log")
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  PER_CPU[$label]=$(awk -v c="$cpu" -v n="$completed" 'BEGIN { printf "%.0f", n / c }')
  ROWS+=("| $label | $(awk '/Queries per second:/ { printf "%.0f", $4 }' "$log") | $completed | $cpu | ${PER_CPU[$label]} |")
}
FWD="forward . 127.0.0.1:$KNOT_PORT"
run_one "forward" "$FWD"
run_one "prometheus + forward" "prometheus 127.0.0.1:$(random_port)
    $FWD"
run_one "prometheus + log + forward" "prometheus 127.0.0.1:$(random_port)
    log
    $FWD"

echo "### Observation cost: udp, ${DURATION}s per run, 1 worker"
echo
echo "| run | queries/s | completed | dnsd CPU (s) | queries per CPU-second |"
echo "|---|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
base=${PER_CPU[forward]}
for label in "prometheus + forward" "prometheus + log + forward"; do
  awk -v a="$base" -v b="${PER_CPU[$label]}" -v l="$label" 'BEGIN { printf "%s: %.1f %% more CPU per query than forward alone.\n", l, (a / b - 1) * 100 }'
done
