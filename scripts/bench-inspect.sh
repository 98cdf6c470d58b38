#!/usr/bin/env bash
# Benchmark of nodeimage:inspect on Debian's linux-image-amd64 module tree (about 4,000 modules) in
# three shapes: uncompressed (Debian), zstd (Ubuntu 24.04) and xz (RHEL). For each image it times
# `docker cp` of the tree, modinfo over every module inside the container, and the inspect goal (wall
# time minus nodeimage:help, the goal's own figure, and the Maven JVM's peak resident memory), with a
# 256 MB heap. Medians of N runs.
# Needs the plugin installed and a Docker engine; builds the three images once.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
plugin=io.nodeimage:nodeimage-maven-plugin:0.1.0-SNAPSHOT
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=localhost
export MAVEN_OPTS="-Xmx256m"

root=$(bash scripts/fetch-kernel-modules.sh --package linux-image-amd64)
kver=$(ls "$root/lib/modules")
work=${BENCH_WORK:-/tmp/nodeimage-bench}
mkdir -p "$work"

ms() { date +%s%N | cut -c1-13; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

build() {
  local shape=$1 tag="nodeimage-bench/$1:latest"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    return
  fi
  local ctx="$work/ctx-$shape"
  rm -rf "$ctx" && mkdir -p "$ctx/modules"
  cp -a "$root/lib/modules/$kver" "$ctx/modules/"
  case "$shape" in
    zst) find "$ctx/modules" -name '*.ko' -print0 | xargs -0 -P2 -n 64 zstd -q --rm -19 ;;
    xz) find "$ctx/modules" -name '*.ko' -print0 | xargs -0 -P2 -n 64 xz -q --check=crc32 --lzma2=dict=1MiB ;;
  esac
  printf 'FROM nodeimage/debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends kmod && rm -rf /var/lib/apt/lists/*\nCOPY modules/ /usr/lib/modules/\nRUN depmod %s\n' "$kver" >"$ctx/Containerfile"
  docker build -q --network host -f "$ctx/Containerfile" -t "$tag" "$ctx" >/dev/null
  rm -rf "$ctx"
}

for shape in plain zst xz; do
  build "$shape"
done

cd demo
help=()
for _ in $(seq 1 "$runs"); do
  s=$(ms); ../mvnw -B -q -o "$plugin:help" >/dev/null; e=$(ms); help+=($((e - s)))
done
h=$(printf '%s\n' "${help[@]}" | median)
echo "kernel $kver, $(find "$root/lib/modules" -name '*.ko' | wc -l) modules; runs: $runs; help median ${h} ms"
for shape in plain zst xz; do
  tag="nodeimage-bench/$shape:latest"
  cp_t=() modinfo_t=() wall=() inner=() rss=()
  for _ in $(seq 1 "$runs"); do
    cid=$(docker create --network none "$tag" /bin/true)
    rm -rf "$work/cp"
    s=$(ms); docker cp "$cid:/usr/lib/modules" "$work/cp"; e=$(ms); cp_t+=($((e - s)))
    docker rm "$cid" >/dev/null
    # modinfo over every module, timed inside the container (start-up excluded).
    t=$(docker run --rm --network none "$tag" sh -c 's=$(date +%s%N); find /usr/lib/modules -name "*.ko*" | xargs modinfo >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))')
    modinfo_t+=("$t")
    s=$(ms)
    out=$(/usr/bin/time -f '%M' -o "$work/rss" ../mvnw -B -o "$plugin:inspect" -Dnodeimage.image="$tag" -Dnodeimage.outputDirectory="$work/out")
    e=$(ms); wall+=($((e - s))); rss+=("$(tail -n 1 "$work/rss")")
    inner+=("$(echo "$out" | sed -n 's/.* in \([0-9]*\) ms$/\1/p' | head -n 1)")
  done
  c=$(printf '%s\n' "${cp_t[@]}" | median)
  m=$(printf '%s\n' "${modinfo_t[@]}" | median)
  w=$(printf '%s\n' "${wall[@]}" | median)
  i=$(printf '%s\n' "${inner[@]}" | median)
  r=$(printf '%s\n' "${rss[@]}" | median)
  echo "$shape: docker cp ${c} ms; modinfo ${m} ms; inspect wall ${w} ms, minus help $((w - h)) ms, goal's own ${i} ms, peak RSS $((r / 1024)) MB; ratio to docker cp $(awk -v a=$((w - h)) -v b="$c" 'BEGIN {printf "%.2f", a / b}')"
done
rm -rf "$work/cp" "$work/out"
