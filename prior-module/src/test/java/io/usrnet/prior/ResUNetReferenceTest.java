package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.usrnet.prior.djl.DjlRuntime;
import io.usrnet.prior.djl.ResUNetBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine path of the ResUNet (inference and the training block, batched) against a plain-Java
 * double-precision reference ({@link ReferenceResUNet}), for widths that are not multiples of 16
 * (the engine's AVX-512 kernels block channels by 16; issue 11 saw NaN and wrong images there),
 * image sizes that are not multiples of 8, one and two engine threads, each run twice. Where the
 * engine gets such widths wrong (AMD Zen 5 with its AVX/AVX-512 kernels), so they run only under
 * {@code ONEDNN_MAX_CPU_ISA=SSE41} (the default test run: every configuration must match); the
 * native-isa run (prior-module pom) checks the block-aligned ones on the CPU's own kernels and that
 * the others are refused.
 */
class ResUNetReferenceTest {
    /** Relative to the output's largest magnitude: float32 accumulation measures about 1e-6. */
    private static final double TOLERANCE = 1e-5;
    private static int engineThreads;

    @BeforeAll
    static void start() {
        DjlRuntime.engine();
        engineThreads = JniUtils.getNumThreads();
    }

    @AfterAll
    static void restoreThreads() {
        JniUtils.setNumThreads(engineThreads);
    }

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        // the table, then seeded random widths (multiples of 4 up to 144) and blocks 1..3
        int[][] table = {{16, 32, 64, 64, 2}, {8, 16, 24, 32, 1}, {24, 48, 96, 128, 3}, {20, 40, 80, 160, 2},
            {40, 72, 104, 136, 2}};
        for (int[] t : table) {
            out.add(Arguments.of(new int[] {t[0], t[1], t[2], t[3]}, t[4]));
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 5; i++) {
            int[] w = new int[4];
            for (int l = 0; l < 4; l++) {
                w[l] = 4 * random.nextInt(1, l == 0 ? 13 : 37);
            }
            out.add(Arguments.of(w, random.nextInt(1, 4)));
        }
        return out.stream();
    }

    private static float[] image(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextDouble();
        }
        return v;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    @ParameterizedTest(name = "widths {0}, nb {1}")
    @MethodSource("configurations")
    void engineMatchesThePlainJavaReference(int[] widths, int blocks) {
        ResUNetConfig config = ResUNetConfig.rgb(widths, blocks);
        long seed = 31L * widths[0] + widths[3] + blocks;
        Map<String, float[]> parameters = ResUNet.randomParameters(config, seed);
        ReferenceResUNet reference = new ReferenceResUNet(config, parameters);
        SplittableRandom random = new SplittableRandom(seed);
        int[][] sizes = {{29, 22}, {16, 40}};
        float beta = 0.07f;
        ResUNet created;
        try {
            created = ResUNet.create(config, parameters);
        } catch (EngineFaultException e) {
            assertRefusedOnlyWhereAllowed(config, e);
            return;
        }
        try (ResUNet net = created) {
            List<double[]> expected = new ArrayList<>();
            List<float[]> inputs = new ArrayList<>();
            for (int[] s : sizes) {
                float[] img = image(random, 3 * s[0] * s[1]);
                inputs.add(img);
                expected.add(reference.denoise(img, s[0], s[1], beta));
            }
            for (int threads : new int[] {1, 2}) {
                JniUtils.setNumThreads(threads);
                for (int run = 1; run <= 2; run++) {
                    for (int i = 0; i < sizes.length; i++) {
                        float[] out = net.denoise(inputs.get(i), 3, sizes[i][0], sizes[i][1], beta);
                        assertClose(out, expected.get(i), "%s, %dx%d, %d thread(s), run %d", config, sizes[i][0],
                                sizes[i][1], threads, run);
                    }
                }
            }
            // the training block on a batch of two (autograd on, as in training), same reference
            JniUtils.setNumThreads(2);
            int h = 24;
            int w = 16;
            float[] a = image(random, 3 * h * w);
            float[] b = image(random, 3 * h * w);
            double[][] want = {reference.denoise(a, h, w, beta), reference.denoise(b, h, w, 2 * beta)};
            try (NDManager m = DjlRuntime.newManager()) {
                ResUNetBlock block = new ResUNetBlock(config);
                block.initialize(m, DataType.FLOAT32, new Shape(1, config.inChannels(), 8, 8));
                block.setParameterValues(net.parameters());
                float[] batch = new float[2 * 4 * h * w];
                int plane = h * w;
                System.arraycopy(a, 0, batch, 0, 3 * plane);
                java.util.Arrays.fill(batch, 3 * plane, 4 * plane, beta);
                System.arraycopy(b, 0, batch, 4 * plane, 3 * plane);
                java.util.Arrays.fill(batch, 7 * plane, 8 * plane, 2 * beta);
                NDArray in = m.create(batch, new Shape(2, 4, h, w));
                boolean grad = DjlRuntime.setGradMode(true);
                try {
                    float[] out = block.forward(new ParameterStore(m, false), new NDList(in), true)
                            .singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
                    for (int n = 0; n < 2; n++) {
                        float[] one = java.util.Arrays.copyOfRange(out, n * 3 * plane, (n + 1) * 3 * plane);
                        assertClose(one, want[n], "%s, training block, sample %d of a batch", config, n);
                    }
                } finally {
                    DjlRuntime.setGradMode(grad);
                }
            }
        } finally {
            JniUtils.setNumThreads(engineThreads);
        }
    }

    /**
     * A refusal is right only for widths that are not multiples of 16 and only without
     * {@code ONEDNN_MAX_CPU_ISA=SSE41} (the native-isa run of the prior-module pom), with the
     * work-around in the message; under SSE4.1 (the default test run) every configuration must compute.
     */
    private static void assertRefusedOnlyWhereAllowed(ResUNetConfig config, EngineFaultException e) {
        assertThat(System.getenv("ONEDNN_MAX_CPU_ISA")).as("refused under SSE4.1: %s", e.getMessage())
                .isNotEqualToIgnoringCase("SSE41");
        assertThat(ResUNet.blockAligned(config)).as("refused a block-aligned configuration").isFalse();
        assertThat(e.getMessage()).contains("ONEDNN_MAX_CPU_ISA=SSE41", "not all multiples of 16");
    }

    /**
     * {@link Precision#BF16} (run even where the CPU lacks bfloat16 instructions: the engine emulates
     * them) against the same double-precision reference: bfloat16 keeps 8 bits of mantissa, so each
     * convolution input is rounded by up to 2^-9 relative. Measured on this suite's configurations:
     * RMS error up to BF16_RMS_MEASURED, max error up to BF16_MAX_MEASURED of the output's largest
     * magnitude; the bounds leave 3× room. The error must also be far above float32's, or bf16 did
     * not run.
     */
    @ParameterizedTest(name = "widths {0}, nb {1}")
    @MethodSource("configurations")
    void bf16MatchesThePlainJavaReferenceWithinItsTolerance(int[] widths, int blocks) {
        ResUNetConfig config = ResUNetConfig.rgb(widths, blocks);
        long seed = 17L * widths[1] + widths[2] + blocks;
        Map<String, float[]> parameters = ResUNet.randomParameters(config, seed);
        ReferenceResUNet reference = new ReferenceResUNet(config, parameters);
        SplittableRandom random = new SplittableRandom(seed);
        ResUNet created;
        try {
            created = new ResUNet(config, parameters, Precision.BF16);
        } catch (EngineFaultException e) {
            assertRefusedOnlyWhereAllowed(config, e);
            return;
        }
        try (ResUNet net = created) {
            assertThat(net.precision()).isEqualTo(Precision.BF16);
            int h = 29;
            int w = 22;
            float[] img = image(random, 3 * h * w);
            double[] want = reference.denoise(img, h, w, 0.07f);
            float[] got = net.denoise(img, 3, h, w, 0.07f);
            double scale = Math.max(1, maxAbs(want));
            double worst = 0;
            double squares = 0;
            for (int i = 0; i < got.length; i++) {
                double d = got[i] - want[i];
                worst = Math.max(worst, Math.abs(d));
                squares += d * d;
            }
            double rms = Math.sqrt(squares / got.length) / scale;
            worst /= scale;
            System.out.printf("bf16 %s: rms %.2e, max %.2e of the output's magnitude%n", config, rms, worst);
            assertThat(rms).as("relative RMS error, %s", config).isLessThanOrEqualTo(3 * BF16_RMS_MEASURED);
            assertThat(worst).as("relative max error, %s", config).isLessThanOrEqualTo(3 * BF16_MAX_MEASURED)
                    .isGreaterThan(20 * TOLERANCE);
        }
    }

    private static final double BF16_RMS_MEASURED = 9.9e-4;
    private static final double BF16_MAX_MEASURED = 4.5e-3;

    private static void assertClose(float[] got, double[] expected, String what, Object... args) {
        double scale = maxAbs(expected);
        double worst = 0;
        int nonFinite = 0;
        for (int i = 0; i < got.length; i++) {
            if (!Float.isFinite(got[i])) {
                nonFinite++;
            } else {
                worst = Math.max(worst, Math.abs(got[i] - expected[i]));
            }
        }
        assertThat(nonFinite).as("non-finite outputs, " + what, args).isZero();
        assertThat(worst).as("max abs error (output up to %s), " + String.format(what, args), scale)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1, scale));
    }
}
