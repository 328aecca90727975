#!/usr/bin/env bash
# The container image. Checks that the Dockerfile says what the scripts do (it cannot be built here);
# builds the image's root filesystem (image/build-rootfs.sh, cached under the build dir),
# runs dnsd and dnsd-rules from inside it as the image's user (uid 65532) with only
# CAP_NET_BIND_SERVICE and no_new_privs, as Kubernetes runs the Helm chart's container, on a
# privileged port, forwarding to a knotd on the host's loopback; then builds the OCI archive
# (image/build-oci.sh) and checks its config and that dnsd's file capability is in its layer.
# Usage: image_test.sh /path/to/build/bin/dnsd   (as root; exit 77 if a tool is missing, or if
# buildah cannot run here, after the root filesystem part has passed)
set -u
. "$(dirname "$0")/lib.sh"

DNSD=${1:-${DNSD_BINARY:-}}
[ -n "$DNSD" ] || die "usage: $0 /path/to/build/bin/dnsd"
BUILD_DIR=$(cd "$(dirname "$DNSD")/.." && pwd)
REPO=$(cd "$DNSD_SHELL_DIR/../.." && pwd)
OUT_DIR=$BUILD_DIR/image
ROOTFS=$OUT_DIR/rootfs
FAILED=0
ok() { say "ok   $1"; }
bad() { say "FAIL $1"; FAILED=1; }
expect_eq() {  # DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then ok "$1"; else bad "$1"; say "     expected: $2"; say "     got:      $3"; fi
}

# What image/build-oci.sh and the Dockerfile must both give the image.
ENTRYPOINT='["/usr/bin/dnsd"]'
CMD='["-conf","/etc/dnsd/Corefile"]'
USER_GROUP=65532:65532
PORTS="53/udp 53/tcp 9153/tcp 8080/tcp 8181/tcp"

# The Dockerfile cannot be built here (no Docker, no registry): check that it says what the scripts do.
DOCKERFILE=$REPO/Dockerfile
dockerfile_line() { sed -n "s/^$1 //p" "$DOCKERFILE" | tr -d ' '; }
expect_eq "Dockerfile ENTRYPOINT" "$ENTRYPOINT" "$(dockerfile_line ENTRYPOINT)"
expect_eq "Dockerfile CMD" "$CMD" "$(dockerfile_line CMD)"
expect_eq "Dockerfile USER" "$USER_GROUP" "$(dockerfile_line USER)"
expect_eq "Dockerfile EXPOSE" "$PORTS" "$(sed -n 's/^EXPOSE //p' "$DOCKERFILE")"
for step in 'image/runtime-packages.sh build/bin/dnsd build/bin/dnsd-rules' '/tmp/dnsd/install-dnsd.sh / ' \
            'FROM debian:bookworm AS build' 'FROM debian:bookworm-slim'; do
  if grep -qF -- "$step" "$DOCKERFILE"; then ok "Dockerfile runs $step"; else bad "Dockerfile lacks $step"; fi
done
# Its build packages are .ci/packages' toolchain and -dev packages, less those of tests, benchmarks,
# fuzzers and the chart renderer (golang-*: dnsd-helm-template is not in the image).
ci_build_packages=$(tr ' ' '\n' < "$REPO/.ci/packages" |
  grep -xE 'build-essential|cmake|pkg-config|git|.*-dev' |
  grep -vxE 'libgtest-dev|libgmock-dev|libbenchmark-dev|libclang-rt-[0-9]+-dev|golang-.*-dev' | sort | paste -sd' ')
expect_eq "Dockerfile BUILD_PACKAGES are .ci/packages' build packages" "$ci_build_packages" \
  "$(sed -n 's/^ARG BUILD_PACKAGES="\(.*\)"$/\1/p' "$DOCKERFILE" | tr ' ' '\n' | sort | paste -sd' ')"
[ "$FAILED" -eq 0 ] || die "the Dockerfile drifted from image/ and .ci/packages"

[ "$(id -u)" -eq 0 ] || { say "SKIP: needs root (mmdebstrap, chroot)"; exit 77; }
[ -x "$BUILD_DIR/bin/dnsd-rules" ] || die "$BUILD_DIR/bin/dnsd-rules not built"
for tool in mmdebstrap capsh getcap unshare dig; do
  find_program "$tool" >/dev/null || { say "SKIP: $tool not installed (.ci/packages)"; exit 77; }
done
CAPSH=$(find_program capsh)
GETCAP=$(find_program getcap)
peers_init

# run_image_script SECONDS NAME: image/NAME.sh on this build, bounded; its last line and duration.
run_image_script() {
  local started log=$PEERS_DIR/$2.log
  started=$(date +%s)
  timeout "$1" "$REPO/image/$2.sh" -b "$BUILD_DIR" -o "$OUT_DIR" 2>"$log" || {
    tail -n 40 "$log" >&2
    die "image/$2.sh failed"
  }
  say "$(tail -n 1 "$log") (image/$2.sh: $(( $(date +%s) - started )) s)"
}

run_image_script 480 build-rootfs
expect_eq "dnsd has the file capability cap_net_bind_service=ep" "cap_net_bind_service=ep" \
  "$("$GETCAP" "$ROOTFS/usr/bin/dnsd" | awk '{ print $2 }')"
expect_eq "the image has the user nonroot (65532:65532)" "nonroot:x:65532:65532" \
  "$(grep '^nonroot:' "$ROOTFS/etc/passwd" | cut -d: -f1-4)"
expect_eq "no library is missing in the image" "" \
  "$(chroot "$ROOTFS" ldd /usr/bin/dnsd /usr/bin/dnsd-rules | grep 'not found')"

# The configuration is mounted over /etc/dnsd as a ConfigMap would be; /proc and /etc/resolv.conf
# as the container runtime mounts them.
CONF_DIR=$PEERS_DIR/etc-dnsd
mkdir -p "$CONF_DIR"
echo "nameserver 127.0.0.1" > "$CONF_DIR/resolv.conf"
LEGACY=web.shop.marathon.mesos
S=svc1.ns1-default.svc.cluster.local
# in_image COMMAND...: COMMAND in the root filesystem, with that mount, as uid/gid 65532, only
# CAP_NET_BIND_SERVICE in the bounding and permitted sets, and no_new_privs: what runc gives a
# non-root container with `capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}` and
# `allowPrivilegeEscalation: false`. Every step execs (call it in a subshell: `&` or `$(...)`), so
# `in_image ... &` gives COMMAND's pid in $!.
in_image() {
  local all_but_bind
  all_but_bind=$(seq 0 "$(cat /proc/sys/kernel/cap_last_cap)" | grep -vx 10 | paste -sd,)
  exec unshare --mount --propagation private -- sh -c '
    root=$1 conf=$2 capsh=$3 drop=$4 program=$5; shift 5
    mount --bind "$conf" "$root/etc/dnsd" && mount --bind "$conf/resolv.conf" "$root/etc/resolv.conf" &&
    mount --bind /proc "$root/proc" &&
    exec "$capsh" --chroot="$root" --drop="$drop" --keep=1 --gid=65532 --groups= --uid=65532 \
      --caps=cap_net_bind_service+p --no-new-privs --shell="$program" -- "$@"' \
    in_image "$ROOTFS" "$CONF_DIR" "$CAPSH" "$all_but_bind" "$@"
}

# dnsd-rules from the image (its libraries), on the image's own Corefile and on this test's.
cp "$ROOTFS/etc/dnsd/Corefile" "$CONF_DIR/default.Corefile"
out=$(in_image /usr/bin/dnsd-rules check /etc/dnsd/default.Corefile 2>&1)
if [ $? -eq 0 ]; then ok "dnsd-rules in the image checks the image's default Corefile: $out"
else bad "dnsd-rules in the image rejects the image's default Corefile: $out"; fi

start_knot
# A privileged port (the file capability is what lets uid 65532 bind it), free on 127.0.0.1 now.
for attempt in 1 2 3 4 5; do
  DNSD_PORT=$(( 600 + RANDOM % 424 ))
  port_in_use "$DNSD_PORT" && continue
  printf '.:%s {\n    bind 127.0.0.1\n    rewrite name exact %s %s\n    forward . 127.0.0.1:%s\n}\n' \
    "$DNSD_PORT" "$LEGACY" "$S" "$KNOT_PORT" > "$CONF_DIR/Corefile"
  in_image /usr/bin/dnsd -conf /etc/dnsd/Corefile >"$PEERS_DIR/dnsd.stdout" 2>"$PEERS_DIR/dnsd.stderr" &
  DNSD_PID=$!
  PEER_PIDS+=("$DNSD_PID")
  wait_until_answers "$DNSD_PID" "$DNSD_PORT" "$S" A && break
  kill -KILL "$DNSD_PID" 2>/dev/null; wait "$DNSD_PID" 2>/dev/null
  DNSD_PID=""
done
if [ -z "$DNSD_PID" ]; then
  cat "$PEERS_DIR/dnsd.stderr" >&2
  die "dnsd from the image did not start on a privileged port as uid 65532"
fi
say "dnsd from the image (pid $DNSD_PID) serving on 127.0.0.1:$DNSD_PORT"
status=$(cat "/proc/$DNSD_PID/status")
field() { awk -v f="$1:" '$1 == f { print $2 }' <<<"$status"; }
expect_eq "dnsd runs as uid 65532" "65532" "$(field Uid)"
expect_eq "dnsd runs as gid 65532" "65532" "$(field Gid)"
expect_eq "dnsd's effective capabilities: NET_BIND_SERVICE only" "0000000000000400" "$(field CapEff)"
expect_eq "dnsd's bounding set: NET_BIND_SERVICE only" "0000000000000400" "$(field CapBnd)"
expect_eq "dnsd runs with no_new_privs" "1" "$(field NoNewPrivs)"
D() { dig @127.0.0.1 -p "$DNSD_PORT" +time=3 +tries=1 +short "$@"; }
expect_eq "A over UDP from knot through dnsd in the image" "10.1.0.1" "$(D "$S" A)"
expect_eq "A over TCP" "10.1.0.1" "$(D "$S" A +tcp)"
expect_eq "rewritten legacy name" "10.1.0.1" "$(D "$LEGACY" A)"
out=$(in_image /usr/bin/dnsd-rules test /etc/dnsd/Corefile "$LEGACY" A 2>&1)
if grep -q "$S" <<<"$out"; then ok "dnsd-rules test in the image rewrites $LEGACY"
else bad "dnsd-rules test in the image: $out"; fi
stop_gracefully "$DNSD_PID" "dnsd from the image"

if [ "$FAILED" -ne 0 ]; then
  say "--- dnsd stderr ---"; cat "$PEERS_DIR/dnsd.stderr" >&2
  die "the image's root filesystem failed checks"
fi
say "PASS: root filesystem part"

# The OCI archive. buildah (vfs storage, from scratch) needs no registry and no kernel overlay.
skip_oci() { say "SKIP: OCI image part: $*"; say "(the root filesystem part passed)"; exit 77; }
find_program buildah >/dev/null || skip_oci "buildah not installed (.ci/packages)"
probe_root=$PEERS_DIR/buildah-probe
probe=(buildah --storage-driver vfs --root "$probe_root/root" --runroot "$probe_root/run")
"${probe[@]}" from scratch >/dev/null 2>"$PEERS_DIR/buildah-probe.log" ||
  skip_oci "buildah cannot make a container here: $(tail -n 3 "$PEERS_DIR/buildah-probe.log")"
"${probe[@]}" rm --all >/dev/null 2>&1
run_image_script 300 build-oci

layout=$PEERS_DIR/oci
mkdir -p "$layout" && tar -C "$layout" -xf "$OUT_DIR/dnsd-image.tar" || die "cannot unpack the OCI archive"
blob() { echo "$layout/blobs/sha256/${1#sha256:}"; }
# digest_after KEY FILE: the first sha256 digest after "KEY" in the (compact, one-line) JSON FILE.
digest_after() { grep -o "\"$1\":{[^}]*\"digest\":\"sha256:[0-9a-f]*\"" "$2" | grep -o 'sha256:[0-9a-f]*' | head -n1; }
manifest=$(blob "$(grep -o 'sha256:[0-9a-f]*' "$layout/index.json" | head -n1)")
config=$(blob "$(digest_after config "$manifest")")
layer=$(blob "$(grep -o '"layers":\[{[^]]*' "$manifest" | grep -o 'sha256:[0-9a-f]*' | head -n1)")
[ -f "$manifest" ] && [ -f "$config" ] && [ -f "$layer" ] || die "OCI archive lacks its manifest, config or layer"
expect_eq "the archive's image is named dnsd:VERSION" "dnsd:$("$DNSD" -version | sed -n '1s/^dnsd-//p')" \
  "$(grep -o '"org.opencontainers.image.ref.name":"[^"]*"' "$layout/index.json" | cut -d'"' -f4)"
wants=("\"Entrypoint\":$ENTRYPOINT" "\"Cmd\":$CMD" "\"User\":\"$USER_GROUP\"" '"org.opencontainers.image.title":"dnsd"')
for port in $PORTS; do wants+=("\"$port\":{}"); done
for want in "${wants[@]}"; do
  if grep -qF "$want" "$config"; then ok "image config has $want"; else bad "image config lacks $want: $(cat "$config")"; fi
done
extracted=$PEERS_DIR/layer
mkdir -p "$extracted"
tar -C "$extracted" --xattrs --xattrs-include='security.capability' -xzf "$layer" usr/bin/dnsd usr/bin/dnsd-rules ||
  bad "the layer lacks usr/bin/dnsd or usr/bin/dnsd-rules"
expect_eq "the layer keeps dnsd's file capability" "cap_net_bind_service=ep" \
  "$("$GETCAP" "$extracted/usr/bin/dnsd" | awk '{ print $2 }')"
# Loading it back (as podman load would) must work too, from the archive alone.
if "${probe[@]}" from --name image-test-load "oci-archive:$OUT_DIR/dnsd-image.tar" >/dev/null 2>"$PEERS_DIR/load.log"; then
  expect_eq "buildah loads the archive; its user" "$USER_GROUP" \
    "$("${probe[@]}" inspect --format '{{.OCIv1.Config.User}}' image-test-load)"
  "${probe[@]}" rm image-test-load >/dev/null; "${probe[@]}" rmi --all >/dev/null 2>&1
else
  bad "buildah cannot load the archive: $(tail -n 3 "$PEERS_DIR/load.log")"
fi

[ "$FAILED" -eq 0 ] || die "the OCI image failed checks"
say "PASS: image test ($(du -h "$OUT_DIR/dnsd-image.tar" | cut -f1) OCI archive, root filesystem $(du -sh "$ROOTFS" | cut -f1))"
