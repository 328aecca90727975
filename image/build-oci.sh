#!/usr/bin/env bash
# Turns the root filesystem of image/build-rootfs.sh into an OCI image with buildah, from scratch
# (no registry is asked for anything), and writes it as the OCI archive OUT_DIR/dnsd-image.tar.
# Usage: image/build-oci.sh [-b BUILD_DIR] [-o OUT_DIR]    (as root; docs/image.md)
#   -b  where bin/dnsd and bin/dnsd-rules are (default: build)
#   -o  where the rootfs is built and the archive written (default: BUILD_DIR/image)
# Load it with `podman load -i`, `ctr images import`, or `skopeo copy oci-archive:...`.
# The archive is reused while the root filesystem's key and this script are unchanged.
set -euo pipefail
image_dir=$(cd "$(dirname "$0")" && pwd)
build_dir=build out_dir=""
while getopts b:o: opt; do
  case $opt in
    b) build_dir=$OPTARG ;;
    o) out_dir=$OPTARG ;;
    *) sed -n '2,7s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
out_dir=${out_dir:-$build_dir/image}
"$image_dir/build-rootfs.sh" -b "$build_dir" -o "$out_dir"
archive=$out_dir/dnsd-image.tar
key=$( { cat "$out_dir/rootfs.key"; sha256sum < "$0"; } | sha256sum | cut -d' ' -f1)
if [ -f "$archive" ] && [ "$(cat "$out_dir/dnsd-image.key" 2>/dev/null)" == "$key" ]; then
  echo "$archive is up to date: $(du -h "$archive" | cut -f1)" >&2
  exit 0
fi
rm -f "$out_dir/dnsd-image.key"
command -v buildah >/dev/null || {
  echo "$0: installing buildah" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends buildah >&2
}

# "dnsd-0.1.0" and "linux/amd64, gcc 12.2.0, 26ddc40": the version and commit the binary was built from.
version_lines=$("$build_dir/bin/dnsd" -version)
version=$(sed -n '1s/^dnsd-//p' <<<"$version_lines")
revision=$(sed -n '2s/.*, //p' <<<"$version_lines")
# vfs needs no kernel overlay support (works inside containers); a private storage root keeps the
# host's images and this build apart.
buildah=(buildah --storage-driver vfs --root "$out_dir/buildah/root" --runroot "$out_dir/buildah/run")
image_name=localhost/dnsd:$version
container=$("${buildah[@]}" from --name "dnsd-image-$$" scratch)
trap '"${buildah[@]}" rm "$container" >/dev/null 2>&1 || true' EXIT

# tar with xattrs, not `buildah copy`: dnsd's security.capability (its cap_net_bind_service) must survive.
mountpoint=$("${buildah[@]}" mount "$container")
tar -C "$out_dir/rootfs" --xattrs --xattrs-include='*' -cf - . | tar -C "$mountpoint" --xattrs --xattrs-include='*' -xf -
"${buildah[@]}" umount "$container" >/dev/null
"${buildah[@]}" config \
  --entrypoint '["/usr/bin/dnsd"]' --cmd '-conf /etc/dnsd/Corefile' \
  --user 65532:65532 --workingdir /home/nonroot \
  --port 53/udp --port 53/tcp --port 9153/tcp --port 8080/tcp --port 8181/tcp \
  --created-by "image/build-oci.sh (mmdebstrap bookworm minbase)" \
  --label org.opencontainers.image.title=dnsd \
  --label "org.opencontainers.image.description=DNS daemon, drop-in for CoreDNS's rewrite, cache and forward; Debian bookworm packages only" \
  --label "org.opencontainers.image.version=$version" \
  --label "org.opencontainers.image.revision=$revision" \
  --label "org.opencontainers.image.base.name=debian:bookworm (mmdebstrap --variant=minbase)" \
  "$container"
"${buildah[@]}" commit --quiet --format oci --rm "$container" "$image_name" >/dev/null
trap - EXIT
rm -f "$archive"
"${buildah[@]}" push --quiet "$image_name" "oci-archive:$archive:dnsd:$version"
# The archive is the product; a second copy in vfs storage would only take disk space.
"${buildah[@]}" rmi "$image_name" >/dev/null
echo "$key" > "$out_dir/dnsd-image.key"
echo "$archive: dnsd:$version, $(du -h "$archive" | cut -f1)" >&2
