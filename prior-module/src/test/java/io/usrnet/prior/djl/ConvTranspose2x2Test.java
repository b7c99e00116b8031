package io.usrnet.prior.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConvTranspose2x2Test {

    /** The definition: out[n, o, 2i+a, 2j+b] = Σ_c in[n, c, i, j] · W[c, o, a, b]. */
    static float[] naive(float[] x, float[] weight, int n, int cin, int cout, int h, int w) {
        float[] out = new float[n * cout * 4 * h * w];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < cout; o++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                double sum = 0;
                                for (int c = 0; c < cin; c++) {
                                    sum += (double) x[((b * cin + c) * h + i) * w + j]
                                            * weight[((c * cout + o) * 2 + dy) * 2 + dx];
                                }
                                out[((b * cout + o) * 2 * h + 2 * i + dy) * 2 * w + 2 * j + dx] = (float) sum;
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static float[] random(SplittableRandom r, int size) {
        float[] a = new float[size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    @Test
    void equalsTheDefinitionOnRandomData() {
        SplittableRandom r = new SplittableRandom(42);
        int[][] cases = {{2, 5, 3, 3, 4}, {1, 7, 11, 1, 1}, {1, 16, 8, 5, 7}};
        try (NDManager m = DjlRuntime.newManager()) {
            for (int[] c : cases) {
                int n = c[0], cin = c[1], cout = c[2], h = c[3], w = c[4];
                ConvTranspose2x2 block = new ConvTranspose2x2(cin, cout);
                block.initialize(m, DataType.FLOAT32, new Shape(n, cin, h, w));
                float[] weight = random(r, cin * cout * 4);
                block.weight().getArray().set(weight);
                float[] x = random(r, n * cin * h * w);
                NDArray out = block.forward(new ParameterStore(m, false),
                        new NDList(m.create(x, new Shape(n, cin, h, w))), false).singletonOrThrow();
                assertThat(out.getShape()).isEqualTo(new Shape(n, cout, 2 * h, 2 * w));
                float[] expected = naive(x, weight, n, cin, cout, h, w);
                float[] actual = out.toFloatArray();
                for (int i = 0; i < expected.length; i++) {
                    assertThat(actual[i]).as("element %d of case %s", i, java.util.Arrays.toString(c))
                            .isCloseTo(expected[i], within(1e-5f));
                }
            }
        }
    }
}
