package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KernelsTest {

    @ParameterizedTest(name = "size {0}, width {1}")
    @CsvSource({"25, 2.2", "25, 0.4", "4, 1.0", "1, 3.0", "15, 0.7"})
    void gaussianFollowsFspecial(int size, double width) {
        Kernel k = Kernels.gaussian(size, width);
        assertThat(k.shape()).isEqualTo(size + "×" + size);
        assertThat(k.sum()).isCloseTo(1, offset(1e-14));
        double c = (size - 1) / 2.0;
        double[] raw = new double[size * size];
        double max = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                raw[i * size + j] = Math.exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2 * width * width));
                max = Math.max(max, raw[i * size + j]);
            }
        }
        double sum = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0x1p-52 * max) {
                raw[i] = 0;
            }
            sum += raw[i];
        }
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                assertThat(k.get(i, j)).isCloseTo(raw[i * size + j] / sum, offset(1e-16));
            }
        }
        double[] centroid = k.centroid();
        assertThat(centroid[0]).isCloseTo(c, offset(1e-12));
        assertThat(centroid[1]).isCloseTo(c, offset(1e-12));
    }

    @Test
    void narrowGaussianHasEpsCutOff() {
        Kernel k = Kernels.gaussian(25, 0.4);
        assertThat(k.get(0, 0)).isZero(); // exp(-288/0.32) underflows far below eps·max
        assertThat(k.get(12, 14)).isGreaterThan(0);
        // exp(-9/0.32) = 6e-13 ≥ eps, exp(-16/0.32) = 2e-22 < eps
        assertThat(k.get(12, 15)).isGreaterThan(0);
        assertThat(k.get(12, 16)).isZero();
    }

    @Test
    void anisotropicGaussianHasTheRequestedCovariance() {
        double s1 = 3.0;
        double s2 = 1.2;
        for (double theta : new double[] {0, Math.PI / 2, Math.PI / 6, -1.0}) {
            Kernel k = Kernels.anisotropicGaussian(41, s1, s2, theta);
            assertThat(k.sum()).isCloseTo(1, offset(1e-14));
            double[] m = moments(k);
            double cos = Math.cos(theta);
            double sin = Math.sin(theta);
            // covariance of (dx, dy) = R diag(s1², s2²) Rᵀ, R = [[cos, -sin], [sin, cos]]
            double cxx = s1 * s1 * cos * cos + s2 * s2 * sin * sin;
            double cyy = s1 * s1 * sin * sin + s2 * s2 * cos * cos;
            double cxy = (s1 * s1 - s2 * s2) * cos * sin;
            assertThat(m[0]).as("var x, theta %s", theta).isCloseTo(cxx, offset(1e-6));
            assertThat(m[1]).as("var y, theta %s", theta).isCloseTo(cyy, offset(1e-6));
            assertThat(m[2]).as("cov xy, theta %s", theta).isCloseTo(cxy, offset(1e-6));
        }
        Kernel iso = Kernels.anisotropicGaussian(9, 1.5, 1.5, 0.3);
        Kernel ref = Kernels.gaussian(9, 1.5);
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                assertThat(iso.get(i, j)).isCloseTo(ref.get(i, j), offset(1e-15));
            }
        }
    }

    /** {var(dx), var(dy), cov(dx, dy)} of a kernel summing to 1, dx along columns, dy along rows. */
    private static double[] moments(Kernel k) {
        double[] c = k.centroid();
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < k.height(); i++) {
            for (int j = 0; j < k.width(); j++) {
                double v = k.get(i, j);
                xx += v * (j - c[1]) * (j - c[1]);
                yy += v * (i - c[0]) * (i - c[0]);
                xy += v * (j - c[1]) * (i - c[0]);
            }
        }
        return new double[] {xx, yy, xy};
    }

    @Test
    void motionKernelsAreNonNegativeNormalisedSparseReproducibleAndVaried() {
        int offCentre = 0;
        for (long seed = 0; seed < 20; seed++) {
            Kernel k = Kernels.motion(25, seed);
            assertThat(k).isEqualTo(Kernels.motion(25, seed));
            assertThat(k.sum()).isCloseTo(1, offset(1e-12));
            int nonZero = 0;
            for (double v : k.toArray()) {
                assertThat(v).isGreaterThanOrEqualTo(0);
                if (v > 0) {
                    nonZero++;
                }
            }
            assertThat(nonZero).as("seed %d", seed).isBetween(3, 625 / 2);
            double[] c = k.centroid();
            if (Math.hypot(c[0] - 12, c[1] - 12) > 1) {
                offCentre++;
            }
        }
        assertThat(offCentre).as("kernels with centroid more than 1 px off-centre").isGreaterThan(5);
        assertThat(Kernels.motion(25, 1)).isNotEqualTo(Kernels.motion(25, 2));
        assertThat(Kernels.motion(1, 7)).isEqualTo(Kernel.delta());
        assertThat(Kernels.motion(2, 7).sum()).isCloseTo(1, offset(1e-12));
    }

    @ParameterizedTest(name = "s = {0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void shiftForDecimationMovesCentroidUpLeftByHalfOfScaleMinusOne(int s) {
        Kernel k = Kernels.gaussian(25, 2.0);
        Kernel shifted = Kernels.shiftForDecimation(k, s);
        assertThat(shifted.sum()).isCloseTo(1, offset(1e-14));
        double[] c = shifted.centroid();
        assertThat(c[0]).isCloseTo(12 - (s - 1) / 2.0, offset(1e-6));
        assertThat(c[1]).isCloseTo(12 - (s - 1) / 2.0, offset(1e-6));
    }

    @Test
    void shiftForDecimationInterpolatesBilinearlyWithClipping() {
        // 1×3 kernel [a b c] shifted by 0.5 (s = 2): [(a+b)/2, (b+c)/2, c] then normalised.
        Kernel k = Kernel.of(new double[][] {{1, 2, 4}});
        Kernel shifted = Kernels.shiftForDecimation(k, 2);
        double total = 1.5 + 3 + 4;
        assertThat(shifted.get(0, 0)).isCloseTo(1.5 / total, offset(1e-15));
        assertThat(shifted.get(0, 1)).isCloseTo(3 / total, offset(1e-15));
        assertThat(shifted.get(0, 2)).isCloseTo(4 / total, offset(1e-15));
        // s = 3: shift by one whole tap: [b, c, c].
        Kernel whole = Kernels.shiftForDecimation(k, 3);
        assertThat(whole).isEqualTo(Kernel.of(new double[][] {{0.2, 0.4, 0.4}}));
        assertThat(Kernels.shiftForDecimation(k, 1)).isEqualTo(k.normalized());
    }

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> Kernels.gaussian(0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("kernel size", "≥ 1", "got 0");
        assertThatThrownBy(() -> Kernels.gaussian(5, 0))
                .hasMessageContainingAll("Gaussian width", "> 0", "0.0");
        assertThatThrownBy(() -> Kernels.gaussian(5, Double.NaN))
                .hasMessageContainingAll("Gaussian width", "> 0", "NaN");
        assertThatThrownBy(() -> Kernels.anisotropicGaussian(5, -1, 1, 0))
                .hasMessageContainingAll("sigma1", "> 0", "-1.0");
        assertThatThrownBy(() -> Kernels.anisotropicGaussian(5, 1, Double.POSITIVE_INFINITY, 0))
                .hasMessageContainingAll("sigma2", "> 0", "Infinity");
        assertThatThrownBy(() -> Kernels.anisotropicGaussian(5, 1, 1, Double.NaN))
                .hasMessageContainingAll("theta", "finite", "NaN");
        assertThatThrownBy(() -> Kernels.motion(-3, 1)).hasMessageContainingAll("kernel size", "≥ 1", "-3");
        assertThatThrownBy(() -> Kernels.shiftForDecimation(Kernel.delta(), 0))
                .hasMessageContainingAll("scale", "≥ 1", "got 0");
        assertThatThrownBy(() -> Kernels.shiftForDecimation(Kernel.of(new double[][] {{1, -1}}), 1))
                .hasMessageContainingAll("sums to zero", "normalised");
    }
}
