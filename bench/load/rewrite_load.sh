#!/usr/bin/env bash
# Rewrite load benchmark: dnsd forwarding Kubernetes names (a) against dnsd rewriting legacy names
# (DC/OS-style regex and suffix rules plus N exact rules from a YAML rule set) and forwarding them
# (b), both to the same knotd, driven by the same dnsperf settings. Reports queries per server
# CPU-second for both and their ratio (the rewrite issue's target: b/a >= 0.90). A third run (c)
# asks the Marathon names through the DC/OS preset (`rewrite dnsd_dcos`: its whole expansion, plus
# the legacy-name report that counts every legacy query), the preset's cost next to plain rewrite.
set -u

usage() {
  cat <<USAGE
usage: $0 [options]
  -l SECONDS   dnsperf run time per server (default 10)
  -c CLIENTS   dnsperf clients (default 20)
  -q N         dnsperf queries outstanding (default 200)
  -Q QPS       dnsperf rate limit for both runs (default none); the same offered load makes the
               CPU per query comparable (batching per syscall depends on the load)
  -t THREADS   dnsd worker threads (default 1)
  -e N         exact rules in the YAML rule set (default 1000)
  -k KINDS     legacy name kinds to query, comma separated: regex,suffix,exact (default all three)
  -d PATH      dnsd binary (default: <repo>/build*/bin/dnsd, first found)
  -s CPUS      pin dnsd with taskset -c CPUS
  -C CPUS      pin dnsperf and knotd with taskset -c CPUS
  -o FILE      also write the markdown report to FILE
  -P           skip run (c), the DC/OS preset
  -x           strict: exit 1 if a run answered nothing or dnsd exited badly
USAGE
}

DURATION=10 CLIENTS=20 OUTSTANDING=200 THREADS=1 EXACT=1000 DNSD_BIN="" PIN_SERVER="" PIN_CLIENT=""
OUT="" STRICT=0 PROBLEMS=0 KINDS=regex,suffix,exact RATE="" PRESET=1
while getopts "l:c:q:Q:t:e:k:d:s:C:o:Pxh" opt; do
  case $opt in
    l) DURATION=$OPTARG ;; c) CLIENTS=$OPTARG ;; q) OUTSTANDING=$OPTARG ;; t) THREADS=$OPTARG ;;
    e) EXACT=$OPTARG ;; k) KINDS=$OPTARG ;; Q) RATE=$OPTARG ;; d) DNSD_BIN=$OPTARG ;; s) PIN_SERVER=$OPTARG ;; C) PIN_CLIENT=$OPTARG ;;
    o) OUT=$OPTARG ;; P) PRESET=0 ;; x) STRICT=1 ;; h) usage; exit 0 ;; *) usage >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/tests/shell/lib.sh"
for tool in dnsperf dig; do command -v $tool >/dev/null || { say "SKIP: $tool not installed"; exit 77; }; done
[ -n "$DNSD_BIN" ] || DNSD_BIN=$(find_dnsd_binary "$REPO")
[ -n "$DNSD_BIN" ] && [ -x "$DNSD_BIN" ] || { say "SKIP: dnsd binary not found (build the dnsd target or pass -d)"; exit 77; }

CLIENT_PIN=()
[ -n "$PIN_CLIENT" ] && CLIENT_PIN=(taskset -c "$PIN_CLIENT")

peers_init
start_knot "$THREADS" "$THREADS"
[ -n "$PIN_CLIENT" ] && taskset -pc "$PIN_CLIENT" "$KNOT_PID" >/dev/null

# (a) the Kubernetes names knot serves; (b) the same answers asked by legacy names. Same type mix.
PLAIN="$PEERS_DIR/plain.txt" LEGACY="$PEERS_DIR/legacy.txt" RULES="$PEERS_DIR/rules.yaml"
MARATHON="$PEERS_DIR/marathon.txt"
: > "$PLAIN"; : > "$LEGACY"; : > "$MARATHON"
for j in 1 2 3; do for i in 1 2 3 4 5; do
  for t in A AAAA SRV TXT; do
    echo "svc$i.ns$j-default.svc.cluster.local $t" >> "$PLAIN"
    echo "svc$i.ns$j.marathon.mesos $t" >> "$MARATHON"
    case ",$KINDS," in *,regex,*) echo "svc$i.ns$j.marathon.mesos $t" >> "$LEGACY" ;; esac
    case ",$KINDS," in *,suffix,*) echo "svc$i.ns$j-default.l4lb.thisdcos.directory $t" >> "$LEGACY" ;; esac
    case ",$KINDS," in *,exact,*) echo "legacy$(( (j - 1) * 5 + i )).apps.internal $t" >> "$LEGACY" ;; esac
  done
done; done
[ -s "$LEGACY" ] || die "-k $KINDS: no legacy names (want regex, suffix and/or exact)"
# Keep the plain file the same length as the legacy one (each name once per kind), so both runs
# cycle through the same answer sizes in the same proportions.
cp "$PLAIN" "$PEERS_DIR/p1"; : > "$PLAIN"
while [ "$(wc -l < "$PLAIN")" -lt "$(wc -l < "$LEGACY")" ]; do cat "$PEERS_DIR/p1" >> "$PLAIN"; done

{
  echo "version: 1"
  echo "rules:"
  # The first 15 map onto the zone's services; the rest are filler that must not slow matching.
  for n in $(seq 1 "$EXACT"); do
    k=$(( (n - 1) % 15 )); j=$(( k / 5 + 1 )); i=$(( k % 5 + 1 ))
    if [ "$n" -le 15 ]; then from="legacy$n.apps.internal"; else from="filler$n.apps.internal"; fi
    printf '  - name: {exact: %s, to: svc%d.ns%d-default.svc.cluster.local}\n' "$from" "$i" "$j"
  done
} > "$RULES"

REWRITE_BODY="rewrite dnsd_rules $RULES
    rewrite name suffix .l4lb.thisdcos.directory .svc.cluster.local answer auto
    rewrite name regex (.*)\\.(.*)\\.marathon\\.mesos {1}.{2}-default.svc.cluster.local answer auto
    forward . 127.0.0.1:$KNOT_PORT"
PLAIN_BODY="forward . 127.0.0.1:$KNOT_PORT"
# The preset's defaults map svcI.nsJ.marathon.mesos onto svcI.nsJ-default.svc.cluster.local.
PRESET_BODY="rewrite dnsd_dcos
    forward . 127.0.0.1:$KNOT_PORT"

bin=$DNSD_BIN
if [ -n "$PIN_SERVER" ]; then
  bin="$PEERS_DIR/dnsd-pinned"
  printf '#!/bin/sh\nexec taskset -c %s %s "$@"\n' "$PIN_SERVER" "$DNSD_BIN" > "$bin"
  chmod +x "$bin"
fi

ROWS=()
declare -A PER_CPU
# run_one LABEL BODY QUERIES
run_one() {
  local label=$1 body=$2 queries=$3 log="$PEERS_DIR/run$((${#ROWS[@]} + 1)).dnsperf" cpu0 cpu1 rc limit=()
  [ -n "$RATE" ] && limit=(-Q "$RATE")
  GOMAXPROCS=$THREADS start_dnsd "$bin" "$body"
  say "== $label (pid $DNSD_PID): dnsperf -l $DURATION -c $CLIENTS -q $OUTSTANDING"
  cpu0=$(cpu_seconds "$DNSD_PID")
  "${CLIENT_PIN[@]}" dnsperf -s 127.0.0.1 -p "$DNSD_PORT" -d "$queries" -l "$DURATION" \
      -c "$CLIENTS" -q "$OUTSTANDING" -t 5 "${limit[@]}" > "$log" 2>&1
  cpu1=$(cpu_seconds "$DNSD_PID")
  kill -TERM "$DNSD_PID"; wait "$DNSD_PID" 2>/dev/null; rc=$?
  [ "$rc" -ne 0 ] && { say "dnsd exited $rc on SIGTERM"; PROBLEMS=1; }
  local completed lost qps noerror cpu per_cpu
  completed=$(awk '/Queries completed:/ { print $3 }' "$log")
  lost=$(awk '/Queries lost:/ { print $3 }' "$log")
  qps=$(awk '/Queries per second:/ { printf "%.0f", $4 }' "$log")
  noerror=$(awk '{ for (i = 1; i < NF; i++) if ($i == "NOERROR") { print $(i + 1); exit } }' "$log")
  if [ -z "$completed" ] || [ "$completed" = 0 ]; then
    cat "$log" >&2; ROWS+=("| $label | no queries completed | | | | |"); PROBLEMS=1; return
  fi
  # Every legacy name is one the rules map onto the zone: anything but NOERROR is a broken rewrite.
  [ "${noerror:-0}" != "$completed" ] && { say "$label: only ${noerror:-0} of $completed NOERROR"; PROBLEMS=1; }
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
  per_cpu=$(awk -v c="$cpu" -v n="$completed" 'BEGIN { if (c > 0) printf "%.0f", n / c; else print "inf" }')
  PER_CPU[$label]=$per_cpu
  ROWS+=("| $label | $qps | $completed | ${noerror:-0} | $lost | $cpu | $per_cpu |")
}

run_one "plain forward (k8s names)" "$PLAIN_BODY" "$PLAIN"
LEGACY_LABEL="rewrite + forward (legacy names: $KINDS; $EXACT exact + suffix + regex rules)"
run_one "$LEGACY_LABEL" "$REWRITE_BODY" "$LEGACY"
PRESET_LABEL="DC/OS preset + report + forward (svcI.nsJ.marathon.mesos)"
[ "$PRESET" = 1 ] && run_one "$PRESET_LABEL" "$PRESET_BODY" "$MARATHON"

{
  echo "### Rewrite load: udp, ${DURATION}s per run, $THREADS thread(s)"
  echo
  echo "dnsperf \`-c $CLIENTS -q $OUTSTANDING${RATE:+ -Q $RATE}\`, upstream knotd, $(nproc) CPU(s), $(date -u +%Y-%m-%d)."
  echo "dnsd pinned to CPUs: ${PIN_SERVER:-no}; dnsperf and knotd pinned to: ${PIN_CLIENT:-no}."
  echo
  echo "| run | queries/s | completed | NOERROR | lost | dnsd CPU (s) | queries per CPU-second |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  a=${PER_CPU["plain forward (k8s names)"]:-} b=${PER_CPU["$LEGACY_LABEL"]:-}
  if [ -n "$a" ] && [ -n "$b" ] && [ "$a" != inf ] && [ "$b" != inf ]; then
    awk -v a="$a" -v b="$b" 'BEGIN { printf "Queries per CPU-second: plain %d, rewrite %d, ratio rewrite/plain **%.2f** (target >= 0.90).\n", a, b, b / a }'
    c=${PER_CPU["$PRESET_LABEL"]:-}
    if [ -n "$c" ] && [ "$c" != inf ]; then
      awk -v a="$a" -v c="$c" 'BEGIN { printf "DC/OS preset: %d queries per CPU-second, ratio preset/plain **%.2f**.\n", c, c / a }'
    fi
  else
    echo "No ratio: a run is missing."
  fi
} | tee "${OUT:-/dev/null}"
if [ "$STRICT" = 1 ] && [ "$PROBLEMS" = 1 ]; then die "a run answered nothing, answered wrongly, or dnsd exited badly"; fi
exit 0
