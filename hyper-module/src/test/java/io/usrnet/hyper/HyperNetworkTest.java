package io.usrnet.hyper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

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
