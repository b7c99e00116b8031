#!/usr/bin/env bash
# Speed of `./usrnet restore` beside the original network in PyTorch eager mode (benchmarks/
# restore_pytorch.py: training/device/train_usrnet.py's USRNet, CPU, float32), measured in ONE run on
# ONE machine: the same weights (random, per configuration), the same input, the same number of
# threads, the two sides interleaved round by round so that the machine's load hits both alike.
# Ours runs twice per round: the default (--precision fp32) and the fast mode (--precision bf16; on a
# CPU without bfloat16 instructions it warns and runs fp32).
# Prints each round, then the medians and their ratio (ours / PyTorch) for the whole process and for
# the restore alone (each side's own timer: an in-process time for ours is not printed by
# `restore`, so ours is whole-process only; PyTorch's network-only time is printed for reference).
#
# Usage (repository root, after `mvn -q -B package -DskipTests`):
#   benchmarks/side-by-side.sh [ROUNDS]        (default 3; THREADS=2, PYTHON=python with torch)
# Needs python3 with torch and numpy: on Debian `apt-get install python3-torch` (PyTorch 1.13), then
# PYTHON=/usr/bin/python3. Cases: tiny 128²→512² and usrnet (full) 64²→256², ×4, 13×13 Gaussian, σ 0.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
threads="${THREADS:-2}"
py="${PYTHON:-python3}"
if ! "$py" -c "import torch, numpy" 2>/dev/null; then
  echo "side-by-side: $py cannot import torch and numpy; install them (Debian: apt-get install python3-torch) and set PYTHON" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMP_NUM_THREADS="$threads" USRNET_JAVA_OPTS="${USRNET_JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=$threads"
"$py" - "$work" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(7)
yy, xx = np.mgrid[-6:7, -6:7]
k = np.exp(-(yy ** 2 + xx ** 2) / (2 * 2.0 ** 2)); np.save(d + "/k.npy", (k / k.sum()).astype(np.float32))
np.save(d + "/lr_tiny.npy", rng.random((128, 128, 3), dtype=np.float32))
np.save(d + "/lr_usrnet.npy", rng.random((64, 64, 3), dtype=np.float32))
PYEOF
now() { date +%s.%N; }
printf '%-7s %5s %10s %10s %10s %12s\n' case round ours_s bf16_s pytorch_s pytorch_net_s
summary=()
for cfg in tiny usrnet; do
  "$py" "$here/benchmarks/restore_pytorch.py" make-weights "$cfg" "$work/$cfg.safetensors"
  ours=(); fast=(); theirs=(); net=()
  for ((r = 1; r <= rounds; r++)); do
    t0=$(now)
    "$here/usrnet" restore --input "$work/lr_$cfg.npy" --kernel "$work/k.npy" --scale 4 --sigma 0 \
        --weights "$work/$cfg.safetensors" --output "$work/ours_$cfg.npy" --quiet
    t1=$(now)
    "$here/usrnet" restore --input "$work/lr_$cfg.npy" --kernel "$work/k.npy" --scale 4 --sigma 0 \
        --weights "$work/$cfg.safetensors" --output "$work/bf16_$cfg.npy" --quiet --precision bf16
    tb=$(now)
    line=$("$py" "$here/benchmarks/restore_pytorch.py" restore "$work/$cfg.safetensors" "$work/lr_$cfg.npy" \
        "$work/k.npy" 4 0 "$work/theirs_$cfg.npy" "$threads")
    t2=$(now)
    o=$(awk "BEGIN {print $t1 - $t0}"); b=$(awk "BEGIN {print $tb - $t1}"); p=$(awk "BEGIN {print $t2 - $tb}")
    n=${line#pytorch_restore_s=}
    ours+=("$o"); fast+=("$b"); theirs+=("$p"); net+=("$n")
    printf '%-7s %5d %10.2f %10.2f %10.2f %12.2f\n' "$cfg" "$r" "$o" "$b" "$p" "$n"
  done
  maxdiff() { "$py" -c "import numpy as np,sys; a=np.load(sys.argv[1]); b=np.load(sys.argv[2]); print('%.2g' % abs(a-b).max())" "$@"; }
  diff=$(maxdiff "$work/ours_$cfg.npy" "$work/theirs_$cfg.npy")
  diffb=$(maxdiff "$work/bf16_$cfg.npy" "$work/theirs_$cfg.npy")
  med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  mo=$(med "${ours[@]}"); mb=$(med "${fast[@]}"); mp=$(med "${theirs[@]}"); mn=$(med "${net[@]}")
  summary+=("$(printf '%-7s medians: ours %.2f s, PyTorch %.2f s (network alone %.2f s); whole process ours/PyTorch = %.2f; outputs differ by %s' \
      "$cfg" "$mo" "$mp" "$mn" "$(awk "BEGIN {print $mo / $mp}")" "$diff")")
  summary+=("$(printf '%-7s bf16: ours %.2f s; whole process ours/PyTorch = %.2f; outputs differ by %s' \
      "$cfg" "$mb" "$(awk "BEGIN {print $mb / $mp}")" "$diffb")")
done
# the data step alone, 512²×3, s = 4, 25×25 Gaussian: ours the JMH benchmark with its thread pool
# (threads=pool; the JMH average, see benchmarks/README.md), PyTorch with the same number of threads
# (median of 15)
"$here/benchmarks/run" 'DataStepBenchmark.step' -p size=512 -p threads=pool -rf csv -rff "$work/datastep.csv" \
    >"$work/datastep.log" || { cat "$work/datastep.log" >&2; exit 1; }
ours_ds=$("$py" -c "import csv, sys; print(next(csv.DictReader(open(sys.argv[1])))['Score'])" "$work/datastep.csv")
theirs_ds=$("$py" "$here/benchmarks/restore_pytorch.py" datastep 512 15 "$threads")
theirs_ds=${theirs_ds#pytorch_datastep_ms=}
summary+=("$(printf 'data step 512²×3: ours %.1f ms, PyTorch %.1f ms; ours/PyTorch = %.2f' "$ours_ds" "$theirs_ds" \
    "$(awk "BEGIN {print $ours_ds / $theirs_ds}")")")
printf '%s\n' "${summary[@]}"
echo "threads $threads, PyTorch $("$py" -c 'import torch; print(torch.__version__)'), $(nproc) cores, $(date -u +%Y-%m-%d)"
