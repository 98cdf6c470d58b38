#!/usr/bin/env bash
# Benchmark of nodeimage:render on the demo project (the whole bundled catalog plus demo-node):
# wall time of the goal minus that of nodeimage:help (Maven's own start-up), median of N runs,
# for a fresh render and for an unchanged catalog re-checked. Needs the plugin installed
# (./mvnw -B install -DskipTests).
set -euo pipefail
cd "$(dirname "$0")/../demo"
runs=${1:-7}
plugin=io.nodeimage:nodeimage-maven-plugin:0.1.0-SNAPSHOT
mvn_cmd=(../mvnw -B -q -o)

ms() { date +%s%N | cut -c1-13; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

time_of() {
  local start end
  start=$(ms)
  "${mvn_cmd[@]}" "$@" >/dev/null
  end=$(ms)
  echo $((end - start))
}

# The goal's own measure of its work (resolve, render, write), from its last log line.
inner_of() {
  ../mvnw -B -o "$@" | sed -n 's/.*Rendered .* in \([0-9]*\) ms$/\1/p'
}

out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT
help=() fresh=() unchanged=()
for i in $(seq 1 "$runs"); do
  help+=("$(time_of "$plugin:help")")
  fresh+=("$(time_of "$plugin:render" -Dnodeimage.profiles='*' -Dnodeimage.outputDirectory="$out/$i")")
  unchanged+=("$(time_of "$plugin:render" -Dnodeimage.profiles='*' -Dnodeimage.outputDirectory="$out/$i")")
done
h=$(printf '%s\n' "${help[@]}" | median)
f=$(printf '%s\n' "${fresh[@]}" | median)
u=$(printf '%s\n' "${unchanged[@]}" | median)
files=$(find "$out/1" -type f | wc -l)
inner_fresh=() inner_unchanged=()
for i in $(seq 1 "$runs"); do
  inner_fresh+=("$(inner_of "$plugin:render" -Dnodeimage.profiles='*' -Dnodeimage.outputDirectory="$out/inner-$i")")
  inner_unchanged+=("$(inner_of "$plugin:render" -Dnodeimage.profiles='*' -Dnodeimage.outputDirectory="$out/inner-$i")")
done
echo "runs: $runs; files rendered per run: $files"
echo "help median:      ${h} ms   (${help[*]})"
echo "render median:    ${f} ms   (${fresh[*]})"
echo "unchanged median: ${u} ms   (${unchanged[*]})"
echo "plugin work, render:    $(awk -v a="$f" -v b="$h" 'BEGIN {print a - b}') ms"
echo "plugin work, unchanged: $(awk -v a="$u" -v b="$h" 'BEGIN {print a - b}') ms"
echo "as the goal measures itself: render median $(printf '%s\n' "${inner_fresh[@]}" | median) ms (${inner_fresh[*]}),"
echo "  unchanged median $(printf '%s\n' "${inner_unchanged[@]}" | median) ms (${inner_unchanged[*]})"
