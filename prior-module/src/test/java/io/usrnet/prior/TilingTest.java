package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TilingTest {
    @Test
    void originsAreAlignedAndCoverTheAxisWithTheOverlap() {
        for (int tile = Tiling.MIN_TILE; tile <= 1536; tile += Tiling.ALIGN) {
            for (int length : new int[] {1, 63, 64, 65, 200, 257, 1000, 1024, 2048, 2049, 4099}) {
                int[] o = Tiling.origins(length, tile);
                int side = Tiling.side(length, tile);
                assertThat(o).hasSize(Tiling.count(length, tile));
                assertThat(side).isLessThanOrEqualTo(Math.min(length, tile));
                assertThat(o[0]).isZero();
                int coveredTo = Math.min(length, side);
                for (int i = 0; i < o.length; i++) {
                    assertThat(o[i] % Tiling.ALIGN).isZero();
                    if (i > 0) {
                        assertThat(o[i]).isGreaterThan(o[i - 1]);
                        assertThat(coveredTo - o[i]).as("overlap").isGreaterThanOrEqualTo(Tiling.overlap(tile));
                        coveredTo = Math.min(length, o[i] + side);
                    }
                }
                assertThat(coveredTo).isEqualTo(length);
                // balanced: no more than the overlap (plus the alignment slack) processed twice per seam
                assertThat((long) o.length * side).isLessThanOrEqualTo(
                        length + (o.length - 1L) * (Tiling.overlap(tile) + 3 * Tiling.ALIGN));
            }
        }
        // the example of the Javadoc: 2048 in tiles of at most 1024 → 3 tiles of 728, not 3 of 1024
        assertThat(Tiling.count(2048, 1024)).isEqualTo(3);
        assertThat(Tiling.side(2048, 1024)).isEqualTo(728);
        // where tiles of the full side fit exactly, the same tiles: 4096 = 9 tiles of 512 at stride 448
        assertThat(Tiling.count(4096, 512)).isEqualTo(9);
        assertThat(Tiling.side(4096, 512)).isEqualTo(512);
        assertThat(Tiling.origins(4096, 512)).containsExactly(0, 448, 896, 1344, 1792, 2240, 2688, 3136, 3584);
    }

    @Test
    void everyPixelHasATileThatKeepsIt() {
        int length = 1000;
        int tile = 128;
        float[] sum = new float[length];
        for (int o : Tiling.origins(length, tile)) {
            float[] w = Tiling.weights(o, Math.min(length, o + tile), length, Tiling.overlap(tile));
            for (int i = 0; i < w.length; i++) {
                sum[o + i] += w[i];
            }
        }
        for (float s : sum) {
            assertThat(s).isPositive();
        }
    }

    @Test
    void rejectsInvalidTileSizes() {
        assertThat(Tiling.requireTileSize(0)).isZero();
        assertThat(Tiling.requireTileSize(64)).isEqualTo(64);
        assertThatThrownBy(() -> Tiling.requireTileSize(56)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 64");
        assertThatThrownBy(() -> Tiling.requireTileSize(100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> Tiling.requireTileSize(-8)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tiledDenoisingMatchesTheWholeImage() {
        try (ResUNet net = ResUNet.random(ResUNetConfig.USRNET_TINY, 3)) {
            int h = 160;
            int w = 200;
            float[] img = new float[3 * h * w];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) r.nextDouble();
            }
            float[] whole = net.denoise(img, 3, h, w, 0.05f);
            float[] out = new float[whole.length];
            // a tile as large as the image is the untiled call, bit for bit
            net.denoiseTiled(img, 3, h, w, 0.05f, 200, out);
            assertThat(out).containsExactly(whole);
            net.denoiseTiled(img, 3, h, w, 0.05f, 128, out);
            double max = 0;
            for (int i = 0; i < out.length; i++) {
                max = Math.max(max, Math.abs(out[i] - whole[i]));
            }
            assertThat(max).isLessThan(1 / 255.0);
            assertThatThrownBy(() -> net.denoiseTiled(img, 3, h, w, 0.05f, 128, img))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        }
    }
}
