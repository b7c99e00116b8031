package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The x8 self-ensemble of the built-in model on Table-1 degradations of the butterfly. */
class EnsembleTest {
    private static Restorer restorer;
    private static Image butterfly;

    @BeforeAll
    static void setUp() throws IOException {
        restorer = Restorer.builder().build();
        butterfly = ImageFiles.readImage(TestData.SAMPLES.resolve("butterfly.png"));
    }

    @AfterAll
    static void tearDown() {
        restorer.close();
    }

    @Test
    void theEnsembleOfEightRestoresBetterThanOne() throws IOException {
        // kernels 3 (anisotropic, tilted) and 9 at x2 and x3: the transforms meet asymmetric kernels and a
        // decimation grid that flips move
        double gain = 0;
        List<String> seen = new ArrayList<>();
        for (int[] c : new int[][] {{3, 2}, {9, 3}}) {
            Kernel k = KernelFiles.read(TestData.KERNELS_12 + ":kernels:" + c[0]);
            int s = c[1];
            Image hr = Degradations.table1Crop(Degradations.crop(butterfly, 64, 64, 96, 96), s);
            Image lr = Degradations.table1(hr, k, s);
            Degradation d = Degradation.of(k, s, 0);
            Image one = restorer.restore(lr, d);
            int[] calls = new int[2];
            Image eight = restorer.restore(lr, d, RestoreOptions.builder().ensemble(8)
                    .progress((i, n) -> {
                        calls[0]++;
                        calls[1] = n;
                    }).build());
            assertThat(eight.height()).isEqualTo(one.height());
            assertThat(eight.width()).isEqualTo(one.width());
            assertThat(calls[1]).isEqualTo(8 * restorer.schedule(d).iterations());
            assertThat(calls[0]).isEqualTo(calls[1]);
            double p1 = Metrics.psnr(one, hr, s * s);
            double p8 = Metrics.psnr(eight, hr, s * s);
            seen.add(String.format("k%d x%d: %.2f -> %.2f dB", c[0], s, p1, p8));
            // a wrong kernel transform would cost several dB; the ensemble gains a little
            assertThat(p8).as(seen.toString()).isGreaterThan(p1 - 0.05);
            gain += p8 - p1;
        }
        assertThat(gain / 2).as(seen.toString()).isPositive();
    }

    @Test
    void optionsOfTheEnsembleAreChecked() {
        assertThatThrownBy(() -> RestoreOptions.builder().ensemble(4))
                .hasMessage("the ensemble must be 1 (off) or 8 (all flips and rotations), got 4");
        assertThatThrownBy(() -> RestoreOptions.builder().ensemble(8).listener(it -> { }).build())
                .hasMessageContaining("use a progress listener with the ensemble");
        assertThat(RestoreOptions.defaults().ensemble()).isEqualTo(1);
        assertThat(RestoreOptions.builder().ensemble(8).build().toBuilder().build().ensemble()).isEqualTo(8);
    }
}
