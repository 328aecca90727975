#!/usr/bin/env bash
# Prints the Debian packages a dnsd image needs at run time, one a line, sorted: those that own the
# shared libraries the given binaries link (ldd, then dpkg -S), so a newly linked library is picked
# up by itself, plus ca-certificates (forward tls:// verifies against the system store) and iproute2
# (the Helm chart's nodelocal init container creates its dummy interface with `ip`).
# Usage: image/runtime-packages.sh BINARY...   (on the Debian system that built the binaries)
set -euo pipefail
(($#)) || { echo "usage: $0 BINARY..." >&2; exit 2; }

# Every Debian base has these (minbase and bookworm-slim: libc6, and through apt the C++ runtime).
base_packages=" libc6 libgcc-s1 libstdc++6 zlib1g "

# owner LIBRARY: the package that ships LIBRARY. ldd names /lib/... where dpkg may know /usr/lib/...
# (merged /usr) and a symlink where dpkg knows its target, so try those spellings too.
owner() {
  local real candidate found
  real=$(realpath "$1")
  for candidate in "$1" "$real" "/usr$1" "/usr$real" "${real#/usr}"; do
    if found=$(dpkg-query -S "$candidate" 2>/dev/null); then
      found=${found%%$'\n'*}   # "libssl3:amd64: /usr/lib/x86_64-linux-gnu/libssl.so.3"
      echo "${found%%[:,]*}"
      return 0
    fi
  done
  echo "$0: no Debian package ships $1" >&2
  return 1
}

linked=$(ldd "$@")
if grep 'not found' <<<"$linked" >&2; then exit 1; fi
libraries=$(awk '$2 == "=>" && $3 ~ /^\// { print $3 }' <<<"$linked" | sort -u)
{
  for library in $libraries; do
    package=$(owner "$library")
    [[ $base_packages == *" $package "* ]] || echo "$package"
  done
  echo ca-certificates
  echo iproute2
} | sort -u
