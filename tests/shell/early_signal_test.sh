#!/usr/bin/env bash
# A stop or reload signal sent the moment the -pidfile exists (what init systems and test fixtures
# do) is handled, not fatal: SIGTERM exits 0, SIGUSR1 reloads and the daemon keeps running.
# Usage: early_signal_test.sh /path/to/dnsd
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
peers_init
FAILED=0
for signal in TERM USR1 HUP INT; do
  for i in 1 2 3 4 5; do
    port=$(free_port)
    rm -f "$PEERS_DIR/pid"
    printf '.:%s {\n    errors\n}\n' "$port" > "$PEERS_DIR/Corefile"
    "$DNSD" -conf "$PEERS_DIR/Corefile" -pidfile "$PEERS_DIR/pid" -quiet 2>"$PEERS_DIR/stderr" &
    pid=$!
    for _ in $(seq 1 5000); do [ -s "$PEERS_DIR/pid" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.001; done
    kill "-$signal" "$pid"
    if [ "$signal" == USR1 ] || [ "$signal" == HUP ]; then
      sleep 0.2
      kill -0 "$pid" 2>/dev/null || { say "FAIL SIG$signal right after start killed dnsd"; FAILED=1; }
      kill -TERM "$pid" 2>/dev/null
    fi
    wait "$pid"; rc=$?
    [ "$rc" == 0 ] || { say "FAIL SIG$signal right after start: exit status $rc"; cat "$PEERS_DIR/stderr" >&2; FAILED=1; }
  done
  say "ok   SIG$signal right after the pidfile appears (5 runs)"
done
exit "$FAILED"
