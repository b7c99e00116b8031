package io.usrnet.hyper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HyperNetworkTest {
    private static final double EPS = 1e-6;

    /** h = 1, n = 1: the hidden unit carries w·[σ/255, s]; α = softplus(hidden), β = softplus(b2[1]). */
    private static HyperNetwork oneUnit(float wSigma, float wScale, float betaBias) {
        return HyperNetwork.of(1, 1,
                new float[] {wSigma, wScale}, new float[] {0f},
                new float[] {1f}, new float[] {0f},
                new float[] {1f, 0f}, new float[] {0f, betaBias});
    }

    @Test
    void feedsSigmaOver255AndRawScale() {
        // Sigma path: hidden = 255/255 = 1, alpha = ln(1 + e) + 1e-6.
        Schedule s = oneUnit(1f, 0f, 0f).schedule(255, 4);
        assertThat(s.iterations()).isEqualTo(1);
        assertThat(s.alpha(0)).isCloseTo(Math.log(1 + Math.E) + EPS, within(1e-15));
        assertThat(s.beta(0)).isCloseTo(Math.log(2) + EPS, within(1e-15));
        // Scale path: hidden = s = 3, alpha = ln(1 + e^3) + 1e-6.
        assertThat(oneUnit(0f, 1f, 0f).schedule(50, 3).alpha(0))
                .isCloseTo(Math.log1p(Math.exp(3)) + EPS, within(1e-15));
    }

    @Test
    void reluClipsNegativeHiddenUnits() {
        // hidden = -sigma/255 < 0 -> ReLU -> 0 -> alpha = ln 2 + 1e-6 whatever sigma is.
        assertThat(oneUnit(-1f, 0f, 0f).schedule(100, 2).alpha(0)).isCloseTo(Math.log(2) + EPS, within(1e-15));
    }

    @Test
    void softplusFollowsPyTorchThresholdAndOffset() {
        assertThat(oneUnit(0f, 0f, 30f).schedule(0, 1).beta(0)).isEqualTo(30 + EPS);
        assertThat(oneUnit(0f, 0f, -1000f).schedule(0, 1).beta(0)).isEqualTo(EPS);
        assertThat(HyperNetwork.softplus(20.0)).isCloseTo(Math.log1p(Math.exp(20)), within(1e-15));
        assertThat(HyperNetwork.softplus(20.5)).isEqualTo(20.5);
    }

    @Test
    void splitsOutputsIntoAlphasThenBetas() {
        // h = 1 hidden unit fixed at 1 by its bias; n = 2; outputs = b2 (weights 0).
        HyperNetwork net = HyperNetwork.of(2, 1, new float[] {0f, 0f}, new float[] {1f}, new float[] {1f},
                new float[] {0f}, new float[4], new float[] {25f, 21f, 22f, 23f});
        Schedule s = net.schedule(0, 1);
        assertThat(s.alphas()).containsExactly(25 + EPS, 21 + EPS);
        assertThat(s.betas()).containsExactly(22 + EPS, 23 + EPS);
        assertThat(net.iterations()).isEqualTo(2);
        assertThat(net.hiddenWidth()).isEqualTo(1);
    }

    @Test
    void denseWeightsAreOutByInRowMajor() {
        // h = 2, n = 1, every weight matrix non-symmetric and every hidden unit active, so reading a
        // weight transposed or a bias from the wrong layer changes the result. All sums are exact.
        HyperNetwork net = HyperNetwork.of(1, 2,
                new float[] {1f, 3f, 2f, -1f}, new float[] {1f, 5f},       // x = [0, 2] -> [7, 3]
                new float[] {1f, 2f, 0.5f, -1f}, new float[] {0f, 1f},     // -> [13, 1.5]
                new float[] {1f, -1f, 0.5f, 2f}, new float[] {-10f, 0f});  // -> [1.5, 9.5]
        Schedule s = net.schedule(0, 2);
        assertThat(s.alpha(0)).isCloseTo(Math.log1p(Math.exp(1.5)) + EPS, within(1e-15));
        assertThat(s.beta(0)).isCloseTo(Math.log1p(Math.exp(9.5)) + EPS, within(1e-15));
    }

    @Test
    void matchesPlainLoopsOnRandomWeights() {
        // h = 5 and 2n = 6: no two weight matrices share a shape. The reference is the direct sum
        // b_i + sum_k w_ik x_k in double over the widened float weights.
        int n = 3;
        int h = 5;
        SplittableRandom rnd = new SplittableRandom(13);
        float[] w0 = random(rnd, h * 2);
        float[] b0 = random(rnd, h);
        float[] w1 = random(rnd, h * h);
        float[] b1 = random(rnd, h);
        float[] w2 = random(rnd, 2 * n * h);
        float[] b2 = random(rnd, 2 * n);
        HyperNetwork net = HyperNetwork.of(n, h, w0, b0, w1, b1, w2, b2);
        int active = 0;
        for (double sigma : new double[] {0, 2.55, 15, 50, 255}) {
            for (int scale = 1; scale <= 4; scale++) {
                double[] h1 = loopDense(w0, b0, new double[] {sigma / 255, scale}, true);
                double[] h2 = loopDense(w1, b1, h1, true);
                double[] out = loopDense(w2, b2, h2, false);
                for (double v : h2) {
                    active += v > 0 ? 1 : 0;
                }
                Schedule s = net.schedule(sigma, scale);
                for (int i = 0; i < n; i++) {
                    double alpha = HyperNetwork.softplus(out[i]) + EPS;
                    double beta = HyperNetwork.softplus(out[n + i]) + EPS;
                    assertThat(s.alpha(i)).as("alpha %d at sigma %s scale %d", i, sigma, scale)
                            .isCloseTo(alpha, within(1e-14 * alpha));
                    assertThat(s.beta(i)).as("beta %d at sigma %s scale %d", i, sigma, scale)
                            .isCloseTo(beta, within(1e-14 * beta));
                }
            }
        }
        assertThat(active).as("hidden units that passed the second ReLU").isGreaterThan(20 * h / 4);
    }

    private static float[] random(SplittableRandom rnd, int length) {
        float[] a = new float[length];
        for (int i = 0; i < length; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** y = W x + b with W {@code [b.length, x.length]} row-major, optionally followed by ReLU. */
    private static double[] loopDense(float[] w, float[] b, double[] x, boolean relu) {
        double[] y = new double[b.length];
        for (int r = 0; r < y.length; r++) {
            double acc = b[r];
            for (int c = 0; c < x.length; c++) {
                acc += w[r * x.length + c] * x[c]; // float widened to double
            }
            y[r] = relu ? Math.max(acc, 0.0) : acc;
        }
        return y;
    }

    @Test
    void copiesWeights() {
        float[] b2 = {25f, 25f};
        HyperNetwork net = HyperNetwork.of(1, 1, new float[2], new float[1], new float[1], new float[1],
                new float[2], b2);
        b2[0] = 40f;
        assertThat(net.schedule(0, 1).alpha(0)).isEqualTo(25 + EPS);
    }

    @Test
    void rejectsBadInputs() {
        HyperNetwork net = oneUnit(1f, 1f, 0f);
        assertThatThrownBy(() -> net.schedule(-1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("sigma255", "[0,255]", ">= 0", "-1.0");
        assertThatThrownBy(() -> net.schedule(Double.NaN, 2)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> net.schedule(Double.POSITIVE_INFINITY, 2)).hasMessageContaining("got Infinity");
        assertThatThrownBy(() -> net.schedule(5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("scale factor", ">= 1", "got 0");
    }

    @Test
    void rejectsBadWeights() {
        assertThatThrownBy(() -> HyperNetwork.of(1, 2, new float[3], new float[2], new float[4], new float[2],
                new float[4], new float[2])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("w0", "4 values", "got 3");
        assertThatThrownBy(() -> HyperNetwork.of(0, 2, new float[4], new float[2], new float[4], new float[2],
                new float[0], new float[0])).hasMessageContainingAll("at least 1 iteration", "got 0");
        assertThatThrownBy(() -> HyperNetwork.of(1, 1, new float[2], new float[1], new float[1], new float[1],
                new float[] {0f, Float.NaN}, new float[2]))
                .hasMessageContainingAll("w2", "NaN", "index 1");
        assertThatThrownBy(() -> HyperNetwork.of(1, 1, new float[2], null, new float[1], new float[1],
                new float[2], new float[2])).hasMessageContainingAll("b0", "null");
    }
}
