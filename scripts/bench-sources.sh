#!/usr/bin/env bash
# Benchmark of inspect per image source on one image (default: nodeimage-bench/zst, Debian's
# linux-image-amd64 module tree zstd-compressed, which scripts/bench-inspect.sh builds): the engine,
# its docker save archive, an OCI layout made of that archive, and a registry (Debian's
# docker-registry on 127.0.0.1) it is pushed to. Beside each, the floor: the same bytes streamed to
# /dev/null (docker cp of the module tree; the archive read; the layout's and the registry's gzip blobs
# read and expanded). Needs the modules installed (mvn install) and the it/ test classes compiled.
# Usage: bench-sources.sh [image] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-nodeimage-bench/zst:latest}
runs=${2:-3}
work=${BENCH_WORK:-/tmp/nodeimage-bench-sources}
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
(cd it && ../mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile="$work.cp" -Dmdep.includeScope=test) >/dev/null
java -cp "it/target/test-classes:$(cat "$work.cp")" io.nodeimage.it.SourcesBench "$image" "$work" "$runs" /usr/bin/docker-registry
