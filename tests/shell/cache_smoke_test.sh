#!/usr/bin/env bash
# Smoke test of the cache plugin with dig: knotd upstream, dnsd with `cache 30` in front of forward.
# A repeated question comes back from the cache with a lower TTL, the same data, the client's letter
# case in the question; an NXDOMAIN is cached too.
# Usage: cache_smoke_test.sh /path/to/dnsd   (exit 0 on success, 77 if knotd is missing)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
command -v dig >/dev/null || die "dig not installed (bind9-dnsutils)"
peers_init
start_knot
# (start_dnsd's readiness probe asks svc1.ns1-default A: that one is cached from the start.)
start_dnsd "$DNSD" "cache 30
    forward . 127.0.0.1:$KNOT_PORT"

FAILED=0
D() { dig @127.0.0.1 -p "$DNSD_PORT" +time=3 +tries=1 "$@"; }

ok() { say "ok   $1"; }
bad() { say "FAIL $1"; FAILED=1; }
expect_eq() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then ok "$1"; else bad "$1"; say "     expected: $2"; say "     got:      $3"; fi
}
# ttl_of DIG_OUTPUT TYPE: TTL of the first answer record of TYPE.
ttl_of() { printf '%s\n' "$1" | awk -v t="$2" '!/^;/ && $4 == t { print $2; exit }'; }

S=svc2.ns2-default.svc.cluster.local
first=$(D $S A +noall +answer)
expect_eq "first answer (miss)" "10.2.0.2" "$(printf '%s\n' "$first" | awk '{ print $5 }')"
ttl1=$(ttl_of "$first" A)
expect_eq "a miss carries at most the cache's 30 s" "yes" "$([ "${ttl1:-99}" -le 30 ] && echo yes || echo "no ($ttl1)")"
sleep 1.1
second=$(D $S A +noall +answer)
expect_eq "second answer (hit) has the same data" "10.2.0.2" "$(printf '%s\n' "$second" | awk '{ print $5 }')"
ttl2=$(ttl_of "$second" A)
if [ -n "$ttl1" ] && [ -n "$ttl2" ] && [ "$ttl2" -lt "$ttl1" ]; then
  ok "hit TTL counts down ($ttl1 -> $ttl2)"
else
  bad "hit TTL counts down (first $ttl1, second ${ttl2:-none})"
fi

out=$(D SVC2.Ns2-Default.SVC.cluster.local A)
expect_eq "question keeps the client's letter case on a hit" ";SVC2.Ns2-Default.SVC.cluster.local." \
  "$(printf '%s\n' "$out" | awk '/^;; QUESTION SECTION:/ { getline; print $1 }')"
expect_eq "mixed-case hit answers" "10.2.0.2" "$(printf '%s\n' "$out" | awk '!/^;/ && $4 == "A" { print $5 }')"

expect_eq "TCP hit" "10.2.0.2" "$(D $S A +short +tcp)"
expect_eq "AAAA is its own entry" "fd00::2:2" "$(D $S AAAA +short)"

N=nosuch.svc.cluster.local
nx1=$(D $N A)
sleep 1.1
nx2=$(D $N A)
expect_eq "NXDOMAIN (hit) status" "NXDOMAIN" "$(printf '%s\n' "$nx2" | sed -n 's/.*status: \([A-Z]*\).*/\1/p')"
n1=$(ttl_of "$nx1" SOA) n2=$(ttl_of "$nx2" SOA)
if [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -lt "$n1" ] && [ "$n1" -le 30 ]; then
  ok "negative answer cached, SOA TTL within the minimum and counting down ($n1 -> $n2)"
else
  bad "negative answer cached with a decreasing SOA TTL <= 30 (got ${n1:-none} -> ${n2:-none})"
fi

stop_gracefully "$DNSD_PID" dnsd
if [ "$FAILED" -ne 0 ]; then
  say "--- dnsd stderr ---"; cat "$DNSD_STDERR" >&2
  die "cache smoke test found mismatches"
fi
say "PASS: cache smoke test"
