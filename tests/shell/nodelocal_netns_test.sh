#!/usr/bin/env bash
# Node-local DNS cache with real networking and no cluster: a "node" network namespace with a
# `nodelocaldns` link holding 169.254.20.10 (as NodeLocal DNSCache sets a node up) and knotd standing
# in for kube-dns on 10.96.0.11; dnsd runs there from the Helm chart's nodelocal Corefile and rules;
# a "pod" namespace, joined by a veth pair, asks 169.254.20.10 with dig and curl. Checks: a cluster
# name, a legacy DC/OS name rewritten and its answer restored, a cache hit (counter, and answered with
# knotd stopped), health and ready, the same answers after SIGKILL and a restart from the same files,
# and no DNS answer on the node's other addresses. Both namespaces (and their links) are removed on
# every exit; they have no route out, so nothing can leave them.
# Usage: nodelocal_netns_test.sh /path/to/build/bin/dnsd   (exit 0 on success, 77 when network
# namespaces cannot be created or knotd is missing)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/dnsd"
[ -x "$DNSD" ] || die "dnsd binary not found at $DNSD"
BUILD=$(cd "$(dirname "$DNSD")/.." && pwd)
REPO=$(cd "$DNSD_SHELL_DIR/../.." && pwd)
for tool in ip dig curl python3; do command -v "$tool" >/dev/null || die "$tool not installed"; done

LOCAL_IP=169.254.20.10     # NodeLocal DNSCache's link-local address
UPSTREAM_IP=10.96.0.11     # the kube-dns-upstream Service: knotd here
RESOLVER_IP=10.200.1.53    # the node's resolver (resolv.conf): the same knotd, to tell the forwards apart
NODE_VETH_IP=10.200.0.1 POD_VETH_IP=10.200.0.2
NODE_NS=dnsd-node-$$ POD_NS=dnsd-pod-$$

in_node() { ip netns exec "$NODE_NS" "$@"; }
in_pod() { ip netns exec "$POD_NS" "$@"; }

delete_namespaces() {
  ip netns del "$POD_NS" 2>/dev/null
  ip netns del "$NODE_NS" 2>/dev/null
  if ip netns list | grep -qE "^($NODE_NS|$POD_NS)( |$)"; then say "FAIL: namespaces left behind"; fi
}
peers_init
PEER_CLEANUP_HOOKS+=(delete_namespaces)

skip_netns() { say "SKIP: cannot create network namespaces ($1)"; exit 77; }

# add_local_link NAME: a link that only holds local addresses. A dummy, as NodeLocal DNSCache uses;
# kernels built without the dummy driver get a bridge with no ports, which behaves the same here.
add_local_link() {
  local err
  in_node ip link add "$1" type dummy 2>/dev/null && return 0
  err=$(in_node ip link add "$1" type bridge 2>&1) || skip_netns "cannot add a dummy or bridge link: $err"
  say "(no dummy link driver in this kernel: $1 is a bridge without ports)"
}

setup_namespaces() {
  local err
  err=$(ip netns add "$NODE_NS" 2>&1) || skip_netns "ip netns add: $err"
  err=$(ip netns add "$POD_NS" 2>&1) || skip_netns "ip netns add: $err"
  add_local_link nodelocaldns
  add_local_link kubedns-up  # (kube-dns-upstream is longer than a link name may be)
  err=$(in_node ip link add veth-pod type veth peer name eth0 netns "$POD_NS" 2>&1) ||
    skip_netns "veth: $err"
  in_node ip link set lo up
  in_node ip addr add "$LOCAL_IP/32" dev nodelocaldns
  in_node ip addr add "$UPSTREAM_IP/32" dev kubedns-up
  in_node ip addr add "$RESOLVER_IP/32" dev kubedns-up
  in_node ip addr add "$NODE_VETH_IP/30" dev veth-pod
  in_node ip link set nodelocaldns up
  in_node ip link set kubedns-up up
  in_node ip link set veth-pod up
  in_pod ip link set lo up
  in_pod ip addr add "$POD_VETH_IP/30" dev eth0
  in_pod ip link set eth0 up
  in_pod ip route add "$LOCAL_IP/32" via "$NODE_VETH_IP"
  say "namespaces $NODE_NS (nodelocaldns $LOCAL_IP, kubedns-up $UPSTREAM_IP $RESOLVER_IP," \
    "veth $NODE_VETH_IP) and $POD_NS (eth0 $POD_VETH_IP, $LOCAL_IP via $NODE_VETH_IP)"
}

# render_chart DIR: DIR/Corefile and DIR/rules.yaml from the chart's nodelocal ConfigMap.
render_chart() {
  local renderer="$BUILD/bin/dnsd-helm-template"
  if [ ! -x "$renderer" ]; then
    say "SKIP: $renderer not built (helm/CMakeLists.txt needs go and Debian's sprig: .ci/install-deps)"
    exit 77
  fi
  "$renderer" --set mode=nodelocal "$REPO/helm/dnsd" > "$1/chart.yaml" || die "chart rendering failed"
  python3 - "$1" <<'PY' || die "no ConfigMap with Corefile and rules.yaml in the rendered chart"
import sys, yaml
out = sys.argv[1]
maps = [d for d in yaml.safe_load_all(open(out + "/chart.yaml"))
        if d and d.get("kind") == "ConfigMap" and "Corefile" in (d.get("data") or {})]
maps.sort(key=lambda d: d["metadata"].get("name") != "dnsd")  # the release's own ConfigMap first
if not maps or "rules.yaml" not in maps[0]["data"]:
    sys.exit(1)
for key in ("Corefile", "rules.yaml"):
    with open(out + "/" + key, "w") as f:
        f.write(maps[0]["data"][key])
PY
  say "rendered $REPO/helm/dnsd with $renderer (mode=nodelocal)"
}

# The Corefile's node paths point into the test directory; its resolv.conf names knotd, never the host's.
localize_corefile() {
  local dir=$1
  printf 'nameserver %s\n' "$RESOLVER_IP" > "$dir/resolv.conf"
  sed -i -e "s#/etc/dnsd/rules.yaml#$dir/rules.yaml#g" -e "s#/etc/resolv.conf#$dir/resolv.conf#g" \
    "$dir/Corefile"
  ! grep -q '/etc/' "$dir/Corefile" || die "Corefile still names a host path: $(grep '/etc/' "$dir/Corefile")"
}

# Every address the Corefile binds that the node lacks goes onto nodelocaldns too, as the node
# agent does for the kube-dns Service address.
add_bound_addresses() {
  local address
  for address in $(awk '$1 == "bind" { for (i = 2; i <= NF; i++) print $i }' "$1" | sort -u); do
    [[ "$address" =~ ^[0-9.]+$ ]] || continue
    in_node ip -o addr show | grep -q " inet $address/" && continue
    in_node ip addr add "$address/32" dev nodelocaldns && say "bound address $address added to nodelocaldns"
  done
}

# (svc5.ns3: a name the checks do not ask, so that nothing of theirs is cached by a probe.)
knot_answers_tcp() {
  in_node dig @"$UPSTREAM_IP" +time=1 +tries=1 +tcp svc5.ns3-default.svc.cluster.local A 2>/dev/null |
    grep -q 'status: NOERROR'
}

start_namespaced_knot() {
  # Not through in_node: a function run with & is a subshell, and $! must be knotd itself
  # (ip netns exec execs it).
  ip netns exec "$NODE_NS" "$KNOTD" -c "$KNOT_DIR/knot.conf" 2>>"$KNOT_DIR/knot.stderr" &
  KNOT_PID=$!
  PEER_PIDS+=("$KNOT_PID")
  wait_until "$KNOT_PID" knot_answers_tcp ||
    { cat "$KNOT_DIR/knot.stderr" >&2; die "knotd did not start on $UPSTREAM_IP"; }
  say "knotd (pid $KNOT_PID) serving on $UPSTREAM_IP:53 and $RESOLVER_IP:53 in $NODE_NS"
}

ready_code() { in_pod curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$LOCAL_IP:8181/ready"; }
is_ready() { [ "$(ready_code)" == 200 ]; }

start_namespaced_dnsd() {
  ip netns exec "$NODE_NS" env DNSD_UPSTREAM="$UPSTREAM_IP" "$DNSD" -conf "$DIR/Corefile" \
    2>>"$DIR/dnsd.stderr" >/dev/null &  # (as knotd: $! is dnsd)
  DNSD_PID=$!
  PEER_PIDS+=("$DNSD_PID")
  wait_until "$DNSD_PID" is_ready || { cat "$DIR/dnsd.stderr" >&2; die "dnsd did not become ready"; }
  say "dnsd (pid $DNSD_PID) ready on $LOCAL_IP in $NODE_NS"
}

FAILED=0
ok() { say "ok   $1"; }
bad() { say "FAIL $1"; FAILED=1; }
# ask NAMESPACE SERVER NAME TYPE -> LAST_DIG: dig from NAMESPACE, the whole output printed to the log.
ask() {
  LAST_DIG=$(ip netns exec "$1" dig @"$2" +time=1 +tries=1 +nocookie "$3" "$4" 2>&1)
  say "\$ dig @$2 $3 $4   (in $1)"; printf '%s\n' "$LAST_DIG" | sed 's/^/    /' >&2
}
answer_records() { printf '%s\n' "$LAST_DIG" | awk '!/^;/ && NF >= 5 { print $1, $4, $5 }'; }
expect_answer() {  # DESCRIPTION NAME EXPECTED_RECORDS
  ask "$POD_NS" "$LOCAL_IP" "$2" A
  local got
  got=$(answer_records)
  if [ "$got" == "$3" ]; then ok "$1"; else bad "$1: expected '$3', got '$got'"; fi
}
metrics() { in_node curl -s --max-time 1 "http://$LOCAL_IP:9253/metrics"; }
cache_hits() { metrics | awk '/^coredns_cache_hits_total/ { n += $NF } END { print n + 0 }'; }
forwarded_to() {  # ADDRESS: upstream replies from ADDRESS:53 so far
  metrics | awk -v to="to=\"$1:53\"" \
    '/^coredns_proxy_request_duration_seconds_count/ && index($0, to) { n += $NF } END { print n + 0 }'
}

CLUSTER=svc1.ns1-default.svc.cluster.local
LEGACY=svc1.ns1.marathon.mesos
check_answers() {  # PHASE -> LEGACY_TO_UPSTREAM, LEGACY_TO_RESOLVER: what the legacy query forwarded
  expect_answer "$1: cluster name $CLUSTER" "$CLUSTER" "$CLUSTER. A 10.1.0.1"
  local upstream resolver
  upstream=$(forwarded_to "$UPSTREAM_IP") resolver=$(forwarded_to "$RESOLVER_IP")
  expect_answer "$1: legacy name $LEGACY, owner name restored" "$LEGACY" "$LEGACY. A 10.1.0.1"
  LEGACY_TO_UPSTREAM=$(( $(forwarded_to "$UPSTREAM_IP") - upstream ))
  LEGACY_TO_RESOLVER=$(( $(forwarded_to "$RESOLVER_IP") - resolver ))
}

setup_namespaces
DIR=$PEERS_DIR/nodelocal
mkdir -p "$DIR"
render_chart "$DIR"
localize_corefile "$DIR"
add_bound_addresses "$DIR/Corefile"
say "--- Corefile dnsd runs ---"; sed 's/^/    /' "$DIR/Corefile" >&2

prepare_knot
write_knot_conf "[ $UPSTREAM_IP@53, $RESOLVER_IP@53 ]" 1 1
start_namespaced_knot
start_namespaced_dnsd

# a, b: the cluster and the legacy name; c: both again, from the cache.
check_answers "first"
# The rewritten name is under cluster.local: the `forward cluster.local` line takes it, not resolv.conf's.
forwards="replies from $UPSTREAM_IP: +$LEGACY_TO_UPSTREAM, from $RESOLVER_IP: +$LEGACY_TO_RESOLVER"
if [ "$LEGACY_TO_UPSTREAM" -eq 1 ] && [ "$LEGACY_TO_RESOLVER" -eq 0 ]; then
  ok "the rewritten legacy name went to $UPSTREAM_IP ($forwards)"
else
  bad "the rewritten legacy name should go to $UPSTREAM_IP only ($forwards)"
fi
hits_before=$(cache_hits)
check_answers "again"
hits_after=$(cache_hits)
if [ "$hits_after" -ge $(( hits_before + 2 )) ]; then
  ok "coredns_cache_hits_total counted both repeats ($hits_before -> $hits_after)"
else
  bad "coredns_cache_hits_total: $hits_before -> $hits_after, expected at least +2"
fi
stop_gracefully "$KNOT_PID" knotd
check_answers "knotd stopped (cache)"

# d: health and ready from the pod.
code=$(in_pod curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$LOCAL_IP:8080/health")
say "\$ curl http://$LOCAL_IP:8080/health -> $code"
[ "$code" == 200 ] && ok "health 200" || bad "health: $code"
code=$(ready_code)
say "\$ curl http://$LOCAL_IP:8181/ready -> $code"
[ "$code" == 200 ] && ok "ready 200" || bad "ready: $code"

# e: SIGKILL, then a restart from the same files answers the same (knotd back, the cache is gone).
start_namespaced_knot
kill -KILL "$DNSD_PID"; wait "$DNSD_PID" 2>/dev/null
say "dnsd killed (SIGKILL)"
start_namespaced_dnsd
check_answers "after restart"

# f: no DNS on the node's other addresses; bind keeps dnsd to $LOCAL_IP.
for client_and_server in "$POD_NS $NODE_VETH_IP" "$NODE_NS $NODE_VETH_IP" "$NODE_NS 127.0.0.1"; do
  set -- $client_and_server
  ask "$1" "$2" "$CLUSTER" A
  if printf '%s\n' "$LAST_DIG" | grep -q 'status:'; then bad "an answer on $2 (from $1)"
  else ok "no answer on $2 (from $1)"; fi
done

stop_gracefully "$DNSD_PID" dnsd
if [ "$FAILED" -ne 0 ]; then
  say "--- dnsd stderr ---"; cat "$DIR/dnsd.stderr" >&2
  die "node-local DNS cache test found mismatches"
fi
say "PASS: node-local DNS cache in network namespaces"
