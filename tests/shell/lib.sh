# Shared helpers for the shell tests and bench/load: start knotd (the upstream) and dnsd on free
# loopback ports in a private temp dir, as children of this shell, and clean everything up on exit.
# Source it, then call `peers_init`; it installs an EXIT trap that stops what was started.

DNSD_SHELL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DNSD_ZONE_DIR=$(cd "$DNSD_SHELL_DIR/../integration/data" && pwd)
PEER_PIDS=()
PEER_CLEANUP_HOOKS=()  # functions peers_cleanup calls once the peers have exited
PEERS_DIR=""

say() { printf '%s\n' "$*" >&2; }
die() { say "FAIL: $*"; exit 1; }

find_program() {  # PATH, then the sbin directories a non-root PATH may lack
  local p
  p=$(command -v "$1" 2>/dev/null) && { echo "$p"; return 0; }
  for d in /usr/local/sbin /usr/sbin /sbin; do [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }; done
  return 1
}

peers_cleanup() {
  local rc=$?
  local pid hook
  for pid in "${PEER_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${PEER_PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  for hook in "${PEER_CLEANUP_HOOKS[@]}"; do
    "$hook"
  done
  if [ -n "$PEERS_DIR" ] && [ -z "${DNSD_KEEP_TMP:-}" ]; then rm -rf "$PEERS_DIR"; fi
  exit $rc
}

peers_init() {
  PEERS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dnsd-peers.XXXXXX")
  trap peers_cleanup EXIT
  trap 'exit 130' INT TERM
}

# Below Linux's ephemeral range (32768-60999), so that no client socket of a parallel test (or the
# C++ fixtures' port-0 binds) can be holding the port we pick.
random_port() { echo $(( 20000 + (RANDOM * 32768 + RANDOM) % 12768 )); }

# True if something on 127.0.0.1:$1 answers DNS over UDP or accepts TCP.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
  dig @127.0.0.1 -p "$1" +time=1 +tries=1 . SOA >/dev/null 2>&1
}

# free_port: a random port nothing on 127.0.0.1 uses now (for HTTP listeners: prometheus, health).
free_port() {
  local port
  port=$(random_port)
  while port_in_use "$port"; do port=$(random_port); done
  echo "$port"
}

# answers PORT NAME TYPE: true once the server on PORT gives any NOERROR answer for NAME/TYPE.
answers() {
  dig @127.0.0.1 -p "$1" +time=1 +tries=1 "$2" "$3" 2>/dev/null | grep -q 'status: NOERROR'
}

# wait_until PID COMMAND...: true once COMMAND succeeds (tried every 0.1 s for 10 s), false at once
# if PID has exited.
wait_until() {
  local pid=$1 i
  shift
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 1
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

wait_until_answers() { wait_until "$1" answers "$2" "$3" "$4"; }  # PID PORT NAME TYPE

# prepare_knot [ZONE_FILE...] -> sets KNOTD, KNOT_DIR: knotd's run/storage dirs, and the test zones
# (tests/integration/data plus each ZONE_FILE) copied into its zone dir.
prepare_knot() {
  KNOTD=$(find_program knotd) || { say "SKIP: knotd not installed"; exit 77; }
  KNOT_DIR="$PEERS_DIR/knot"
  mkdir -p "$KNOT_DIR/run" "$KNOT_DIR/storage" "$KNOT_DIR/zones"
  cp "$DNSD_ZONE_DIR"/*.zone "$@" "$KNOT_DIR/zones/"
}

# write_knot_conf LISTEN UDP_WORKERS TCP_WORKERS [ZONE_FILE...]: $KNOT_DIR/knot.conf serving the test
# zones over UDP and TCP on LISTEN (address@port, or a list "[ a@53, b@53 ]"). Each extra ZONE_FILE
# is served as the zone its file name says (soak.test.zone: soak.test.).
write_knot_conf() {
  local listen=$1 udp_workers=$2 tcp_workers=$3 dir=$KNOT_DIR f
  shift 3
  cat > "$dir/knot.conf" <<CONF
server:
    rundir: "$dir/run"
    pidfile: "$dir/run/knot.pid"
    listen: $listen
    udp-max-payload: 1232
    udp-workers: $udp_workers
    tcp-workers: $tcp_workers
    background-workers: 1
database:
    storage: "$dir/storage"
control:
    listen: "$dir/run/knot.sock"
log:
  - target: stderr
    any: warning
template:
  - id: default
    storage: "$dir/zones"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: svc.cluster.local.
    file: svc.cluster.local.zone
$(for f in "$@"; do f=$(basename "$f"); printf '  - domain: %s.\n    file: %s\n' "${f%.zone}" "$f"; done)
CONF
}

# start_knot [UDP_WORKERS] [TCP_WORKERS] [ZONE_FILE...] -> sets KNOT_PORT, KNOT_PID
# knotd on a free 127.0.0.1 port; each extra ZONE_FILE is served too (see write_knot_conf).
start_knot() {
  local udp_workers=${1:-1} tcp_workers=${2:-1} attempt
  shift 2 2>/dev/null || shift $#
  prepare_knot "$@"
  for attempt in 1 2 3 4 5; do
    KNOT_PORT=$(random_port)
    port_in_use "$KNOT_PORT" && continue
    write_knot_conf "127.0.0.1@$KNOT_PORT" "$udp_workers" "$tcp_workers" "$@"
    "$KNOTD" -c "$KNOT_DIR/knot.conf" 2>"$KNOT_DIR/knot.stderr" &
    KNOT_PID=$!
    PEER_PIDS+=("$KNOT_PID")
    if wait_until_answers "$KNOT_PID" "$KNOT_PORT" svc1.ns1-default.svc.cluster.local A; then
      say "knotd (pid $KNOT_PID) serving on 127.0.0.1:$KNOT_PORT"
      return 0
    fi
    kill -KILL "$KNOT_PID" 2>/dev/null; wait "$KNOT_PID" 2>/dev/null
  done
  cat "$KNOT_DIR/knot.stderr" >&2
  die "knotd did not start"
}

# start_dnsd BINARY COREFILE_BODY_AFTER_PORT [extra args...] -> sets DNSD_PORT, DNSD_PID, DNSD_STDERR
# The Corefile is ".:PORT {" + body + "}"; body defaults to forwarding to knot.
start_dnsd() {
  local bin=$1 body=${2:-"forward . 127.0.0.1:$KNOT_PORT"}
  shift 2 || shift $#
  start_dnsd_corefile "$bin" "$(printf '.:@PORT@ {\n    %s\n}\n' "$body")" "$@"
}

# start_dnsd_corefile BINARY COREFILE [extra args...]: as start_dnsd, with a whole Corefile in which
# every @PORT@ becomes the DNS port (several server blocks on one port).
start_dnsd_corefile() {
  local bin=$1 template=$2 attempt
  shift 2 || shift $#
  [ -x "$bin" ] || die "dnsd binary not found at $bin (build the dnsd target first)"
  mkdir -p "$PEERS_DIR/dnsd"
  DNSD_STDERR="$PEERS_DIR/dnsd/stderr"
  for attempt in 1 2 3; do
    DNSD_PORT=$(random_port)
    port_in_use "$DNSD_PORT" && continue
    printf '%s\n' "${template//@PORT@/$DNSD_PORT}" > "$PEERS_DIR/dnsd/Corefile"
    "$bin" -conf "$PEERS_DIR/dnsd/Corefile" "$@" 2>"$DNSD_STDERR" >"$PEERS_DIR/dnsd/stdout" &
    DNSD_PID=$!
    PEER_PIDS+=("$DNSD_PID")
    if wait_until_answers "$DNSD_PID" "$DNSD_PORT" svc1.ns1-default.svc.cluster.local A; then
      say "dnsd (pid $DNSD_PID) serving on 127.0.0.1:$DNSD_PORT"
      return 0
    fi
    kill -KILL "$DNSD_PID" 2>/dev/null; wait "$DNSD_PID" 2>/dev/null
  done
  cat "$DNSD_STDERR" >&2
  die "dnsd did not start (Corefile: $(cat "$PEERS_DIR/dnsd/Corefile"))"
}

# stop_gracefully PID NAME: SIGTERM, and the exit status must be 0.
stop_gracefully() {
  local rc
  kill -TERM "$1"
  wait "$1"; rc=$?
  [ "$rc" -eq 0 ] || die "$2 exited with status $rc after SIGTERM"
}

# find_dnsd_binary REPO: prints the first built dnsd (build/ first, then any build*/), or nothing.
find_dnsd_binary() {
  local candidate
  for candidate in "$1"/build/bin/dnsd "$1"/build*/bin/dnsd; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
}

# cpu_seconds PID: user + system CPU seconds of PID, all its threads (from /proc/PID/stat).
cpu_seconds() {
  awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / t }' "/proc/$1/stat"
}
