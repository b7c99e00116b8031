#!/usr/bin/env bash
# Memory-bounded restore (issue 20): `restore --max-memory B` against the whole-image run and `--tile`
# runs, whole processes, one after the other on this machine: wall time and peak RSS (/usr/bin/time).
# Every run is repeated ROUNDS times (default 2), the rounds interleaved (all runs, then all again),
# and the shortest time and highest peak are kept: a shared machine's speed drifts by ±30 % over
# minutes. For each budget B it prints the time of the --max-memory run over the fastest of the runs
# that stayed within B, and whether its own peak did.
#
#   [ROUNDS=2] benchmarks/max-memory.sh [SIZE...]    SIZE = output side, default: 2048 4096 (LR SIZE/4, x4)
#
# Input: samples/butterfly.png mirrored to SIZE/4 squared (content does not change the cost), a 13×13
# Gaussian kernel (σ 2 px), noise level 2, the built-in model, all iterations. Needs /usr/bin/time
# (Debian: apt-get install time) and about 17 GB of free memory for the whole-image 4096² run.
# USRNET=path/to/launcher picks another build (default: ./usrnet beside this folder).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usrnet="${USRNET:-$here/usrnet}"
[[ -x /usr/bin/time ]] || { echo "max-memory.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(2048 4096)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/Mirror.java" <<'JAVA'
import java.awt.image.BufferedImage; import java.io.File; import javax.imageio.ImageIO;
/** Mirrors an image to N×N (reflecting at its borders): java Mirror.java IN N OUT. */
public class Mirror { public static void main(String[] a) throws Exception {
  BufferedImage s = ImageIO.read(new File(a[0])); int n = Integer.parseInt(a[1]), w = s.getWidth(), h = s.getHeight();
  BufferedImage o = new BufferedImage(n, n, BufferedImage.TYPE_INT_RGB);
  for (int y = 0; y < n; y++) for (int x = 0; x < n; x++) {
    int sx = x % (2 * w), sy = y % (2 * h);
    o.setRGB(x, y, s.getRGB(sx < w ? sx : 2 * w - 1 - sx, sy < h ? sy : 2 * h - 1 - sy)); }
  ImageIO.write(o, "png", new File(a[2])); } }
JAVA
"$usrnet" kernel --gaussian 2,2,0 --size 13 --output "$work/k13.npy" --no-preview -q
echo "usrnet restore --scale 4 --sigma 2, 13×13 Gaussian kernel, built-in model, all iterations; $(nproc) CPUs;" \
  "best of ${ROUNDS:-2} interleaved rounds"
printf '%-8s %-18s %-30s %9s %10s\n' output run "prior on" "wall (s)" "peak RSS"
results="$work/results.txt"
rounds="${ROUNDS:-2}"
for size in "${sizes[@]}"; do
  lr=$((size / 4))
  java "$work/Mirror.java" "$here/samples/butterfly.png" "$lr" "$work/lr$lr.png"
  runs=("whole:" "tile-512:--tile 512" "tile-768:--tile 768" "tile-984:--tile 984")
  [[ $size -le 2048 ]] && runs+=("tile-1064:--tile 1064")
  runs+=("max-memory-1g:--max-memory 1g" "max-memory-2g:--max-memory 2g" "max-memory-4g:--max-memory 4g")
  for ((round = 1; round <= rounds; round++)); do
    for run in "${runs[@]}"; do
      name="${run%%:*}"
      read -r -a opts <<< "${run#*:}"
      log="$work/log-$size-$name.txt"
      rc=0
      /usr/bin/time -f '%e %M' -o "$work/time.txt" "$usrnet" restore --input "$work/lr$lr.png" \
        --kernel "$work/k13.npy" --scale 4 --sigma 2 --output "$work/out.png" "${opts[@]}" > "$log" 2>&1 || rc=$?
      read -r wall rss < <(tail -1 "$work/time.txt")
      if [[ $rc != 0 ]]; then
        echo "$size $name refused 0 0" >> "$work/round.txt"
      else
        echo "$size $name ok $wall $((rss * 1024))" >> "$work/round.txt"
      fi
    done
  done
  # per run: the shortest wall time and the highest peak over the rounds, in the order run
  for run in "${runs[@]}"; do
    name="${run%%:*}"
    log="$work/log-$size-$name.txt"
    line="$(awk -v s="$size" -v n="$name" '$1 == s && $2 == n { st = $3; if (w == "" || $4 < w) w = $4; if ($5 > p) p = $5 }
                  END { print s, n, st, w, p }' "$work/round.txt")"
    echo "$line" >> "$results"
    read -r _ _ status wall bytes <<< "$line"
    if [[ $status != ok ]]; then
      printf '%-8s %-18s refused: %s\n' "$size²" "$name" "$(grep -o 'too small[^:]*' "$log" | head -1 || true)"
      continue
    fi
    tiles="$(grep -o 'prior on [^(]*' "$log" | sed 's/prior on //; s/ *$//' | head -1 || true)"
    [[ -n "$tiles" ]] || tiles="(as asked)"
    printf '%-8s %-18s %-30s %9.1f %7.0f MB\n' "$size²" "$name" "$tiles" "$wall" "$((bytes / 1048576))"
  done
done
echo
echo "per budget: --max-memory's time / the fastest run within the budget (goal <= 1.25), its peak <= B?"
awk '$2 ~ /^max-memory-/ { budget[$1 " " $2] = $0; next }
     $3 == "ok" { n[$1]++; wall[$1, n[$1]] = $4; peak[$1, n[$1]] = $5 }
     END { for (k in budget) { split(budget[k], f, " "); size = f[1]; g = substr(f[2], 12); B = g * 1073741824;
             best = 0; for (i = 1; i <= n[size]; i++) if (peak[size, i] <= B && (best == 0 || wall[size, i] < best)) best = wall[size, i]
             if (f[3] != "ok") { printf "%s² %s: refused (the estimate exceeds the budget)\n", size, f[2]; continue }
             printf "%s² %s: %.1f s / %s = %s, peak %.2f GB %s\n", size, f[2], f[4],
               (best > 0 ? sprintf("%.1f s", best) : "(no run within B)"), (best > 0 ? sprintf("%.2f", f[4] / best) : "-"),
               f[5] / 1073741824, (f[5] <= B ? "<= B" : "> B (over)") } }' "$results" | sort -n
