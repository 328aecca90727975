#!/usr/bin/env bash
# Soak: one dnsd (cache + rewrite + forward + prometheus + log) under mixed dnsperf load for a long
# run — cache hits, misses that churn and evict the cache, rewritten legacy names, a TCP stream — at
# a moderate fixed rate, recording the daemon's RSS (VmRSS) every second. RSS must stay flat after
# warm-up: exit 1 if it grew by more than the bound. Writes rss.csv, rss.svg and summary.md to the
# output directory. See docs/soak.md.
set -u

usage() {
  cat <<USAGE
usage: $0 [options]
  -l SECONDS   load duration (default 600)
  -w SECONDS   warm-up: RSS growth is measured from here (default 60)
  -Q QPS       total offered rate, split 50% hits, 20% misses, 20% rewrites, 10% TCP (default 12000)
  -g PERCENT   fail if RSS at the end exceeds RSS after warm-up by more than this (default 10)
  -t THREADS   dnsd worker threads (GOMAXPROCS; default: dnsd's own default)
  -o DIR       output directory (default: a new /tmp/dnsd-soak.XXXXXX, kept)
  -d PATH      dnsd binary (default: <repo>/build*/bin/dnsd, first found)
USAGE
}

DURATION=600 WARMUP=60 RATE=12000 BOUND=10 THREADS="" OUTDIR="" DNSD_BIN=""
while getopts "l:w:Q:g:t:o:d:h" opt; do
  case $opt in
    l) DURATION=$OPTARG ;; w) WARMUP=$OPTARG ;; Q) RATE=$OPTARG ;; g) BOUND=$OPTARG ;;
    t) THREADS=$OPTARG ;; o) OUTDIR=$OPTARG ;; d) DNSD_BIN=$OPTARG ;; h) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[ "$WARMUP" -lt "$DURATION" ] || { echo "-w $WARMUP must be below -l $DURATION" >&2; exit 2; }

REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/tests/shell/lib.sh"
for tool in dnsperf dig curl python3; do command -v $tool >/dev/null || { say "SKIP: $tool not installed"; exit 77; }; done
[ -n "$DNSD_BIN" ] || DNSD_BIN=$(find_dnsd_binary "$REPO")
[ -n "$DNSD_BIN" ] && [ -x "$DNSD_BIN" ] || { say "SKIP: dnsd binary not found (build the dnsd target or pass -d)"; exit 77; }
[ -n "$OUTDIR" ] || OUTDIR=$(mktemp -d "${TMPDIR:-/tmp}/dnsd-soak.XXXXXX")
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)

peers_init

# A wildcard zone: every name has an answer, so misses are real positive answers the cache stores.
ZONE="$PEERS_DIR/soak.test.zone"
cat > "$ZONE" <<'ZONE'
$ORIGIN soak.test.
$TTL 30
@  60 IN SOA ns hostmaster 1 7200 1800 86400 30
@     IN NS  ns
ns    IN A   192.0.2.53
*     IN A   192.0.2.1
*     IN AAAA 2001:db8::1
ZONE
start_knot 1 1 "$ZONE"

# Query files. Hits: 1000 names asked over and over (TTL 30: each is refetched every 30 s).
# Misses: 400,000 distinct names, more than the cache holds, so it evicts all the time.
# Rewrites: the legacy DC/OS names of docs/rewrite.md (regex and suffix rules) for the zone's 15
# services, plus distinct legacy names rewritten into the wildcard zone (rewrite, then a miss).
Q="$PEERS_DIR/queries"
mkdir -p "$Q"
awk 'BEGIN { for (i = 1; i <= 1000; i++) printf "h%d.hot.soak.test %s\n", i, (i % 4 ? "A" : "AAAA") }' > "$Q/hits"
awk -v s="$RANDOM" 'BEGIN { for (i = 1; i <= 400000; i++) printf "m%d-%s.miss.soak.test A\n", i, s }' > "$Q/misses"
for j in 1 2 3; do for i in 1 2 3 4 5; do for t in A AAAA SRV TXT; do
  echo "svc$i.ns$j.marathon.mesos $t"
  echo "svc$i.ns$j-default.l4lb.thisdcos.directory $t"
done; done; done > "$Q/legacy"
# Each fixed legacy name, then a distinct one, in turn.
awk -v s="$RANDOM" '{ fixed[n++] = $0 }
  END { for (i = 1; i <= 200000; i++) printf "r%d-%s.churn.marathon.mesos A\n%s\n", i, s, fixed[i % n] }' \
  "$Q/legacy" > "$Q/rewrites"
cat "$Q/hits" "$Q/legacy" > "$Q/tcp"

PROM_PORT=$(random_port)
BODY="cache {
        success 20000
        denial 5000
    }
    rewrite name regex (.*)\\.churn\\.marathon\\.mesos {1}.rw.soak.test answer auto
    rewrite name regex (.*)\\.(.*)\\.marathon\\.mesos {1}.{2}-default.svc.cluster.local answer auto
    rewrite name suffix .l4lb.thisdcos.directory .svc.cluster.local answer auto
    forward . 127.0.0.1:$KNOT_PORT
    prometheus 127.0.0.1:$PROM_PORT
    errors
    log"
# The query log goes nowhere: start_dnsd sends stdout to this path.
mkdir -p "$PEERS_DIR/dnsd"
ln -sf /dev/null "$PEERS_DIR/dnsd/stdout"
if [ -n "$THREADS" ]; then export GOMAXPROCS=$THREADS; fi
start_dnsd "$DNSD_BIN" "$BODY"
cp "$PEERS_DIR/dnsd/Corefile" "$OUTDIR/Corefile"
for probe in "svc1.ns1.marathon.mesos" "r0.churn.marathon.mesos" "x.miss.soak.test"; do
  answers "$DNSD_PORT" "$probe" A || die "dnsd does not answer $probe (Corefile: $OUTDIR/Corefile)"
done

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# stream NAME FILE SHARE [dnsperf args...]: dnsperf in the background at SHARE% of the rate.
STREAMS=() STREAM_PIDS=()
stream() {
  local name=$1 file=$2 share=$3
  shift 3
  dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$file" -l "$DURATION" -t 5 -Q $(( RATE * share / 100 )) "$@" \
    > "$OUTDIR/dnsperf-$name.txt" 2>&1 &
  STREAMS+=("$name") STREAM_PIDS+=($!)
  PEER_PIDS+=($!)
}

say "soak: ${DURATION}s at $RATE QPS against dnsd pid $DNSD_PID; output in $OUTDIR"
echo "seconds,rss_kib" > "$OUTDIR/rss.csv"
START=$(date +%s.%N)
stream hits "$Q/hits" 50 -c 4 -q 100
stream misses "$Q/misses" 20 -c 4 -q 200
stream rewrites "$Q/rewrites" 20 -c 4 -q 200
stream tcp "$Q/tcp" 10 -m tcp -c 4 -q 40

# One RSS sample a second (on the second since START) until every stream has ended; a metrics
# scrape every 10 s, as a Prometheus server would do.
tick=0
while :; do
  running=0
  for pid in "${STREAM_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
  [ "$running" = 1 ] || break
  kill -0 "$DNSD_PID" 2>/dev/null || die "dnsd (pid $DNSD_PID) died during the soak: $(tail -5 "$DNSD_STDERR")"
  now=$(date +%s.%N)
  rss=$(rss_kib "$DNSD_PID")
  awk -v a="$START" -v b="$now" -v r="$rss" 'BEGIN { printf "%.1f,%d\n", b - a, r }' >> "$OUTDIR/rss.csv"
  [ $(( tick % 10 )) = 0 ] && curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PROM_PORT/metrics"
  tick=$(( tick + 1 ))
  sleep "$(awk -v a="$START" -v t="$tick" -v n="$(date +%s.%N)" 'BEGIN { d = a + t - n; printf "%.3f", (d > 0 ? d : 0) }')"
done
for pid in "${STREAM_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
curl -s --max-time 2 "http://127.0.0.1:$PROM_PORT/metrics" > "$OUTDIR/metrics.txt"
stop_gracefully "$DNSD_PID" dnsd

# RSS after warm-up and at the end: the mean of 10 samples, so one odd sample decides nothing.
read -r RSS_START RSS_END RSS_MAX < <(awk -F, -v w="$WARMUP" '
  NR > 1 { t[n] = $1; r[n] = $2; n++ }
  END {
    for (i = 0; i < n; i++) if (t[i] >= w) { if (c < 10) { s += r[i]; c++ } if (r[i] > m) m = r[i] }
    for (i = n - 10; i < n; i++) { e += r[i] }
    printf "%d %d %d\n", c ? s / c : 0, e / 10, m
  }' "$OUTDIR/rss.csv")
[ "$RSS_START" -gt 0 ] || die "no RSS samples after the warm-up ($WARMUP s)"
GROWTH=$(awk -v a="$RSS_START" -v b="$RSS_END" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')
python3 "$REPO/bench/load/plot_rss.py" "$OUTDIR/rss.csv" "$OUTDIR/rss.svg" --warmup "$WARMUP" \
  --title "dnsd RSS, ${DURATION} s soak at $RATE QPS (hits, misses, rewrites, TCP)" || die "plot failed"

mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
field() { awk -v key="$1" -v col="$2" 'index($0, key) { print $col; exit }' "$3"; }
{
  echo "### Soak: ${DURATION} s at $RATE QPS, warm-up $WARMUP s"
  echo
  echo "dnsd $("$DNSD_BIN" -version 2>/dev/null | head -1), knotd $(knotd --version 2>/dev/null | awk '{ print $NF }'), dnsperf $(dnsperf -h 2>&1 | awk '/^Version/ { print $2 }'), $(nproc) CPU(s), $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "| stream | offered QPS | sent | completed | lost | NOERROR | answered QPS |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  declare -A SHARE=([hits]=50 [misses]=20 [rewrites]=20 [tcp]=10)
  for name in "${STREAMS[@]}"; do
    f="$OUTDIR/dnsperf-$name.txt"
    noerror=$(awk '{ for (i = 1; i < NF; i++) if ($i == "NOERROR") { print $(i + 1); exit } }' "$f")
    echo "| $name | $(( RATE * ${SHARE[$name]} / 100 )) | $(field 'Queries sent:' 3 "$f") | $(field 'Queries completed:' 3 "$f") | $(field 'Queries lost:' 3 "$f") | ${noerror:-0} | $(field 'Queries per second:' 4 "$f") |"
  done
  echo
  echo "RSS after warm-up $(mib "$RSS_START"), max after warm-up $(mib "$RSS_MAX"), end $(mib "$RSS_END"): **$GROWTH %** (bound +$BOUND %)."
} | tee "$OUTDIR/summary.md"
say "rss.csv, rss.svg, summary.md and the dnsperf outputs are in $OUTDIR"

for name in "${STREAMS[@]}"; do
  completed=$(field 'Queries completed:' 3 "$OUTDIR/dnsperf-$name.txt")
  [ "${completed:-0}" -gt 0 ] || die "the $name stream got no answers (see $OUTDIR/dnsperf-$name.txt)"
done
awk -v g="$GROWTH" -v b="$BOUND" 'BEGIN { exit !(g > b) }' && die "RSS grew $GROWTH % after the warm-up (bound $BOUND %)"
exit 0
