#!/usr/bin/env bash
# Cache load benchmark: dnsd with `cache` vs dnsdist 1.7 with its packet cache, both in front of the
# same knotd on loopback, driven by the same dnsperf with the same CPU pinning. Measures cache-hit
# throughput per server CPU-second (hot set of 1,000 names, cache warmed first), p99 latency at a fixed
# rate, the miss path (names never repeated), and memory per cached entry. Prints a markdown table
# (and writes it to -o FILE). See bench/README.md.
#
# The zone bench/load/cache_bench.zone was generated with:
#   for n in $(seq 1 1000); do printf 'svc%d.hot IN A 10.%d.%d.1\n' $n $((n / 256)) $((n % 256)); done
set -u

usage() {
  cat <<USAGE
usage: $0 [options]
  -l SECONDS   dnsperf run time per measured phase (default 5; keep it <= 15 on shared machines)
  -c CLIENTS   dnsperf clients, i.e. source ports (default 20)
  -q N         dnsperf queries outstanding (default 200)
  -t THREADS   server worker threads, same for both servers (default 1)
  -m MODE      udp or tcp (default udp)
  -Q QPS       the fixed rate of the p99 phase (default 20000)
  -N ENTRIES   distinct names filled for the memory-per-entry figure (default 50000)
  -d PATH      dnsd binary (default: <repo>/build*/bin/dnsd, first found)
  -s CPUS      pin the server under test with taskset -c CPUS (e.g. 1)
  -C CPUS      pin dnsperf and knotd with taskset -c CPUS (e.g. 0)
  -o FILE      also write the markdown report to FILE
  -S LIST      servers to run, comma separated (default dnsd,dnsdist)
  -x           strict: exit 1 if a server was skipped or answered nothing (for CI smoke runs)
USAGE
}

DURATION=5 CLIENTS=20 OUTSTANDING=200 THREADS=1 MODE=udp RATE=20000 FILL=50000 DNSD_BIN=""
PIN_SERVER="" PIN_CLIENT="" OUT="" SERVERS="dnsd,dnsdist" STRICT=0 PROBLEMS=0
while getopts "l:c:q:t:m:Q:N:d:s:C:o:S:xh" opt; do
  case $opt in
    l) DURATION=$OPTARG ;; c) CLIENTS=$OPTARG ;; q) OUTSTANDING=$OPTARG ;; t) THREADS=$OPTARG ;;
    m) MODE=$OPTARG ;; Q) RATE=$OPTARG ;; N) FILL=$OPTARG ;; d) DNSD_BIN=$OPTARG ;;
    s) PIN_SERVER=$OPTARG ;; C) PIN_CLIENT=$OPTARG ;; o) OUT=$OPTARG ;; S) SERVERS=$OPTARG ;;
    x) STRICT=1 ;; h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH_ZONE="$REPO/bench/load/cache_bench.zone"
. "$REPO/tests/shell/lib.sh"
for tool in dnsperf dig; do command -v $tool >/dev/null || die "$tool not installed"; done
[ -n "$DNSD_BIN" ] || DNSD_BIN=$(find_dnsd_binary "$REPO")
# Both caches hold the hot set, the memory fill and then some (the miss phase evicts, as in real life).
CAPACITY=$(( FILL + 50000 ))

SERVER_PIN=() CLIENT_PIN=()
[ -n "$PIN_SERVER" ] && SERVER_PIN=(taskset -c "$PIN_SERVER")
[ -n "$PIN_CLIENT" ] && CLIENT_PIN=(taskset -c "$PIN_CLIENT")

# start_bench_knot -> KNOT_PORT, KNOT_PID, KNOTC. Serves bench.test. (and svc.cluster.local., which
# lib.sh's readiness probe asks), counting the queries it receives (mod-stats) so that a run shows how
# many queries really reached the upstream.
start_bench_knot() {
  local knotd dir attempt
  knotd=$(find_program knotd) || { say "SKIP: knotd not installed"; exit 77; }
  KNOTC=$(find_program knotc) || { say "SKIP: knotc not installed"; exit 77; }
  dir="$PEERS_DIR/knot"
  mkdir -p "$dir/run" "$dir/storage" "$dir/zones"
  cp "$BENCH_ZONE" "$DNSD_ZONE_DIR/svc.cluster.local.zone" "$dir/zones/"
  for attempt in 1 2 3 4 5; do
    KNOT_PORT=$(random_port)
    port_in_use "$KNOT_PORT" && continue
    cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir/run"
    pidfile: "$dir/run/knot.pid"
    listen: 127.0.0.1@$KNOT_PORT
    udp-max-payload: 1232
    udp-workers: $THREADS
    tcp-workers: $THREADS
    background-workers: 1
database:
    storage: "$dir/storage"
control:
    listen: "$dir/run/knot.sock"
log:
  - target: stderr
    any: warning
mod-stats:
  - id: count
    request-protocol: on
    server-operation: off
    request-bytes: off
    response-bytes: off
    edns-presence: off
    flag-presence: off
    response-code: off
    reply-nodata: off
    query-type: off
    query-size: off
    reply-size: off
template:
  - id: default
    storage: "$dir/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    global-module: mod-stats/count
zone:
  - domain: bench.test.
    file: cache_bench.zone
  - domain: svc.cluster.local.
    file: svc.cluster.local.zone
CONF
    "${CLIENT_PIN[@]}" "$knotd" -c "$dir/knot.conf" 2>"$dir/knot.stderr" &
    KNOT_PID=$!
    PEER_PIDS+=("$KNOT_PID")
    if wait_until_answers "$KNOT_PID" "$KNOT_PORT" svc1.hot.bench.test A; then
      say "knotd (pid $KNOT_PID) serving on 127.0.0.1:$KNOT_PORT"
      return 0
    fi
    kill -KILL "$KNOT_PID" 2>/dev/null; wait "$KNOT_PID" 2>/dev/null
  done
  cat "$dir/knot.stderr" >&2
  die "knotd did not start"
}

# upstream_queries: how many queries knot has received so far (all protocols).
upstream_queries() {
  "$KNOTC" -s "$PEERS_DIR/knot/run/knot.sock" stats mod-stats 2>/dev/null |
    awk -F' = ' '/request-protocol/ { n += $2 } END { print n + 0 }'
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

peers_init
start_bench_knot

HOT="$PEERS_DIR/hot.txt" MISS="$PEERS_DIR/miss.txt" MEM="$PEERS_DIR/mem.txt"
for n in $(seq 1 1000); do echo "svc$n.hot.bench.test A"; done > "$HOT"
# Names that are never repeated: enough for the fastest miss path we expect in $DURATION seconds
# (dnsperf -n 1 stops at the end of the file, so nothing repeats even if a server is faster).
MISS_LINES=$(( DURATION * 250000 ))
awk -v n="$MISS_LINES" -v s="$RANDOM$RANDOM" 'BEGIN { for (i = 1; i <= n; i++) printf "m%d-%s.miss.bench.test A\n", i, s }' > "$MISS"
awk -v n="$FILL" 'BEGIN { for (i = 1; i <= n; i++) printf "e%d.mem.bench.test A\n", i }' > "$MEM"


ROWS=()
declare -A HIT_PER_CPU P99_AT_RATE BYTES_PER_ENTRY

# measure NAME PHASE FILE [dnsperf args...]: one dnsperf run against SERVER_PID/SERVER_PORT; appends
# a table row and sets M_PER_CPU and M_P99.
measure() {
  local name=$1 phase=$2 file=$3 log="$PEERS_DIR/$1.$2.dnsperf" lat="$PEERS_DIR/$1.$2.latency"
  shift 3
  local cpu0 cpu1 up0 up1 completed lost qps avg p99="n/a" cpu per_cpu upstream
  rm -f "$lat"
  up0=$(upstream_queries)
  cpu0=$(cpu_seconds "$SERVER_PID")
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$SERVER_PORT" -m "$MODE" -d "$file" -c "$CLIENTS" \
      -q "$OUTSTANDING" -t 5 "$@" 2>&1 |
    awk -v lat="$lat" '/^> / { print $NF > lat; next } { print }' > "$log"
  cpu1=$(cpu_seconds "$SERVER_PID")
  up1=$(upstream_queries)
  completed=$(awk '/Queries completed:/ { print $3 }' "$log")
  lost=$(awk '/Queries lost:/ { print $3 }' "$log")
  qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$log")
  avg=$(awk '/Average Latency/ { printf "%.3f", $4 * 1000; exit }' "$log")
  M_PER_CPU="" M_P99=""
  if [ -z "$completed" ] || [ "$completed" = 0 ]; then
    cat "$log" >&2
    ROWS+=("| $name | $phase | no queries completed | | | | | | |")
    PROBLEMS=1
    return 1
  fi
  [ -s "$lat" ] && p99=$(sort -g "$lat" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f", v[i] * 1000 }')
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  per_cpu=$(awk -v c="$cpu" -v n="$completed" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "inf" }')
  upstream=$(( up1 - up0 ))
  M_PER_CPU=$per_cpu M_P99=$p99
  ROWS+=("| $name | $phase | $qps | $avg | $p99 | $lost | $cpu | $per_cpu | $upstream |")
}

run_one() {
  local name=$1
  case $name in
    dnsd)
      [ -n "$DNSD_BIN" ] && [ -x "$DNSD_BIN" ] || { ROWS+=("| dnsd | skipped: binary missing | | | | | | | |"); PROBLEMS=1; return; }
      start_dnsd_for_bench || { ROWS+=("| dnsd | skipped: did not start (see stderr) | | | | | | | |"); PROBLEMS=1; return; } ;;
    dnsdist)
      start_dnsdist svc1.hot.bench.test "pc = newPacketCache($CAPACITY, {maxTTL=86400, minTTL=0, temporaryFailureTTL=60, staleTTL=60, dontAge=false, numberOfShards=20})" "getPool(''):setCache(pc)" || { ROWS+=("| dnsdist | skipped: not installed or did not start | | | | | | | |"); PROBLEMS=1; return; } ;;
  esac
  say "== $name (pid $SERVER_PID, port $SERVER_PORT)"
  # Warm: every hot name three times at a modest rate, then the hot set is all hits.
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$SERVER_PORT" -m "$MODE" -d "$HOT" -n 3 -c 4 -q 20 -t 5 >/dev/null 2>&1
  say "   hits, as fast as dnsperf goes (${DURATION}s)"
  measure "$name" "hits" "$HOT" -l "$DURATION" && HIT_PER_CPU[$name]=$M_PER_CPU
  say "   hits at $RATE QPS (${DURATION}s, p99)"
  measure "$name" "hits at $RATE QPS" "$HOT" -l "$DURATION" -Q "$RATE" -v && P99_AT_RATE[$name]=$M_P99
  say "   memory: filling $FILL distinct names"
  local rss0 rss1 up0 up1 filled
  rss0=$(rss_kib "$SERVER_PID"); up0=$(upstream_queries)
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$SERVER_PORT" -m "$MODE" -d "$MEM" -n 1 -Q "$RATE" -c 4 -q 100 -t 5 >/dev/null 2>&1
  sleep 0.5
  rss1=$(rss_kib "$SERVER_PID"); up1=$(upstream_queries)
  filled=$(( up1 - up0 ))  # each distinct name reached the upstream once: one new entry
  if [ "$filled" -gt 0 ]; then
    BYTES_PER_ENTRY[$name]=$(awk -v a="$rss0" -v b="$rss1" -v n="$filled" 'BEGIN { printf "%.0f bytes (RSS %+.1f MiB for %d entries)", (b - a) * 1024 / n, (b - a) / 1024, n }')
  fi
  say "   miss path (${DURATION}s, names never repeated)"
  measure "$name" "misses" "$MISS" -l "$DURATION" -n 1
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
  local stop_rc=$?
  if [ "$name" = dnsd ] && [ "$stop_rc" -ne 0 ]; then say "dnsd exited $stop_rc on SIGTERM"; PROBLEMS=1; fi
}

# dnsd through lib.sh's start_dnsd, which exits the whole script on failure: so first a dry run of
# the Corefile, and dnsdist still runs when dnsd rejects it (e.g. a build without the cache plugin).
start_dnsd_for_bench() {
  local bin=$DNSD_BIN body check
  body="cache {
        success $CAPACITY
    }
    forward . 127.0.0.1:$KNOT_PORT"
  check="$PEERS_DIR/check.Corefile"
  printf '.:%s {\n    %s\n}\n' "$(random_port)" "$body" > "$check"
  # dnsd stops at once on a Corefile it rejects (e.g. before the cache plugin exists); a good one runs.
  timeout 1 "$DNSD_BIN" -conf "$check" >/dev/null 2>"$PEERS_DIR/check.err"
  if [ $? -ne 124 ]; then say "dnsd rejects the bench Corefile: $(cat "$PEERS_DIR/check.err")"; return 1; fi
  if [ -n "$PIN_SERVER" ]; then
    bin="$PEERS_DIR/dnsd-pinned"
    printf '#!/bin/sh\nexec taskset -c %s %s "$@"\n' "$PIN_SERVER" "$DNSD_BIN" > "$bin"
    chmod +x "$bin"
  fi
  GOMAXPROCS=$THREADS start_dnsd "$bin" "$body"
  SERVER_PID=$DNSD_PID SERVER_PORT=$DNSD_PORT
}

IFS=, read -r -a SERVER_LIST <<< "$SERVERS"
for s in "${SERVER_LIST[@]}"; do run_one "$s"; done

{
  echo "### Cache load: $MODE, ${DURATION}s per phase, $THREADS thread(s)"
  echo
  echo "dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ { print $2 }') \`-c $CLIENTS -q $OUTSTANDING\`, upstream knotd $(knotd --version 2>/dev/null | awk '{ print $NF }'), hot set 1000 names (warmed), cache capacity $CAPACITY, $(nproc) CPU(s), $(date -u +%Y-%m-%d)."
  echo "Server pinned to CPUs: ${PIN_SERVER:-no}; dnsperf and knotd pinned to: ${PIN_CLIENT:-no}."
  echo
  echo "| server | phase | queries/s | avg latency (ms) | p99 latency (ms) | lost | server CPU (s) | queries per CPU-second | upstream queries |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  for s in "${SERVER_LIST[@]}"; do
    [ -n "${BYTES_PER_ENTRY[$s]:-}" ] && echo "Memory per cached entry, $s: ${BYTES_PER_ENTRY[$s]}."
  done
  if [ -n "${HIT_PER_CPU[dnsd]:-}" ] && [ -n "${HIT_PER_CPU[dnsdist]:-}" ] && [ "${HIT_PER_CPU[dnsdist]}" != inf ]; then
    awk -v a="${HIT_PER_CPU[dnsd]}" -v b="${HIT_PER_CPU[dnsdist]}" \
      'BEGIN { printf "\nCache hits per CPU-second: dnsd %d, dnsdist %d, ratio dnsd/dnsdist **%.2f**.\n", a, b, a / b }'
  else
    echo
    echo "Cache hits per CPU-second:$(for k in "${!HIT_PER_CPU[@]}"; do printf ' %s %s' "$k" "${HIT_PER_CPU[$k]}"; done) (no ratio: one server missing)."
  fi
  echo "p99 latency at $RATE QPS:$(for k in "${SERVER_LIST[@]}"; do [ -n "${P99_AT_RATE[$k]:-}" ] && printf ' %s %s ms' "$k" "${P99_AT_RATE[$k]}"; done)."
} | tee "${OUT:-/dev/null}"
if [ "$STRICT" = 1 ] && [ "$PROBLEMS" = 1 ]; then die "a server was skipped or answered nothing"; fi
exit 0
