#!/usr/bin/env bash
# Make a Debian base image locally, without any container registry:
# debootstrap a minimal root file system into a folder, then `docker import` it.
#
# Air-gapped sites run this against their own Debian mirror (--mirror); without
# --mirror, debootstrap uses its built-in default, so no host name is written here.
#
# Usage: seed-base-image.sh [--suite bookworm] [--tag nodeimage/debian:12]
#                           [--mirror URL] [--variant minbase] [--force]
set -euo pipefail

suite=bookworm
tag=nodeimage/debian:12
mirror=
variant=minbase
force=false

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=${2:?--suite needs a value}; shift 2 ;;
    --tag) tag=${2:?--tag needs a value}; shift 2 ;;
    --mirror) mirror=${2:?--mirror needs a value}; shift 2 ;;
    --variant) variant=${2:?--variant needs a value}; shift 2 ;;
    --force) force=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "seed-base-image: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done

if ! docker info >/dev/null 2>&1; then
  echo "seed-base-image: no Docker engine answers; start dockerd first" >&2
  exit 1
fi

if [ "$force" = false ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "seed-base-image: $tag is already present (use --force to rebuild)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "seed-base-image: debootstrap needs root" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nodeimage-rootfs.XXXXXX")
trap 'rm -rf -- "$work"' EXIT

echo "seed-base-image: debootstrap $suite ($variant) into $work"
args=(--variant="$variant" "$suite" "$work/rootfs")
if [ -n "$mirror" ]; then
  args+=("$mirror")
fi
debootstrap "${args[@]}" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  echo "seed-base-image: debootstrap failed" >&2
  exit 1
}

# Trim what a container image never needs; the package database stays intact.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* \
  "$work/rootfs/var/log/"*.log

echo "seed-base-image: importing as $tag"
tar --numeric-owner -C "$work/rootfs" -c . |
  docker import \
    --change 'CMD ["/bin/bash"]' \
    --change "LABEL org.opencontainers.image.title=$tag" \
    --change "LABEL io.nodeimage.seed.suite=$suite" \
    - "$tag" >/dev/null
docker image inspect --format '{{.Id}}' "$tag"
