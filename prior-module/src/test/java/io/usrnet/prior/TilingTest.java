package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TilingTest {
    @Test
    void originsAreAlignedAndCoverTheAxisWithTheOverlap() {
        for (int tile : new int[] {64, 128, 256, 512}) {
            for (int length : new int[] {1, 63, 64, 65, 200, 257, 1000, 1024, 4099}) {
                int[] o = Tiling.origins(length, tile);
                assertThat(o[0]).isZero();
                int coveredTo = Math.min(length, tile);
                for (int i = 0; i < o.length; i++) {
                    assertThat(o[i] % Tiling.ALIGN).isZero();
                    if (i > 0) {
                        assertThat(coveredTo - o[i]).as("overlap").isGreaterThanOrEqualTo(Tiling.overlap(tile));
                        coveredTo = Math.min(length, o[i] + tile);
                    }
                }
                assertThat(coveredTo).isEqualTo(length);
            }
        }
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
