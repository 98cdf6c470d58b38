#!/usr/bin/env bash
# Fetch a Debian kernel package with apt (its configured sources; no host is named here) and unpack
# its module tree, as real material for the module parser's tests. Prints the unpacked root.
#
# Usage: fetch-kernel-modules.sh [--package linux-image-cloud-amd64] [--cache DIR]
set -euo pipefail

package=linux-image-cloud-amd64
cache=${NODEIMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nodeimage}

while [ $# -gt 0 ]; do
  case "$1" in
    --package) package=${2:?--package needs a value}; shift 2 ;;
    --cache) cache=${2:?--cache needs a value}; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fetch-kernel-modules: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

# A metapackage (linux-image-cloud-amd64) names the versioned package that holds the modules.
versioned=$(apt-cache depends "$package" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n 1)
versioned=${versioned:-$package}
root="$cache/kernels/$versioned"
if [ -d "$root/lib/modules" ]; then
  echo "$root"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nodeimage-kernel.XXXXXX")
trap 'rm -rf -- "$work"' EXIT
if ! (cd "$work" && apt-get download "$versioned" >/dev/null 2>&1); then
  # Package lists may be missing or stale on a fresh machine: refresh them once, then try again.
  apt-get update -q >/dev/null
  (cd "$work" && apt-get download "$versioned" >/dev/null 2>&1) || {
    echo "fetch-kernel-modules: apt-get download $versioned failed" >&2
    exit 1
  }
fi
mkdir -p "$work/root"
dpkg-deb -x "$work"/*.deb "$work/root"
mkdir -p "$(dirname "$root")"
rm -rf "$root"
mv "$work/root" "$root"
echo "$root"
