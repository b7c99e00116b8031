package io.usrnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.TestData;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Synthetic batches: the recipe, determinism, and the held-out split. */
class TrainingSamplerTest {
    private static final Path TRAIN = TestData.DATA.resolve("train");
    private static TrainingImages images;
    private static TrainingImages.Split split;

    @BeforeAll
    static void load() throws IOException {
        split = TrainingImages.split(TRAIN, 8);
        images = TrainingImages.load(split.training().subList(0, 6));
    }

    @Test
    void splitHoldsOutTheLastBsdsImages() {
        assertThat(split.validation()).hasSize(8);
        assertThat(split.validation()).allMatch(p -> p.getParent().getFileName().toString().equals("BSDS400"));
        assertThat(split.validation()).isSorted();
        // test-data's train folder: 14 BSDS400 images (those the tests decode) and one of SunHays80
        assertThat(split.training()).hasSize(14 + 1 - 8).doesNotContainAnyElementsOf(split.validation());
        assertThat(split.training().stream().filter(p -> p.toString().contains("BSDS400"))
                .allMatch(p -> p.compareTo(split.validation().get(0)) < 0)).isTrue();
    }

    @Test
    void batchesAreDeterministicAndFollowTheDegradationModel() {
        TrainingSampler sampler = new TrainingSampler(images, TrainingSampler.Settings.usrnet(48, 3, 25, 1, 2, 3, 4));
        TrainingSampler.Batch a = sampler.batch(5, 17);
        TrainingSampler.Batch b = sampler.batch(5, 17);
        assertThat(a.hr()).containsExactly(b.hr());
        assertThat(a.lr()).containsExactly(b.lr());
        assertThat(a.sigmas()).containsExactly(b.sigmas());
        assertThat(a.kernels()).isEqualTo(b.kernels());
        assertThat(sampler.batch(5, 18).hr()).isNotEqualTo(a.hr());
        assertThat(sampler.batch(6, 17).hr()).isNotEqualTo(a.hr());

        Set<Integer> scales = new HashSet<>();
        for (long step = 0; step < 40; step++) {
            TrainingSampler.Batch batch = sampler.batch(1, step);
            scales.add(batch.scale());
            int p = batch.patch();
            int l = p / batch.scale();
            assertThat(batch.lr()).hasSize(3 * 3 * l * l);
            for (int i = 0; i < batch.size(); i++) {
                Kernel k = batch.kernels().get(i);
                assertThat(k.height()).isEqualTo(25);
                assertThat(k.sum()).isCloseTo(1, within(1e-9));
                assertThat(batch.sigmas()[i]).isBetween(0f, 25f / 255);
                Image hr = Image.of(3, p, p, Arrays.copyOfRange(batch.hr(), i * 3 * p * p, (i + 1) * 3 * p * p));
                float[] clean = Degradations.decimate(Degradations.blur(hr, k), batch.scale()).toArray();
                double sq = 0;
                for (int j = 0; j < clean.length; j++) {
                    double d = batch.lr()[i * clean.length + j] - clean[j];
                    sq += d * d;
                }
                double std = Math.sqrt(sq / clean.length);
                // the residual is exactly the added noise: its standard deviation is sigma
                assertThat(std).isCloseTo(batch.sigmas()[i], within(0.25 * batch.sigmas()[i] + 1e-6));
            }
        }
        assertThat(scales).containsExactlyInAnyOrder(1, 2, 3, 4);
    }

    @Test
    void kernelAndNoiseMixFollowTheRecipe() {
        TrainingSampler sampler = new TrainingSampler(images, TrainingSampler.Settings.usrnet(48, 2, 25, 1, 2, 3, 4));
        int motion = 0;
        int n = 400;
        for (int i = 0; i < n; i++) {
            Kernel k = sampler.kernel(new SplittableRandom(i), 1);
            // Gaussians at s = 1 are centred; camera-shake kernels are generally off-centre
            double[] c = k.centroid();
            if (Math.abs(c[0] - 12) > 0.05 || Math.abs(c[1] - 12) > 0.05) {
                motion++;
            }
        }
        assertThat((double) motion / n).isBetween(0.4, 0.6);
        // Gaussians at s = 4 move up-left by 1.5 pixels
        int shifted = 0;
        for (int i = 0; i < 40; i++) {
            double[] c = sampler.kernel(new SplittableRandom(1000 + i), 4).centroid();
            if (Math.abs(c[0] - 10.5) < 0.2 && Math.abs(c[1] - 10.5) < 0.2) {
                shifted++;
            }
        }
        assertThat(shifted).isGreaterThan(10);
        int zero = 0;
        int count = 0;
        for (long step = 0; step < 100; step++) {
            for (float s : sampler.batch(3, step).sigmas()) {
                zero += s == 0 ? 1 : 0;
                count++;
            }
        }
        assertThat((double) zero / count).isBetween(0.06, 0.2);
    }

    @Test
    void patchesUseTheEightSymmetries() {
        int p = 16;
        Set<List<Float>> seen = new HashSet<>();
        float[] reference = null;
        for (int t = 0; t < 8; t++) {
            float[] out = new float[3 * p * p];
            images.patch(0, 10, 20, p, t, out, 0);
            Float[] boxed = new Float[out.length];
            for (int i = 0; i < out.length; i++) {
                boxed[i] = out[i];
            }
            seen.add(List.of(boxed));
            float[] sorted = out.clone();
            Arrays.sort(sorted);
            if (reference == null) {
                reference = sorted;
            }
            assertThat(sorted).containsExactly(reference);
        }
        assertThat(seen).hasSize(8);
    }

    @Test
    void denoisingBatchesAddNoiseOfTheirLevel() {
        TrainingSampler sampler = new TrainingSampler(images, TrainingSampler.Settings.usrnet(48, 4, 25, 1, 2, 3, 4));
        TrainingSampler.DenoisingBatch b = sampler.denoisingBatch(2, 9, 50);
        assertThat(b.noisy()).hasSameSizeAs(b.clean());
        int per = 3 * 48 * 48;
        for (int i = 0; i < 4; i++) {
            double sq = 0;
            for (int j = i * per; j < (i + 1) * per; j++) {
                sq += (b.noisy()[j] - b.clean()[j]) * (b.noisy()[j] - b.clean()[j]);
            }
            assertThat(b.sigmas()[i]).isBetween(0f, 50f / 255);
            assertThat(Math.sqrt(sq / per)).isCloseTo(b.sigmas()[i], within(0.05 * b.sigmas()[i] + 1e-6));
        }
    }
}
