package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DihedralTest {
    /** A non-square RGB image of distinct values. */
    private static Image image(int h, int w, long seed) {
        float[] v = new float[3 * h * w];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        return Image.wrap(3, h, w, v);
    }

    @Test
    void theEightTransformsAreDistinctAndInverted() {
        Image x = image(5, 7, 1);
        java.util.Set<Image> seen = new java.util.HashSet<>();
        for (Dihedral g : Dihedral.values()) {
            Image t = g.apply(x);
            seen.add(t);
            assertThat(g.inverse(t)).isEqualTo(x);
            assertThat(g.inverse().apply(t)).isEqualTo(x);
        }
        assertThat(seen).hasSize(8);
        assertThat(Dihedral.ROTATE_90.apply(x).get(0, 0, 4)).isEqualTo(x.get(0, 0, 0)); // top-left goes top-right
        assertThat(Dihedral.TRANSPOSE.apply(x).height()).isEqualTo(7);
    }

    /**
     * The degradation model holds for every transformed triple, exactly: g(y) = (g(x) ⊗ g_s(k))↓s with
     * the library's upper-left decimation, for odd and even, asymmetric, non-square kernels.
     */
    @ParameterizedTest(name = "scale {0}, kernel {1}×{2}")
    @CsvSource({"1, 5, 5", "2, 7, 5", "3, 6, 4", "4, 9, 9", "2, 4, 7"})
    void blurThenDecimateCommutesWithEveryTransform(int s, int kh, int kw) {
        double[] taps = new double[kh * kw];
        java.util.Random r = new java.util.Random(kh * 31 + kw);
        for (int i = 0; i < taps.length; i++) {
            taps[i] = r.nextDouble();
        }
        Kernel k = Kernel.of(kh, kw, taps).normalized();
        Image x = image(8 * s, 12 * s, s);
        Image y = Degradations.decimate(Degradations.blur(x, k), s);
        for (Dihedral g : Dihedral.values()) {
            Image gy = Degradations.decimate(Degradations.blur(g.apply(x), g.kernel(k, s)), s);
            assertThat(gy.maxAbsDifference(g.apply(y))).as(g.name()).isLessThan(1e-6);
        }
    }

    /** With the prior as the identity, an ensemble member is the plain data step, transformed. */
    @ParameterizedTest(name = "scale {0}")
    @CsvSource({"1", "2", "3", "4"})
    void theDataStepIsEquivariant(int s) {
        Kernel k = Kernels.linearMotion(9, 6, 0.4);
        Image x = image(16 * s, 24 * s, 7);
        Image y = Degradations.decimate(Degradations.blur(x, k), s);
        Image x0 = Degradations.upsampleNearest(y, s);
        Image plain = DataStep.prepare(k, s, y).step(x0, 0.05);
        for (Dihedral g : Dihedral.values()) {
            Image member = DataStep.prepare(g.kernel(k, s), s, g.apply(y)).step(g.apply(x0), 0.05);
            assertThat(g.inverse(member).maxAbsDifference(plain)).as(g.name()).isLessThan(2e-5);
        }
    }
}
