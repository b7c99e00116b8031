package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parametric kernels of {@link Kernels}: linear motion and the disk, against analytic cases. */
class KernelsShapesTest {

    // ---------------------------------------------------------------- linear motion

    @Test
    void shortHorizontalSegmentsHaveTheTentIntegralsAsTaps() {
        // L = 1 on [-1/2, 1/2]: centre ∫(1 - |t|) dt = 3/4, neighbours ∫_0^{1/2} t dt = 1/8
        assertRow(Kernels.linearMotion(3, 1, 0), 1, 0.125, 0.75, 0.125);
        // L = 2 on [-1, 1]: centre 1/2, neighbours 1/4
        assertRow(Kernels.linearMotion(3, 2, 0), 1, 0.25, 0.5, 0.25);
        // L = 3 on [-3/2, 3/2]: centre ∫_{-1}^{1}(1-|t|) = 1, ±1: ∫_0^{3/2} Λ(t - 1) = 1/2 + 3/8 = 7/8,
        // ±2: ∫_1^{3/2} (t - 1) dt = 1/8; divided by 3
        assertRow(Kernels.linearMotion(5, 3, 0), 2, 1 / 24.0, 7 / 24.0, 8 / 24.0, 7 / 24.0, 1 / 24.0);
    }

    private static void assertRow(Kernel k, int row, double... expected) {
        int n = k.width();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double e = i == row ? expected[j] : 0;
                assertThat(k.get(i, j)).as("tap (%d, %d) of %s", i, j, k).isCloseTo(e, offset(1e-15));
            }
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(doubles = {2, 7, 15, 20, 24})
    void horizontalMotionHasTheMomentsOfAUniformSegment(double length) {
        Kernel k = Kernels.linearMotion(25, length, 0);
        assertThat(k.sum()).isCloseTo(1, offset(1e-14));
        double[] c = k.centroid();
        assertThat(c[0]).isCloseTo(12, offset(1e-13));
        assertThat(c[1]).isCloseTo(12, offset(1e-13));
        double[] m = moments(k);
        // uniform on [-L/2, L/2]: L²/12; the tent deposit adds E[f(1 - f)] = 1/6 for an integer L
        assertThat(m[0]).isCloseTo(length * length / 12 + 1 / 6.0, offset(1e-12));
        assertThat(m[1]).isZero();
        assertThat(m[2]).isZero();
        assertThat(k.get(12, 12)).isCloseTo(1 / length, offset(1e-15)); // the tent over [-1, 1] integrates to 1
    }

    @Test
    void nonIntegerLengthsHaveAboutTheSegmentsVariance() {
        for (double length : new double[] {4.3, 10.5, 17.77}) {
            Kernel k = Kernels.linearMotion(21, length, 0);
            double[] m = moments(k);
            // between L²/12 and L²/12 + 1/4 (the largest E[f(1 - f)])
            assertThat(m[0]).as("L = %s", length).isBetween(length * length / 12, length * length / 12 + 0.25);
            assertThat(m[1]).isZero();
        }
    }

    @Test
    void verticalMotionIsTheTransposeOfHorizontalAndHalfTurnsChangeNothing() {
        Kernel h = Kernels.linearMotion(17, 11.3, 0);
        assertThat(Kernels.linearMotion(17, 11.3, Math.PI / 2)).isEqualTo(transpose(h));
        assertClose(Kernels.linearMotion(17, 11.3, Math.PI), h, 1e-15);
        assertClose(Kernels.linearMotion(17, 11.3, -Math.PI / 2), transpose(h), 1e-15);
        // sin(π) is 1.2e-16, not 0: the segment must still stay on the centre row, not leak 1e-17 into the next
        for (double length : new double[] {11.3, 16}) {
            Kernel back = Kernels.linearMotion(17, length, Math.PI);
            for (int i = 0; i < 17; i++) {
                for (int j = 0; j < 17; j++) {
                    if (i != 8) {
                        assertThat(back.get(i, j)).as("tap (%d, %d), length %s", i, j, length).isZero();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "angle {0}°")
    @ValueSource(doubles = {30, 45, -20, 63, 135})
    void obliqueMotionIsCentredSymmetricAndAlignedWithItsAngle(double degrees) {
        double theta = Math.toRadians(degrees);
        double length = 14;
        Kernel k = Kernels.linearMotion(Kernels.linearMotionSize(length, theta), length, theta);
        assertThat(k.sum()).isCloseTo(1, offset(1e-14));
        int n = k.height();
        double c = (n - 1) / 2.0;
        assertThat(k.centroid()[0]).isCloseTo(c, offset(1e-12));
        assertThat(k.centroid()[1]).isCloseTo(c, offset(1e-12));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(k.get(i, j)).isGreaterThanOrEqualTo(0).isCloseTo(k.get(n - 1 - i, n - 1 - j), offset(1e-15));
            }
        }
        double[] m = moments(k);
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double along = m[0] * cos * cos + m[1] * sin * sin + 2 * m[2] * cos * sin;
        double across = m[0] * sin * sin + m[1] * cos * cos - 2 * m[2] * cos * sin;
        // the tent adds at most 1/4 + 1/4 (both axes) to any direction's variance
        assertThat(along).isBetween(length * length / 12, length * length / 12 + 0.5);
        assertThat(across).isBetween(0.0, 0.5);
        if (degrees == 45) {
            assertClose(k, transpose(k), 1e-15);
        }
    }

    @ParameterizedTest(name = "length {0}, angle {1}°")
    @CsvSource({"9.6, 0", "12, 37", "5.5, 100", "0.4, 10"})
    void motionEqualsDenseSamplingWithBilinearDeposit(double length, double degrees) {
        double theta = Math.toRadians(degrees);
        int n = Kernels.linearMotionSize(length, theta) + 2;
        Kernel k = Kernels.linearMotion(n, length, theta);
        // the midpoint rule with 2·10⁵ samples: an independent, slower rendering of the same integral
        int samples = 200_000;
        double c = (n - 1) / 2.0;
        double[] v = new double[n * n];
        for (int s = 0; s < samples; s++) {
            double t = ((s + 0.5) / samples - 0.5) * length;
            double y = c + t * Math.sin(theta);
            double x = c + t * Math.cos(theta);
            int r0 = (int) Math.floor(y);
            int c0 = (int) Math.floor(x);
            double fy = y - r0;
            double fx = x - c0;
            v[r0 * n + c0] += (1 - fy) * (1 - fx) / samples;
            v[r0 * n + c0 + 1] += (1 - fy) * fx / samples;
            v[(r0 + 1) * n + c0] += fy * (1 - fx) / samples;
            v[(r0 + 1) * n + c0 + 1] += fy * fx / samples;
        }
        for (int i = 0; i < n * n; i++) {
            assertThat(k.get(i / n, i % n)).as("tap %d", i).isCloseTo(v[i], offset(1e-6));
        }
    }

    @Test
    void zeroLengthIsADelta() {
        Kernel k = Kernels.linearMotion(5, 0, 1.0);
        assertThat(k.get(2, 2)).isEqualTo(1.0);
        assertThat(k.sum()).isEqualTo(1.0);
        assertThat(Kernels.linearMotion(1, 0, 0)).isEqualTo(Kernel.delta());
        Kernel even = Kernels.linearMotion(4, 0, 0); // the centre lies between four taps
        assertThat(even.get(1, 1)).isEqualTo(0.25);
        assertThat(even.get(2, 2)).isEqualTo(0.25);
        Kernel tiny = Kernels.linearMotion(5, 1e-9, 0.3);
        assertThat(tiny.get(2, 2)).isCloseTo(1, offset(1e-9));
    }

    @Test
    void motionSizeIsTheSmallestOddSizeThatHoldsTheSegment() {
        assertThat(Kernels.linearMotionSize(0, 0)).isEqualTo(1);
        assertThat(Kernels.linearMotionSize(8, 0)).isEqualTo(9);
        assertThat(Kernels.linearMotionSize(8.5, 0)).isEqualTo(11);
        assertThat(Kernels.linearMotionSize(7, Math.PI / 2)).isEqualTo(9);
        assertThat(Kernels.linearMotionSize(8 * Math.sqrt(2), Math.PI / 4)).isEqualTo(9);
        Kernels.linearMotion(9, 8, 0);
        Kernels.linearMotion(9, 8 * Math.sqrt(2), Math.PI / 4);
        assertThatThrownBy(() -> Kernels.linearMotion(9, 8.5, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("does not fit a 9×9 kernel", "at least 10 (11 for an odd size)");
        assertThatThrownBy(() -> Kernels.linearMotion(9, 12, Math.PI / 4))
                .hasMessageContainingAll("does not fit", "at least 10 (11 for an odd size)");
    }

    // ---------------------------------------------------------------- disk

    @ParameterizedTest(name = "radius {0}")
    @ValueSource(doubles = {1, 2.5, 4, 7.3, 10})
    void diskTapsAreExactAreasOfTheDisc(double radius) {
        int n = Kernels.diskSize(radius);
        Kernel k = Kernels.disk(n, radius);
        assertThat(k.sum()).isCloseTo(1, offset(1e-14));
        double c = (n - 1) / 2.0;
        double area = Math.PI * radius * radius;
        // pixels wholly inside the disc hold 1/(πR²): the sum before normalising is the disc's area
        assertThat(k.get((int) c, (int) c)).isCloseTo(1 / area, offset(1e-12 / area));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = k.get(i, j);
                assertThat(v).isBetween(0.0, 1 / area * (1 + 1e-12));
                assertThat(v).isCloseTo(k.get(j, i), offset(1e-15)).isCloseTo(k.get(n - 1 - i, j), offset(1e-15))
                        .isCloseTo(k.get(i, n - 1 - j), offset(1e-15));
            }
        }
        assertThat(k.centroid()[0]).isCloseTo(c, offset(1e-12));
        assertThat(k.centroid()[1]).isCloseTo(c, offset(1e-12));
    }

    @ParameterizedTest(name = "radius {0}")
    @CsvSource({"1.5, 3", "2.7, 7", "3.2, 8"})
    void diskEqualsSupersampledCoverage(double radius, int size) {
        Kernel k = Kernels.disk(size, radius);
        int sub = 300; // 300² midpoint samples per pixel: error of the count ~ perimeter / sub² per pixel
        double c = (size - 1) / 2.0;
        double[] v = new double[size * size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                int inside = 0;
                for (int a = 0; a < sub; a++) {
                    double y = i - c - 0.5 + (a + 0.5) / sub;
                    for (int b = 0; b < sub; b++) {
                        double x = j - c - 0.5 + (b + 0.5) / sub;
                        if (x * x + y * y <= radius * radius) {
                            inside++;
                        }
                    }
                }
                v[i * size + j] = inside / (double) (sub * sub);
                total += v[i * size + j];
            }
        }
        assertThat(total).isCloseTo(Math.PI * radius * radius, offset(1e-3));
        for (int i = 0; i < v.length; i++) {
            assertThat(k.get(i / size, i % size)).as("tap %d", i).isCloseTo(v[i] / total, offset(1e-4));
        }
    }

    @ParameterizedTest(name = "radius {0}")
    @ValueSource(doubles = {6, 12.5, 20})
    void diskHasTheSecondMomentsOfAUniformDisc(double radius) {
        Kernel k = Kernels.disk(Kernels.diskSize(radius), radius);
        double[] m = moments(k);
        // uniform disc: E[r²] = R²/2, R²/4 per axis; a pixel's area adds about 1/12 per axis
        double perAxis = radius * radius / 4 + 1 / 12.0;
        assertThat(m[0]).isCloseTo(perAxis, offset(0.03));
        assertThat(m[1]).isCloseTo(m[0], offset(1e-10));
        assertThat(m[2]).isCloseTo(0, offset(1e-10));
        assertThat((m[0] + m[1]) / (radius * radius / 2)).isCloseTo(1, offset(0.02));
    }

    @Test
    void smallRadiiAreADelta() {
        for (double radius : new double[] {0, 0.2, 0.5}) {
            Kernel k = Kernels.disk(3, radius);
            assertThat(k.get(1, 1)).as("radius %s", radius).isEqualTo(1.0);
            assertThat(k.sum()).isEqualTo(1.0);
        }
        assertThat(Kernels.disk(1, 0.5)).isEqualTo(Kernel.delta());
        assertThat(Kernels.disk(2, 0).get(0, 0)).isEqualTo(0.25);
    }

    @Test
    void diskSizeIsTheSmallestOddSizeThatHoldsTheDisc() {
        assertThat(Kernels.diskSize(0)).isEqualTo(1);
        assertThat(Kernels.diskSize(0.5)).isEqualTo(1);
        assertThat(Kernels.diskSize(3)).isEqualTo(7);
        assertThat(Kernels.diskSize(3.5)).isEqualTo(7);
        assertThat(Kernels.diskSize(3.6)).isEqualTo(9);
        Kernels.disk(7, 3.5);
        assertThatThrownBy(() -> Kernels.disk(7, 3.6)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("radius 3.6", "does not fit a 7×7 kernel", "at least 8 (9 for an odd size)");
    }

    // ---------------------------------------------------------------- Gaussians

    @Test
    void anisotropicGaussianTurnedByARightAngleIsTheTranspose() {
        Kernel k = Kernels.anisotropicGaussian(31, 3.0, 1.0, 0);
        assertClose(Kernels.anisotropicGaussian(31, 3.0, 1.0, Math.PI / 2), transpose(k), 1e-15);
        assertClose(Kernels.anisotropicGaussian(31, 1.0, 3.0, 0), transpose(k), 1e-15);
        double[] m = moments(k);
        assertThat(m[0]).isCloseTo(9, offset(1e-4)); // ±15 taps = 5σ: the cut-off tails hold 6e-7 of the mass
        assertThat(m[1]).isCloseTo(1, offset(1e-6));
    }

    // ---------------------------------------------------------------- errors

    @Test
    void rejectsInvalidArguments() {
        assertThatThrownBy(() -> Kernels.linearMotion(0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("kernel size", "≥ 1", "got 0");
        assertThatThrownBy(() -> Kernels.linearMotion(9, -1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("motion length", "≥ 0", "-1.0");
        assertThatThrownBy(() -> Kernels.linearMotion(9, Double.NaN, 0)).hasMessageContainingAll("motion length", "NaN");
        assertThatThrownBy(() -> Kernels.linearMotion(9, 3, Double.POSITIVE_INFINITY))
                .hasMessageContainingAll("motion angle", "finite", "Infinity");
        assertThatThrownBy(() -> Kernels.linearMotionSize(-2, 0)).hasMessageContainingAll("motion length", "-2.0");
        assertThatThrownBy(() -> Kernels.disk(9, -0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("disk radius", "≥ 0", "-0.5");
        assertThatThrownBy(() -> Kernels.disk(9, Double.POSITIVE_INFINITY)).hasMessageContainingAll("disk radius", "Infinity");
        assertThatThrownBy(() -> Kernels.disk(-1, 1)).hasMessageContainingAll("kernel size", "≥ 1", "-1");
        assertThatThrownBy(() -> Kernels.diskSize(Double.NaN)).hasMessageContainingAll("disk radius", "NaN");
    }

    // ---------------------------------------------------------------- helpers

    /** {var(dx), var(dy), cov(dx, dy)} about the grid centre, dx along columns, dy along rows. */
    private static double[] moments(Kernel k) {
        double c = (k.height() - 1) / 2.0;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < k.height(); i++) {
            for (int j = 0; j < k.width(); j++) {
                double v = k.get(i, j);
                xx += v * (j - c) * (j - c);
                yy += v * (i - c) * (i - c);
                xy += v * (j - c) * (i - c);
            }
        }
        return new double[] {xx, yy, xy};
    }

    private static Kernel transpose(Kernel k) {
        double[][] t = new double[k.width()][k.height()];
        for (int i = 0; i < k.height(); i++) {
            for (int j = 0; j < k.width(); j++) {
                t[j][i] = k.get(i, j);
            }
        }
        return Kernel.of(t);
    }

    private static void assertClose(Kernel a, Kernel b, double tolerance) {
        assertThat(a.shape()).isEqualTo(b.shape());
        for (int i = 0; i < a.height(); i++) {
            for (int j = 0; j < a.width(); j++) {
                assertThat(a.get(i, j)).as("tap (%d, %d)", i, j).isCloseTo(b.get(i, j), offset(tolerance));
            }
        }
    }
}
