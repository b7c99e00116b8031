package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model shipped in the jar: its configuration, provenance and that it actually restores. */
class BuiltInModelTest {

    @Test
    void isTheTinyConfigurationWithItsProvenance() {
        ModelWeights w = ModelWeights.builtIn();
        ModelConfig c = w.config();
        assertThat(c.iterations()).isEqualTo(6);
        assertThat(c.hyperWidth()).isEqualTo(32);
        assertThat(c.priorConfig()).isEqualTo(io.usrnet.prior.ResUNetConfig.USRNET_TINY);
        Map<String, String> meta = w.stateDict().metadata();
        assertThat(meta).containsKeys("name", "trained_by", "seed", "train_data", "recipe", "step",
                "init_trained_by", "init_training_config");
        assertThat(meta.get("train_data")).contains("data/train").doesNotContain("eval");
        assertThat(ModelWeights.builtIn()).isSameAs(w); // read once
    }

    /**
     * A restoration far better than the degraded input: the paper's kernel 3 at ×2 and kernel 12 (motion)
     * at ×3 with noise 2.55, on a crop of an evaluation image (never trained on). Measured: 30.72 and
     * 26.17 dB against 20.52 and 15.59 dB for nearest-neighbour; the thresholds leave about 1 dB of
     * slack and are far above what an untrained or wrongly loaded model reaches.
     */
    @Test
    void restoresFarBetterThanNearestNeighbour() throws IOException {
        Image hr = Degradations.crop(ImageFiles.readImage(TestData.SAMPLES.resolve("butterfly.png")), 40, 40, 144, 144);
        try (Restorer restorer = Restorer.builder().build()) {
            assertGain(restorer, hr, kernel(3), 2, 0, 29.5, 9.0);
            assertGain(restorer, hr, kernel(12), 3, 2.55, 25.0, 9.0);
        }
    }

    private static void assertGain(Restorer restorer, Image hr, Kernel k, int s, double sigma, double minDb,
            double minGainDb) {
        Image lr = Degradations.table1(hr, k, s);
        if (sigma > 0) {
            lr = Degradations.addGaussianNoise(lr, sigma, 7);
        }
        double ours = Metrics.psnr(restorer.restore(lr, Degradation.of(k, s, sigma)), hr, s * s);
        double nearest = Metrics.psnr(Degradations.upsampleNearest(lr, s), hr, s * s);
        String what = String.format("x%d sigma %s: ours %.2f dB, nearest %.2f dB", s, sigma, ours, nearest);
        assertThat(ours).as(what).isGreaterThan(minDb);
        assertThat(ours - nearest).as(what).isGreaterThan(minGainDb);
    }

    private static Kernel kernel(int index) throws IOException {
        return KernelFiles.read(TestData.KERNELS_12 + ":kernels:" + index);
    }
}
