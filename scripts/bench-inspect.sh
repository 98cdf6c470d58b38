#!/usr/bin/env bash
# Benchmark of nodeimage:inspect on Debian's linux-image-amd64 module tree (about 4,000 modules) in
# three shapes: uncompressed (Debian), zstd (Ubuntu 24.04) and xz (RHEL). Per shape it times:
#   floor    the engine streaming the tree: `docker cp <container>:/usr/lib/modules -` into /dev/null
#            (onto disk would add the disk's time to the floor);
#   modinfo  modinfo over every module inside the container (container start-up excluded);
#   first    the inspect goal with an empty module facts cache (a fresh nodeimage.moduleCache);
#   cached   the inspect goal again with the cache the first run filled;
# each goal as wall time minus nodeimage:help timed beside it (the goal's own figure too), with the
# Maven JVM's peak resident memory, on a 256 MB heap. Medians of N runs (default 3), raw figures beside.
# Needs the plugin installed and a Docker engine; builds the three images once. Maven options (another
# local repository, say) can be passed in MAVEN_ARGS, which Maven 3.9 reads.
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

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

# One inspect run: prints "wall-ms goal-ms rss-kb".
inspect() {
  local tag=$1 cache=$2 s e out
  s=$(ms)
  out=$(/usr/bin/time -f '%M' -o "$work/rss" ../mvnw -B -o "$plugin:inspect" -Dnodeimage.image="$tag" \
    -Dnodeimage.outputDirectory="$work/out" -Dnodeimage.moduleCache="$cache")
  e=$(ms)
  echo "$((e - s)) $(echo "$out" | sed -n 's/.* in \([0-9]*\) ms$/\1/p' | head -n 1) $(tail -n 1 "$work/rss")"
}

for shape in plain zst xz; do
  build "$shape"
done

cd demo
echo "kernel $kver, $(find "$root/lib/modules" -name '*.ko' | wc -l) modules; runs: $runs"
for shape in plain zst xz; do
  tag="nodeimage-bench/$shape:latest"
  floor_t=() modinfo_t=() help_t=() first_w=() first_i=() first_r=() cached_w=() cached_i=() cached_r=()
  for _ in $(seq 1 "$runs"); do
    cid=$(docker create --network none "$tag" /bin/true)
    s=$(ms); docker cp "$cid:/usr/lib/modules" - >/dev/null; e=$(ms); floor_t+=($((e - s)))
    docker rm "$cid" >/dev/null
    t=$(docker run --rm --network none "$tag" sh -c 's=$(date +%s%N); find /usr/lib/modules -name "*.ko*" | xargs modinfo >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))')
    modinfo_t+=("$t")
    # The baseline is timed beside each pair of runs: on a shared machine it drifts as much as they do.
    s=$(ms); ../mvnw -B -q -o "$plugin:help" >/dev/null; e=$(ms); h=$((e - s)); help_t+=("$h")
    rm -rf "$work/cache"
    read -r w i r < <(inspect "$tag" "$work/cache")
    first_w+=($((w - h))) first_i+=("$i") first_r+=("$r")
    read -r w i r < <(inspect "$tag" "$work/cache")
    cached_w+=($((w - h))) cached_i+=("$i") cached_r+=("$r")
  done
  f=$(printf '%s\n' "${floor_t[@]}" | median)
  m=$(printf '%s\n' "${modinfo_t[@]}" | median)
  h=$(printf '%s\n' "${help_t[@]}" | median)
  echo "$shape: floor ${f} ms (raw: ${floor_t[*]}); modinfo ${m} ms (raw: ${modinfo_t[*]}); help ${h} ms (raw: ${help_t[*]})"
  for run in first cached; do
    declare -n W="${run}_w" I="${run}_i" R="${run}_r"
    w=$(printf '%s\n' "${W[@]}" | median)
    i=$(printf '%s\n' "${I[@]}" | median)
    r=$(printf '%s\n' "${R[@]}" | median)
    echo "$shape $run: inspect minus help ${w} ms (raw: ${W[*]}), goal's own ${i} ms (raw: ${I[*]}), peak RSS $((r / 1024)) MB; to floor $(ratio "$w" "$f"), to modinfo $(ratio "$w" "$m")"
    unset -n W I R
  done
done
rm -rf "$work/out" "$work/cache"
