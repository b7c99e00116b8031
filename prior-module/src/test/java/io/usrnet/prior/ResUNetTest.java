package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.usrnet.prior.djl.DjlRuntime;
import io.usrnet.prior.djl.ResUNetBlock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResUNetTest {
    static final ResUNetConfig SMALL = ResUNetConfig.of(4, 3, 8, 16, 24, 32, 1);
    static ResUNet net;

    @BeforeAll
    static void open() {
        net = ResUNet.random(SMALL, 7);
    }

    @AfterAll
    static void close() {
        net.close();
    }

    static float[] randomImage(long seed, int size) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /** Replicate-pads a planar image at the bottom/right, in plain Java. */
    static float[] pad(float[] img, int c, int h, int w, int hp, int wp) {
        float[] out = new float[c * hp * wp];
        for (int k = 0; k < c; k++) {
            for (int y = 0; y < hp; y++) {
                for (int x = 0; x < wp; x++) {
                    out[(k * hp + y) * wp + x] = img[(k * h + Math.min(y, h - 1)) * w + Math.min(x, w - 1)];
                }
            }
        }
        return out;
    }

    @Test
    void padsReplicatingBottomRightAndCropsBack() {
        int[][] sizes = {{1, 1}, {13, 21}, {9, 7}, {8, 16}, {2, 30}};
        for (int[] s : sizes) {
            int h = s[0], w = s[1];
            int hp = (h + 7) / 8 * 8, wp = (w + 7) / 8 * 8;
            float[] img = randomImage(h * 100 + w, 3 * h * w);
            float[] out = net.denoise(img, 3, h, w, 0.1f);
            float[] padded = net.denoise(pad(img, 3, h, w, hp, wp), 3, hp, wp, 0.1f);
            for (int k = 0; k < 3; k++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertThat(out[(k * h + y) * w + x]).as("%dx%d at %d,%d,%d", h, w, k, y, x)
                                .isCloseTo(padded[(k * hp + y) * wp + x], within(1e-6f));
                    }
                }
            }
        }
    }

    @Test
    void blockPathOnNdArraysAgreesWithDenoise() {
        int h = 11, w = 19;
        float[] img = randomImage(5, 3 * h * w);
        float beta = 0.3f;
        float[] expected = net.denoise(img, 3, h, w, beta);
        float[] input = new float[4 * h * w];
        System.arraycopy(img, 0, input, 0, img.length);
        java.util.Arrays.fill(input, img.length, input.length, beta);
        try (NDManager m = DjlRuntime.newManager()) {
            ResUNetBlock block = new ResUNetBlock(SMALL);
            block.initialize(m, DataType.FLOAT32, new Shape(1, 4, h, w));
            block.setParameterValues(ResUNet.randomParameters(SMALL, 7));
            NDArray out = block.forward(new ParameterStore(m, false),
                    new NDList(m.create(input, new Shape(1, 4, h, w))), false).singletonOrThrow();
            assertThat(out.getShape()).isEqualTo(new Shape(1, 3, h, w));
            float[] actual = out.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-5f));
            }
        }
    }

    @Test
    void worksWithoutResidualBlocks() {
        try (ResUNet plain = ResUNet.random(ResUNetConfig.of(4, 3, 8, 8, 8, 8, 0), 4)) {
            float[] img = randomImage(2, 3 * 9 * 9);
            float[] out = plain.denoise(img, 3, 9, 9, 0.5f);
            float[] padded = plain.denoise(pad(img, 3, 9, 9, 16, 16), 3, 16, 16, 0.5f);
            assertThat(out[3 * 9 * 9 - 1]).isCloseTo(padded[3 * 16 * 16 - 7 * 16 - 8], within(1e-6f));
        }
    }

    @Test
    void betaMatters() {
        float[] img = randomImage(3, 3 * 16 * 16);
        float[] a = net.denoise(img, 3, 16, 16, 0.0f);
        float[] b = net.denoise(img, 3, 16, 16, 1.0f);
        assertThat(a).isNotEqualTo(b);
        assertThat(net.denoise(img, 3, 16, 16, 0.0f)).isEqualTo(a); // deterministic
    }

    @Test
    void parametersRoundTripAndSeedsAreDeterministic() {
        Map<String, float[]> p = ResUNet.randomParameters(SMALL, 7);
        Map<String, float[]> back = net.parameters();
        assertThat(back.keySet()).containsExactlyElementsOf(SMALL.parameterShapes().keySet());
        for (String k : p.keySet()) {
            assertThat(back.get(k)).as(k).isEqualTo(p.get(k));
        }
        assertThat(ResUNet.randomParameters(SMALL, 8).get("m_head.weight")).isNotEqualTo(p.get("m_head.weight"));
        // PyTorch-like bound 1/sqrt(fanIn), fanIn of m_head = 4·3·3
        for (float v : p.get("m_head.weight")) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) (1 / Math.sqrt(36)));
        }
    }

    @Test
    void concurrentCallsGiveTheSequentialResults() throws Exception {
        int n = 12;
        List<float[]> images = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            images.add(randomImage(1000 + i, 3 * (10 + i) * 17));
            expected.add(net.denoise(images.get(i), 3, 10 + i, 17, 0.05f * i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    results.add(pool.submit(() -> net.denoise(images.get(k), 3, 10 + k, 17, 0.05f * k)));
                }
            }
            for (int j = 0; j < results.size(); j++) {
                assertThat(results.get(j).get()).as("call %d", j).isEqualTo(expected.get(j % n));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void inferenceWeightsDoNotRecordGradients() {
        try (ResUNet aligned = ResUNet.random(ResUNetConfig.of(4, 3, 16, 16, 16, 16, 1), 7)) {
            assertThat(aligned.weightArrays()).hasSize(aligned.config().parameterShapes().size());
            aligned.weightArrays().forEach((name, array) ->
                    assertThat(JniUtils.requiresGrad((PtNDArray) array)).as(name).isFalse());
        }
    }

    @Test
    void rejectsBadInputWithClearMessages() {
        float[] img = new float[3 * 4 * 5];
        float[] out = new float[3 * 4 * 5];
        assertThatThrownBy(() -> net.denoise(new float[4 * 4 * 5], 4, 4, 5, 0f, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 channels");
        assertThatThrownBy(() -> net.denoise(img, 3, 0, 5, 0f, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1×1");
        assertThatThrownBy(() -> net.denoise(img, 3, 5, 5, 0f, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image array holds 60");
        assertThatThrownBy(() -> net.denoise(img, 3, 4, 5, 0f, new float[10]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output array holds 10");
        assertThatThrownBy(() -> net.denoise(img, 3, 4, 5, Float.NaN, out))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
        assertThatThrownBy(() -> net.denoise(img, 3, 100_000, 100_000, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
        float[] bad = img.clone();
        bad[2 * 20 + 5 + 3] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> net.denoise(bad, 3, 4, 5, 0f, out))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite").hasMessageContaining("channel 2, row 1, column 3");
        bad[43] = Float.NaN;
        assertThatThrownBy(() -> net.denoise(bad, 3, 4, 5, 0f, out)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadParametersNamingTheTensor() {
        Map<String, float[]> p = new LinkedHashMap<>(ResUNet.randomParameters(SMALL, 1));
        Map<String, float[]> missing = new LinkedHashMap<>(p);
        missing.remove("m_up2.0.weight");
        assertThatThrownBy(() -> ResUNet.create(SMALL, missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'m_up2.0.weight'").hasMessageContaining("missing");
        Map<String, float[]> wrong = new LinkedHashMap<>(p);
        wrong.put("m_body.res.2.weight", new float[5]);
        assertThatThrownBy(() -> ResUNet.create(SMALL, wrong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'m_body.res.2.weight'").hasMessageContaining("[32, 32, 3, 3]");
        Map<String, float[]> prefixed = new LinkedHashMap<>();
        p.forEach((k, v) -> prefixed.put("p." + k, v));
        assertThatThrownBy(() -> ResUNet.create(SMALL, prefixed)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("p.m_head.weight").hasMessageContaining("without the 'p.' prefix");
        Map<String, float[]> nan = new LinkedHashMap<>(p);
        float[] t = p.get("m_tail.weight").clone();
        t[7] = Float.NaN;
        nan.put("m_tail.weight", t);
        assertThatThrownBy(() -> ResUNet.create(SMALL, nan)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'m_tail.weight'").hasMessageContaining("index 7");
        // weights of another configuration
        assertThatThrownBy(() -> ResUNet.create(ResUNetConfig.USRNET_TINY, p))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown");
    }

    @Test
    void closedNetworkFailsClearly() {
        ResUNet other = ResUNet.random(SMALL, 2);
        float[] img = new float[3 * 8 * 8];
        assertThat(other.denoise(img, 3, 8, 8, 0f)).hasSize(3 * 8 * 8);
        other.close();
        other.close(); // idempotent
        assertThatThrownBy(() -> other.denoise(img, 3, 8, 8, 0f))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(other::parameters).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 0})
    void gradientsReachEveryParameterWhenTraining(int blocks) {
        ResUNetConfig config = ResUNetConfig.of(4, 3, 8, 16, 24, 32, blocks);
        try (NDManager m = DjlRuntime.newManager()) {
            ResUNetBlock block = new ResUNetBlock(config);
            block.initialize(m, DataType.FLOAT32, new Shape(2, 4, 8, 8));
            block.setParameterValues(ResUNet.randomParameters(config, 11));
            NDArray x = m.create(randomImage(9, 2 * 4 * 11 * 13), new Shape(2, 4, 11, 13));
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(new Shape(2, 3, 11, 13));
                gc.backward(out.mul(out).sum());
            }
            for (Map.Entry<String, Parameter> e : block.stateDictParameters().entrySet()) {
                NDArray grad = e.getValue().getArray().getGradient();
                assertThat(grad.getShape()).isEqualTo(e.getValue().getArray().getShape());
                assertThat(grad.abs().sum().getFloat()).as("gradient of %s", e.getKey()).isGreaterThan(0f);
            }
        }
    }
}
