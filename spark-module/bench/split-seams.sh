#!/usr/bin/env bash
# What restoring an image in pieces (usrnet-spark --split) costs in accuracy, for the README's Spark
# figures: the first N images of DIR (sorted), each degraded x2 by `usrnet degrade --protocol table1` (kernel 3,
# sigma 2.55, circular blur), restored x2 with the built-in model as a whole (`usrnet restore`) and in
# pieces of at most SPLIT x SPLIT LR pixels (`usrnet-spark --master local[2] --split SPLIT`) with margins
# of 8, 16 and 32 pixels, for the periodic and the smooth boundary. Prints, per setting, the mean PSNR
# of the pieced result against the whole-image one (8-bit outputs; higher = closer; inf = identical),
# the mean PSNR of both against the sharp originals, and the wall time of each usrnet-spark run.
# Build first: mvn -q -B package -DskipTests.
# Usage: spark-module/bench/split-seams.sh DIR [N=8] [SPLIT=96]
set -euo pipefail
cd "$(dirname "$0")/../.."
dir="${1:?usage: split-seams.sh DIR [N] [SPLIT]}"
n="${2:-8}"
split="${3:-96}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
k="samples/kernels_12.mat:kernels:3"
mkdir -p "$work/lr" "$work/hr"
for f in $(ls "$dir" | grep -iE '\.(png|jpg|jpeg|tif|tiff|bmp)$' | sort | head -n "$n"); do
  cp "$dir/$f" "$work/hr/${f%.*}.png" 2>/dev/null || true
  ./usrnet degrade --protocol table1 --input "$dir/$f" --kernel "$k" --scale 2 --sigma 2.55 --output "$work/lr/${f%.*}.png" -q
done
count=$(ls "$work/lr" | wc -l)
echo "$count LR images (x2 by degrade, first of $dir); pieces of at most ${split}x${split} LR pixels; $(nproc) cores"
psnr() { # mean PSNR of the images in folder $2 against those of folder $1 (same names)
  local sum=0 m=0 v
  for f in "$2"/*.png; do
    v=$(./usrnet compare --reference "$1/$(basename "$f")" "$f" 2>&1 | awk '/dB/ { print $1; exit }')
    [[ "$v" == "Infinity" ]] && v=inf
    sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print (b == "inf" || a == "inf") ? "inf" : a + b }')
    m=$((m + 1))
  done
  awk -v a="$sum" -v m="$m" 'BEGIN { if (a == "inf") print "inf"; else printf "%.2f", a / m }'
}
printf "%-9s %-7s %10s %14s %14s %8s\n" boundary margin "vs whole" "whole vs HR" "pieces vs HR" "time"
for boundary in periodic smooth; do
  mkdir -p "$work/whole-$boundary"
  ./usrnet restore --input "$work/lr" --output "$work/whole-$boundary" --kernel "$k" --scale 2 --sigma 2.55 \
    --boundary "$boundary" -q
  whole_hr=$(psnr "$work/hr" "$work/whole-$boundary")
  for margin in 8 16 32; do
    out="$work/split-$boundary-$margin"
    mkdir -p "$out"
    t0=$(date +%s.%N)
    ./usrnet-spark --master 'local[2]' --input "$work/lr" --output "$out" --kernel "$k" --scale 2 --sigma 2.55 \
      --boundary "$boundary" --split "$split" --split-margin "$margin" > "$work/log" 2>&1 || { tail -5 "$work/log"; exit 1; }
    t1=$(date +%s.%N)
    rm -f "$out/usrnet-results.csv"
    printf "%-9s %-7s %10s %14s %14s %7.1fs\n" "$boundary" "$margin" "$(psnr "$work/whole-$boundary" "$out")" \
      "$whole_hr" "$(psnr "$work/hr" "$out")" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
  done
done
