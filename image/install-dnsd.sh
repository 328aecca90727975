#!/usr/bin/env bash
# Installs dnsd into a Debian root filesystem that has its runtime packages (image/runtime-packages.sh):
# the binaries in /usr/bin, dnsd's file capability, the default /etc/dnsd/Corefile, the user nonroot
# (uid/gid 65532, as in distroless images), and no apt lists, caches or logs. One script for both
# ways to build the image: image/build-rootfs.sh (ROOT is its staging directory) and the Dockerfile
# (ROOT is /).
# Usage: image/install-dnsd.sh ROOT DNSD DNSD_RULES COREFILE   (as root)
set -euo pipefail
(($# == 4)) || { sed -n '7s/^# //p' "$0" >&2; exit 2; }
root=$1 dnsd=$2 dnsd_rules=$3 corefile=$4
export PATH=$PATH:/usr/sbin:/sbin

install -m 0755 "$dnsd" "$root/usr/bin/dnsd"
install -m 0755 "$dnsd_rules" "$root/usr/bin/dnsd-rules"
# The file capability lets dnsd bind :53 as a non-root user. A container running as 65532 with all
# capabilities dropped but NET_BIND_SERVICE has it in its bounding and permitted sets only, and an
# exec as non-root empties the permitted set; +ep raises it back (and makes it effective) at exec.
# allowPrivilegeEscalation: false (no_new_privs) still allows that: it is no more than the process had.
setcap cap_net_bind_service=+ep "$root/usr/bin/dnsd"
install -D -m 0644 "$corefile" "$root/etc/dnsd/Corefile"
chroot "$root" groupadd --gid 65532 nonroot
chroot "$root" useradd --uid 65532 --gid 65532 --create-home --home-dir /home/nonroot \
  --shell /usr/sbin/nologin -K UID_MAX=65532 -K GID_MAX=65532 nonroot
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/var/cache/debconf/*-old \
  "$root"/var/log/* "$root"/var/lib/dpkg/*-old
