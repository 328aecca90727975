#!/usr/bin/env bash
# Builds the root filesystem of the dnsd container image from Debian packages only: a minimal bookworm
# (mmdebstrap --variant=minbase), the runtime packages of the built binaries (image/runtime-packages.sh),
# then dnsd itself (image/install-dnsd.sh: /usr/bin/dnsd with cap_net_bind_service, dnsd-rules, the
# default /etc/dnsd/Corefile, the user nonroot 65532).
# Usage: image/build-rootfs.sh [-b BUILD_DIR] [-o OUT_DIR] [-f]    (as root; docs/image.md)
#   -b  where bin/dnsd and bin/dnsd-rules are (default: build)
#   -o  where to write rootfs/ (default: BUILD_DIR/image)
#   -f  rebuild even if OUT_DIR/rootfs is up to date
# OUT_DIR/rootfs is reused while its key (the binaries, the package list, these files) is unchanged,
# and the .deb files it was made from are kept in OUT_DIR/apt-cache so that a rebuild downloads nothing.
set -euo pipefail
image_dir=$(cd "$(dirname "$0")" && pwd)
build_dir=build out_dir="" force=0
while getopts b:o:f opt; do
  case $opt in
    b) build_dir=$OPTARG ;;
    o) out_dir=$OPTARG ;;
    f) force=1 ;;
    *) sed -n '2,11s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
out_dir=${out_dir:-$build_dir/image}
binaries=("$build_dir/bin/dnsd" "$build_dir/bin/dnsd-rules")
for binary in "${binaries[@]}"; do
  [ -x "$binary" ] || { echo "$0: $binary not built (cmake --build $build_dir --target dnsd dnsd-rules)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "$0: needs root (mmdebstrap's root mode, setcap)" >&2; exit 1; }
# The host's apt sources (deb.debian.org), spelled out so the image does not depend on the host's files.
mirrors=(
  "deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main"
)

packages=$("$image_dir/runtime-packages.sh" "${binaries[@]}")
key=$( { sha256sum "${binaries[@]}" "$image_dir/build-rootfs.sh" "$image_dir/runtime-packages.sh" \
         "$image_dir/install-dnsd.sh" "$image_dir/Corefile" | cut -d' ' -f1; printf '%s\n' "$packages" "${mirrors[@]}"; } | sha256sum | cut -d' ' -f1)
rootfs=$out_dir/rootfs
if [ "$force" -eq 0 ] && [ -d "$rootfs" ] && [ "$(cat "$out_dir/rootfs.key" 2>/dev/null)" == "$key" ]; then
  echo "$rootfs is up to date (key $key)" >&2
  exit 0
fi

export PATH=$PATH:/usr/sbin:/sbin
missing=()
for tool in mmdebstrap:mmdebstrap gpg:gpg setcap:libcap2-bin strip:binutils; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if ((${#missing[@]})); then
  echo "$0: installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

mkdir -p "$out_dir/apt-cache"
export DNSD_APT_CACHE DNSD_HOST_APT_CACHE=${DNSD_HOST_APT_CACHE:-/var/cache/apt/archives}
DNSD_APT_CACHE=$(cd "$out_dir/apt-cache" && pwd)
staging=$out_dir/rootfs.new
rm -rf "$staging" "$DNSD_APT_CACHE.new"
started=$(date +%s)
# Speed: the .deb files come from the host's apt cache and from our own (hard links, so nothing is
# copied; apt still checks each against the index), essential/unlink keeps them until the
# customize hook has linked the ones used into apt-cache.new; the host's package lists spare
# apt-get update the index downloads; dpkg skips fsync. Size: no docs (but copyright), man or locales,
# and /usr merged by the hook rather than by the usrmerge package (which brings in perl).
mmdebstrap --variant=minbase --mode=root --format=directory \
  --include="$(tr '\n' ',' <<<"$packages")" \
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
  --skip=essential/unlink \
  --dpkgopt=force-unsafe-io \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --setup-hook='mkdir -p "$1/var/cache/apt/archives" "$1/var/lib/apt/lists"
    cp -l "$DNSD_HOST_APT_CACHE"/*.deb "$1/var/cache/apt/archives/" 2>/dev/null
    cp -lf "$DNSD_APT_CACHE"/*.deb "$1/var/cache/apt/archives/" 2>/dev/null ||
      cp -f "$DNSD_APT_CACHE"/*.deb "$1/var/cache/apt/archives/" 2>/dev/null
    cp -p /var/lib/apt/lists/*_InRelease /var/lib/apt/lists/*_Packages* "$1/var/lib/apt/lists/" 2>/dev/null
    true' \
  --customize-hook='mkdir -p "$DNSD_APT_CACHE.new" && cd "$1/var/cache/apt/archives" &&
    dpkg-query --admindir="$1/var/lib/dpkg" -W -f="\${Package}_\${Version}_\${Architecture}.deb\n" |
      sed "s/:/%3a/" | while read -r deb; do
        [ -e "$deb" ] && { ln -f "$deb" "$DNSD_APT_CACHE.new/" 2>/dev/null || cp "$deb" "$DNSD_APT_CACHE.new/"; }
      done; true' \
  bookworm "$staging" "${mirrors[@]}"
rm -rf "$DNSD_APT_CACHE" && mv "$DNSD_APT_CACHE.new" "$DNSD_APT_CACHE"

# Stripped: the debug info of a RelWithDebInfo build is most of the binaries' size.
mkdir -p "$out_dir/stripped"
strip -o "$out_dir/stripped/dnsd" "${binaries[0]}"
strip -o "$out_dir/stripped/dnsd-rules" "${binaries[1]}"
"$image_dir/install-dnsd.sh" "$staging" "$out_dir/stripped/dnsd" "$out_dir/stripped/dnsd-rules" "$image_dir/Corefile"
rm -rf "$out_dir/stripped"
# The build host's resolver and name do not belong in the image: the container runtime mounts its
# own over the empty /etc/resolv.conf, and sets the host name.
: > "$staging/etc/resolv.conf"
rm -f "$staging/etc/hostname"

rm -rf "$rootfs" && mv "$staging" "$rootfs"
echo "$key" > "$out_dir/rootfs.key"
echo "$rootfs built in $(( $(date +%s) - started )) s: $(du -sh "$rootfs" | cut -f1), packages: $(tr '\n' ' ' <<<"$packages")" >&2
