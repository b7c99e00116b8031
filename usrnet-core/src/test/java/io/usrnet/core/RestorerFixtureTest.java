package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import io.usrnet.hyper.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole network against the original implementation (fixtures/usrnet). */
class RestorerFixtureTest {
    private static final Path FIXTURES = TestData.FIXTURES;
    private static JsonObject manifest;
    private static Restorer tinyPth;
    private static Restorer tinySafetensors;
    private static Restorer oddPth;
    private static Restorer oddSafetensors;

    @BeforeAll
    static void load() throws IOException {
        manifest = JsonParser.parseString(Files.readString(FIXTURES.resolve("manifest.json")))
                .getAsJsonObject().getAsJsonObject("cases");
        tinyPth = Restorer.builder().weights(FIXTURES.resolve("weights/tiny.pth")).build();
        tinySafetensors = Restorer.builder().weights(FIXTURES.resolve("weights/tiny.safetensors")).build();
        oddPth = Restorer.builder().weights(FIXTURES.resolve("weights/odd.pth")).build();
        oddSafetensors = Restorer.builder().weights(FIXTURES.resolve("weights/odd.safetensors")).build();
    }

    @AfterAll
    static void close() {
        for (Restorer r : new Restorer[] {tinyPth, tinySafetensors, oddPth, oddSafetensors}) {
            if (r != null) {
                r.close();
            }
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String c : new String[] {"case00", "case01", "case02", "case03", "case04"}) {
            out.add(Arguments.of(c, "pth"));
            out.add(Arguments.of(c, "safetensors"));
        }
        return out.stream();
    }

    private static Restorer restorer(String weights, String format) {
        boolean tiny = weights.equals("weights/tiny");
        return format.equals("pth") ? (tiny ? tinyPth : oddPth) : (tiny ? tinySafetensors : oddSafetensors);
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void matchesTheReferenceIterationByIteration(String name, String format) throws IOException {
        JsonObject c = manifest.getAsJsonObject("usrnet/" + name);
        Path dir = FIXTURES.resolve("usrnet").resolve(name);
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        int sf = c.get("sf").getAsInt();
        double sigma = c.get("sigma").getAsDouble();
        Restorer restorer = restorer(c.get("weights").getAsString(), format);

        // the hyper-network's schedule equals the reference's alpha_beta (float32 there)
        Schedule schedule = restorer.schedule(Degradation.of(k, sf, sigma));
        var ab = c.getAsJsonArray("alpha_beta");
        int n = schedule.iterations();
        assertThat(ab.size()).isEqualTo(2 * n);
        for (int i = 0; i < n; i++) {
            assertThat(schedule.alpha(i)).isCloseTo(ab.get(i).getAsDouble(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(schedule.beta(i)).isCloseTo(ab.get(n + i).getAsDouble(), org.assertj.core.data.Offset.offset(1e-6));
        }

        List<Iteration> seen = new ArrayList<>();
        Image out = restorer.restore(lr, Degradation.of(k, sf, sigma), RestoreOptions.builder().listener(seen::add).build());
        assertThat(seen).hasSize(n);
        for (Iteration it : seen) {
            // the intermediates are the float32 run's: they carry its own round-off (up to ~1e-5 in
            // the ill-conditioned data steps); the end result is held to 1e-5 against the float64 run
            assertThat(it.z().maxAbsDifference(npy(dir.resolve("z" + it.index() + ".npy")))).as("z" + it.index())
                    .isLessThan(2e-5);
            assertThat(it.x().maxAbsDifference(npy(dir.resolve("x" + it.index() + ".npy")))).as("x" + it.index())
                    .isLessThan(2e-5);
        }
        assertThat(out.maxAbsDifference(npy(dir.resolve("out64.npy")))).isLessThanOrEqualTo(1e-5);
        assertThat(out).isEqualTo(seen.get(n - 1).x());
    }

    @Test
    void explicitScheduleAndFewerIterations() throws IOException {
        Path dir = FIXTURES.resolve("usrnet/case00");
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        Schedule full = tinyPth.schedule(Degradation.of(k, 4, 0));
        // the first two iterations of the model's own schedule equal the reference's x2
        Image two = tinyPth.restore(lr, Degradation.of(k, 4, 0), RestoreOptions.builder().iterations(2).build());
        assertThat(two.maxAbsDifference(npy(dir.resolve("x2.npy")))).isLessThan(2e-5);
        // an explicit schedule equal to the model's gives the same numbers
        Image explicit = tinyPth.restore(lr, Degradation.of(k, 4, 0), RestoreOptions.builder()
                .schedule(Schedule.of(full.alphas(), full.betas())).build());
        assertThat(explicit).isEqualTo(tinyPth.restore(lr, Degradation.of(k, 4, 0)));
        assertThatThrownBy(() -> tinyPth.restore(lr, Degradation.of(k, 4, 0), RestoreOptions.builder().iterations(7).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 iterations");
    }

    @Test
    void rejectsBadArguments() throws IOException {
        Path dir = FIXTURES.resolve("usrnet/case00");
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        assertThatThrownBy(() -> tinyPth.restore(lr, Degradation.of(k, 0, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scale must be a positive integer");
        assertThatThrownBy(() -> tinyPth.restore(lr, Degradation.of(k, 4, -1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sigma");
        assertThatThrownBy(() -> tinyPth.restore(lr, Degradation.of(k, 4, Double.NaN))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sigma");
        assertThatThrownBy(() -> tinyPth.restore(Image.zeros(2, 24, 32), Degradation.of(k, 4, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 channels");
        // 25×25 kernel, HR 4×4 at s = 1: the kernel does not fit
        assertThatThrownBy(() -> tinyPth.restore(Image.zeros(3, 4, 4), Degradation.of(k, 1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("25");
    }

    @Test
    void greyImagesComeBackGrey() throws IOException {
        Path dir = FIXTURES.resolve("usrnet/case00");
        Image rgb = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Image grey = rgb.channel(1);
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        Image out = tinyPth.restore(grey, Degradation.of(k, 4, 0));
        assertThat(out.channels()).isEqualTo(1);
        assertThat(out.height()).isEqualTo(96);
        assertThat(out.width()).isEqualTo(128);
        // equals the mean of the RGB restoration of the grey image replicated to three channels
        float[] g = grey.toArray();
        float[] ggg = new float[3 * g.length];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(g, 0, ggg, c * g.length, g.length);
        }
        Image rgbOut = tinyPth.restore(Image.of(3, grey.height(), grey.width(), ggg), Degradation.of(k, 4, 0));
        float[] o = rgbOut.toArray();
        int plane = out.size();
        for (int p = 0; p < plane; p += 97) {
            float mean = (float) ((o[p] + (double) o[plane + p] + o[2 * plane + p]) / 3);
            assertThat(out.get(0, p / 128, p % 128)).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void closedRestorerFailsClearly() throws IOException {
        Restorer r = Restorer.builder().weights(ModelWeights.read(FIXTURES.resolve("weights/odd.safetensors"))).build();
        r.close();
        r.close(); // idempotent
        Path dir = FIXTURES.resolve("usrnet/case04");
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        assertThatThrownBy(() -> r.restore(lr, Degradation.of(k, 2, 15))).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    static Image npy(Path p) throws IOException {
        return NpyArray.read(p).toImage();
    }

}
