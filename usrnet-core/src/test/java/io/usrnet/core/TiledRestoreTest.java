package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Restoration with a tiled prior agrees with the untiled one (issue 5, "Large images"). */
class TiledRestoreTest {
    private static Restorer restorer;

    @BeforeAll
    static void load() throws IOException {
        restorer = Restorer.builder().weights(TestData.TINY_WEIGHTS).build();
    }

    @AfterAll
    static void close() {
        if (restorer != null) {
            restorer.close();
        }
    }

    /** A smooth HR scene with edges and texture, values in [0, 1]. */
    private static Image scene(int h, int w) {
        SplittableRandom r = new SplittableRandom(11);
        float[] v = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double s = 0.5 + 0.25 * Math.sin(x * 0.031 + c) * Math.cos(y * 0.017) + ((x / 97 + y / 61) % 2) * 0.15
                            + 0.05 * r.nextDouble();
                    v[(c * h + y) * w + x] = (float) Math.min(1, Math.max(0, s));
                }
            }
        }
        return Image.wrap(3, h, w, v);
    }

    /**
     * Kept fast under load: by default a 1024×512 output and one iteration (the prior is where tiling
     * acts); {@code -Dusrnet.tiletest.full=true} runs the 1024² output with all iterations (≈ 4 min
     * on a loaded 2-core machine; its figures are in the README).
     */
    @Test
    void tiledAndUntiledAgree() {
        boolean full = Boolean.getBoolean("usrnet.tiletest.full");
        int width = full ? 1024 : 512;
        int iterations = full ? 0 : 1;
        Image hr = scene(1024, width);
        Kernel k = Kernels.gaussian(25, 1.6);
        Image lr = Degradation.of(k, 4, 2.55).apply(hr, 3);
        RestoreOptions.Builder options = RestoreOptions.builder().iterations(iterations);
        Image whole = restorer.restore(lr, Degradation.of(k, 4, 2.55), options.build());
        Image tiled = restorer.restore(lr, Degradation.of(k, 4, 2.55), options.tileSize(256).build());
        float[] a = whole.toArray();
        float[] b = tiled.toArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        double psnrWhole = Metrics.psnr(whole, hr, 0);
        double psnrTiled = Metrics.psnr(tiled, hr, 0);
        System.out.printf("tiled vs untiled, 1024×%d, iterations %d (0 = all), tile 256: max abs diff %.3g (%.4f/255), "
                + "PSNR %.4f vs %.4f dB%n", width, iterations, max, max * 255, psnrTiled, psnrWhole);
        assertThat(max).isLessThanOrEqualTo(2 / 255.0);
        assertThat(Math.abs(psnrTiled - psnrWhole)).isLessThanOrEqualTo(0.05);
    }


    @Test
    void aTileAsLargeAsTheImageGivesTheIdenticalResult() {
        Image hr = scene(192, 160);
        Kernel k = Kernels.gaussian(25, 1.6);
        Image lr = Degradation.of(k, 4, 2.55).apply(hr, 3);
        RestoreOptions.Builder options = RestoreOptions.builder().iterations(2);
        Image whole = restorer.restore(lr, Degradation.of(k, 4, 2.55), options.build());
        Image tiled = restorer.restore(lr, Degradation.of(k, 4, 2.55), options.tileSize(192).build());
        assertThat(tiled.toArray()).containsExactly(whole.toArray());
    }

    @Test
    void rejectsInvalidTileSizes() {
        assertThatThrownBy(() -> RestoreOptions.builder().tileSize(32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 64");
        assertThatThrownBy(() -> RestoreOptions.builder().tileSize(130))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 8");
        assertThat(RestoreOptions.builder().tileSize(0).build().tileSize()).isZero();
        assertThat(RestoreOptions.defaults().tileSize()).isZero();
    }
}
