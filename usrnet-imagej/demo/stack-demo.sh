#!/usr/bin/env bash
# Makes docs/imagej-stack.png, the README's picture of a stack before and after "USRNet Restore...":
# three 128×128 crops of samples/butterfly.png as the slices of a grey 8-bit stack, each blurred with a
# Gaussian kernel, decimated ×2 and given noise of sigma 2 by `usrnet degrade`; the plugin restores the
# stack in plain ImageJ 1's batch mode (ij.jar from ~/.m2, under xvfb-run: ImageJ 1 builds its menus
# even in batch mode). Needs: mvn -q -B package -DskipTests, and xvfb-run (Debian: apt install xvfb).
# Usage: usrnet-imagej/demo/stack-demo.sh [OUT.png]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(realpath -m "${1:-docs/imagej-stack.png}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins/jars" "$(dirname "$out")"
cp usrnet-imagej/target/fiji/plugins/*.jar "$work/plugins/"
cp usrnet-imagej/target/fiji/jars/*.jar "$work/plugins/jars/"
ij="$(ls ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar)"
./usrnet kernel --gaussian 1.6,1.6,0 --output "$work/k.npy" --no-preview -q
cat > "$work/crops.ijm" <<IJM
xs = newArray(0, 128, 64); ys = newArray(0, 0, 128);
for (i = 0; i < 3; i++) {
  open("$PWD/samples/butterfly.png");
  makeRectangle(xs[i], ys[i], 128, 128);
  run("Crop");
  saveAs("PNG", "$work/crop" + (i + 1) + ".png");
  close();
}
IJM
xvfb-run -a java -jar "$ij" -ijpath "$work" -batch "$work/crops.ijm"
for i in 1 2 3; do
  ./usrnet degrade --input "$work/crop$i.png" --kernel "$work/k.npy" --scale 2 --sigma 2 --seed "$i" \
      --output "$work/lr$i.png" -q
done
cat > "$work/demo.ijm" <<IJM
for (i = 1; i <= 3; i++) { open("$work/lr" + i + ".png"); run("8-bit"); }
run("Images to Stack", "name=lr title=lr use");
run("USRNet Restore...", "kernel=[$work/k.npy] scale=2 sigma=2 boundary=periodic");
rename("sr");
selectImage("lr");
run("Size...", "width=128 height=128 depth=3 interpolation=None");
run("Combine...", "stack1=lr stack2=sr combine");
run("Make Montage...", "columns=3 rows=1 scale=1 border=4");
setColor(255); setFont("SansSerif", 13, "bold antialiased");
drawString("before: 3-slice 8-bit stack, 64x64 (shown x2)", 6, 20, "black");
drawString("after: USRNet Restore, scale=2 sigma=2", 6, 150, "black");
saveAs("PNG", "$out");
IJM
xvfb-run -a java -jar "$ij" -ijpath "$work" -batch "$work/demo.ijm"
echo "wrote $out"
