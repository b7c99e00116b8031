#!/usr/bin/env bash
# Images per minute for the README's Spark figures, side by side in one run on one machine:
# `usrnet restore` in batch mode (one process, one model), `usrnet-spark --master local[1]` and
# `local[2]`, on the same N low-resolution images: the first N of DIR (sorted), each degraded x2
# by `usrnet degrade` (Table-1 kernel 3, sigma 2.55); all restored x2 with the built-in model.
# Whole wall time of each command, start-up included. Build first: mvn -q -B package -DskipTests.
# Usage: spark-module/bench/images-per-minute.sh DIR [N=24]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:?usage: images-per-minute.sh DIR [N]}"
n="${2:-24}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lr"
k="samples/kernels_12.mat:kernels:3"
for f in $(ls "$dir" | grep -iE '\.(png|jpg|jpeg|tif|tiff|bmp)$' | sort | head -n "$n"); do
  ./usrnet degrade --input "$dir/$f" --kernel "$k" --scale 2 --sigma 2.55 --output "$work/lr/${f%.*}.png" -q
done
count=$(ls "$work/lr" | wc -l)
echo "$count LR images in $work/lr (first of $dir, x2 by degrade); restoring x2, sigma 2.55, $(nproc) cores"
run() {
  local label="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$work/log" 2>&1 || { tail -5 "$work/log"; exit 1; }
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v c="$count" \
    'BEGIN { s = b - a; printf "%-34s %7.1f s  %6.1f images/min  %5.2f s/image\n", l, s, c / s * 60, s / c }'
}
mkdir -p "$work/out-restore" "$work/out-local1" "$work/out-local2"
run "usrnet restore (batch, 1 process)" ./usrnet restore --input "$work/lr" --output "$work/out-restore" \
  --kernel "$k" --scale 2 --sigma 2.55 -q
run "usrnet-spark --master local[1]" ./usrnet-spark --master 'local[1]' --input "$work/lr" \
  --output "$work/out-local1" --kernel "$k" --scale 2 --sigma 2.55
run "usrnet-spark --master local[2]" ./usrnet-spark --master 'local[2]' --input "$work/lr" \
  --output "$work/out-local2" --kernel "$k" --scale 2 --sigma 2.55
for f in "$work/out-restore"/*; do
  cmp -s "$f" "$work/out-local2/$(basename "$f")" || { echo "differs from restore: $(basename "$f")"; exit 1; }
done
echo "outputs of local[2] identical to restore's: yes"
