package io.usrnet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's numbers against an independent computation of the protocol. */
class EvaluationTest {
    @TempDir
    static Path dir;
    static List<Kernel> kernels;
    static List<Path> images;

    @BeforeAll
    static void setUp() throws IOException {
        EvalFixtures.writeImages(dir);
        kernels = EvalFixtures.kernels();
        images = Evaluation.listImages(dir, 1);
    }

    private static Evaluation.Builder baselines() {
        return Evaluation.builder().images(images).kernels(kernels, List.of(1, 12))
                .methods(List.of(Method.NEAREST, Method.BICUBIC, Method.DATA_STEP))
                .settings(List.of(Setting.parse("x4:0"), Setting.parse("x3:7.65")));
    }

    @Test
    void listsImagesSortedAndKeepsEveryNth() throws IOException {
        assertThat(images).extracting(p -> p.getFileName().toString()).containsExactly("a_bird.png", "b_bridge.png");
        assertThat(Evaluation.listImages(dir, 2)).extracting(p -> p.getFileName().toString())
                .containsExactly("a_bird.png");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> Evaluation.listImages(empty, 1)).hasMessageStartingWith("no images in");
    }

    @Test
    void baselineScoresEqualAnIndependentComputation() throws IOException {
        EvaluationResult r = baselines().build().run();
        assertThat(r.scores()).hasSize(2 * 2 * 2 * 3);
        assertThat(r.images()).containsExactly("a_bird.png", "b_bridge.png");
        int checked = 0;
        for (Score sc : r.scores()) {
            Image hr = ImageFiles.readImage(dir.resolve(sc.image()));
            if (hr.channels() == 1) { // the reference reads grey files as GGG
                hr = Image.of(3, hr.height(), hr.width(), concat(hr.toArray(), hr.toArray(), hr.toArray()));
            }
            int s = sc.setting().scale();
            Kernel k = kernels.get(sc.kernel() - 1);
            Image y = Degradations.table1(hr, k, s);
            if (sc.setting().sigma() > 0) {
                y = Degradations.addGaussianNoise(y, 7.65, Evaluation.noiseSeed(sc.image(), sc.kernel(), sc.setting()));
                assertThat(y.maxAbsDifference(Degradations.table1(hr, k, s))).isGreaterThan(0.02);
            }
            Image ref = Degradations.modcrop(hr, s == 3 ? 24 : 8);
            Image out = switch (sc.method()) {
                case NEAREST -> Degradations.upsampleNearest(y, s);
                case BICUBIC -> Bicubic.upsample(y, s);
                case DATA_STEP -> DataStep.prepare(k, s, y).step(Degradations.upsampleNearest(y, s), 0.01);
                default -> throw new AssertionError(sc.method());
            };
            assertThat(out.height()).isEqualTo(ref.height());
            assertThat(sc.psnr()).isEqualTo(Metrics.psnr(out, ref, s * s));
            assertThat(sc.psnrY()).isEqualTo(Metrics.psnrY(out, ref, s));
            assertThat(sc.ssim()).isEqualTo(Metrics.ssim(out, ref, s));
            assertThat(sc.psnr()).isBetween(15.0, 40.0);
            checked++;
        }
        assertThat(checked).isEqualTo(24);
        // the cell mean is the mean over the images
        Setting x4 = Setting.parse("x4:0");
        double a = score(r, Method.NEAREST, x4, 12, "a_bird.png").psnr();
        double b = score(r, Method.NEAREST, x4, 12, "b_bridge.png").psnr();
        assertThat(r.meanPsnr(Method.NEAREST, x4, 12).getAsDouble()).isCloseTo((a + b) / 2, within(1e-12));
    }

    @Test
    void runsAreReproducibleAndProgressIsReported() throws IOException {
        List<Progress> seen = new ArrayList<>();
        EvaluationResult first = baselines().listener(seen::add).build().run();
        EvaluationResult second = baselines().build().run();
        assertThat(second.scores()).isEqualTo(first.scores());
        assertThat(seen).hasSize(8);
        assertThat(seen.get(7).done()).isEqualTo(8);
        assertThat(seen.get(7).total()).isEqualTo(8);
        assertThat(seen.get(7).etaSeconds()).isEqualTo(0.0);
        assertThat(seen.get(0).scores()).hasSize(3);
    }

    @Test
    void usrnetScoreEqualsTheRestorerOnTheDegradedImage() throws IOException {
        Setting x2 = Setting.parse("x2:0");
        EvaluationResult r = Evaluation.builder().images(images.subList(0, 1)).kernels(kernels, List.of(1))
                .methods(List.of(Method.USRNET)).settings(List.of(x2)).weights(EvalFixtures.TINY_WEIGHTS)
                .build().run();
        assertThat(r.scores()).hasSize(1);
        Image hr = ImageFiles.readImage(images.get(0));
        Image out;
        try (Restorer restorer = Restorer.builder().weights(EvalFixtures.TINY_WEIGHTS).build()) {
            out = restorer.restore(Degradations.table1(hr, kernels.get(0), 2), Degradation.of(kernels.get(0), 2, 0));
        }
        double expected = Metrics.psnr(out, Degradations.modcrop(hr, 8), 4);
        assertThat(r.scores().get(0).psnr()).isEqualTo(expected);
        assertThat(expected).isFinite().isBetween(3.0, 40.0); // random weights: low, dark output
    }

    @Test
    void invalidConfigurationsAreRejected() {
        assertThatThrownBy(() -> Evaluation.builder().kernels(kernels, List.of(13)))
                .hasMessageContaining("kernel index 13 out of range");
        assertThatThrownBy(() -> Evaluation.builder().kernels(kernels, List.of(1)).methods(List.of(Method.NEAREST))
                .build()).hasMessage("no images to evaluate");
        assertThatThrownBy(() -> Method.parse("lanczos")).hasMessageContaining("unknown method 'lanczos'")
                .hasMessageContaining("data-step");
        assertThatThrownBy(() -> Setting.parse("x3")).hasMessageContaining("bad setting 'x3'");
        assertThatThrownBy(() -> Setting.parse("x3:-1")).hasMessageContaining("sigma");
        assertThat(Setting.parse(" X3 : 2.55 ")).isEqualTo(new Setting(3, 2.55));
        assertThat(Setting.parse("4:0").toString()).isEqualTo("x4:0");
        assertThat(Method.parse("Data-Step")).isEqualTo(Method.DATA_STEP);
    }

    static Score score(EvaluationResult r, Method m, Setting s, int k, String image) {
        return r.scores().stream().filter(x -> x.method() == m && x.setting().equals(s) && x.kernel() == k
                && x.image().equals(image)).findFirst().orElseThrow();
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
