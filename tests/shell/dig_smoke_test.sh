#!/usr/bin/env bash
# Smoke test with dig: knotd upstream, dnsd forwarding to it, the answers a user would check by hand.
# Usage: dig_smoke_test.sh /path/to/dnsd   (exit 0 on success, 77 if knotd is missing)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
command -v dig >/dev/null || die "dig not installed (bind9-dnsutils)"
peers_init
start_knot
start_dnsd "$DNSD"

FAILED=0
D() { dig @127.0.0.1 -p "$DNSD_PORT" +time=3 +tries=1 "$@"; }

expect_eq() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then
    say "ok   $1"
  else
    say "FAIL $1"; say "     expected: $2"; say "     got:      $3"; FAILED=1
  fi
}

expect_match() {  # DESCRIPTION REGEX TEXT
  if printf '%s\n' "$3" | grep -Eq -- "$2"; then
    say "ok   $1"
  else
    say "FAIL $1: no line matches /$2/ in:"; printf '%s\n' "$3" | sed 's/^/     /' >&2; FAILED=1
  fi
}

S=svc1.ns1-default.svc.cluster.local
expect_eq "A over UDP"        "10.1.0.1" "$(D $S A +short)"
expect_eq "AAAA over UDP"     "fd00::1:1" "$(D $S AAAA +short)"
expect_eq "SRV over UDP"      "0 100 80 $S." "$(D $S SRV +short)"
expect_eq "TXT over UDP"      '"svc1.ns1"' "$(D $S TXT +short)"
expect_eq "A over TCP"        "10.1.0.1" "$(D $S A +short +tcp)"
expect_eq "AAAA over TCP"     "fd00::1:1" "$(D $S AAAA +short +tcp)"
expect_eq "another namespace" "10.3.0.4" "$(D svc4.ns3-default.svc.cluster.local A +short)"
expect_eq "CNAME then A"      "$S. 10.1.0.1" "$(D cname.svc.cluster.local A +short | tr '\n' ' ' | sed 's/ $//')"

out=$(D big.svc.cluster.local A +ignore +bufsize=512)
expect_match "big answer over UDP (bufsize 512) has TC" '^;; flags:.* tc[ ;]' "$out"
out=$(D medium.svc.cluster.local A +ignore +noedns)
expect_match "medium answer without EDNS has TC" '^;; flags:.* tc[ ;]' "$out"
out=$(D medium.svc.cluster.local A +ignore +bufsize=1232)
expect_match "medium answer fits EDNS 1232" '^;; flags:[^;]*; QUERY: 1, ANSWER: 40,' "$out"
expect_eq "big answer over TCP is complete" "100" "$(D big.svc.cluster.local A +short +tcp | wc -l)"
expect_eq "big answer: dig retries over TCP after TC" "100" "$(D big.svc.cluster.local A +short | wc -l)"

out=$(D nosuch.svc.cluster.local A)
expect_match "NXDOMAIN status" 'status: NXDOMAIN' "$out"
expect_match "NXDOMAIN carries the SOA" '^svc\.cluster\.local\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+SOA' "$out"
out=$(D $S MX)
expect_match "NODATA is NOERROR" 'status: NOERROR' "$out"
expect_match "NODATA has no answer, one authority" 'ANSWER: 0, AUTHORITY: 1' "$out"
out=$(D $S A +dnssec)
expect_match "EDNS OPT and DO bit come back" '^; EDNS: version: 0, flags: do;' "$out"

stop_gracefully "$DNSD_PID" dnsd
if [ "$FAILED" -ne 0 ]; then
  say "--- dnsd stderr ---"; cat "$DNSD_STDERR" >&2
  die "dig smoke test found mismatches"
fi
say "PASS: dig smoke test"
