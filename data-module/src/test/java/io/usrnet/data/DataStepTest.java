package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataStepTest {

    @Test
    void deltaKernelAtScaleOneIsWeightedMean() {
        Image y = Fixtures.random(3, 13, 10, 1);
        Image x = Fixtures.random(3, 13, 10, 2);
        double alpha = 0.37;
        Image z = DataStep.prepare(Kernel.delta(), 1, y).step(x, alpha);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 13; i++) {
                for (int j = 0; j < 10; j++) {
                    double expected = (y.get(c, i, j) + alpha * x.get(c, i, j)) / (1 + alpha);
                    assertThat((double) z.get(c, i, j)).isCloseTo(expected, within(1e-7));
                }
            }
        }
    }

    @Test
    void largeAlphaReturnsX() {
        Image y = Fixtures.random(2, 6, 7, 3);
        Image x = Fixtures.random(2, 18, 21, 4);
        Image z = DataStep.prepare(Kernels.gaussian(5, 1.2), 3, y).step(x, 1e9);
        assertThat(z.maxAbsDifference(x)).isLessThan(1e-7);
    }

    @Test
    void zeroKernelLeavesXUnchanged() {
        Image y = Fixtures.random(1, 4, 5, 5);
        Image x = Fixtures.random(1, 8, 10, 6);
        Kernel zero = Kernel.of(3, 3, new double[9]);
        assertThat(DataStep.prepare(zero, 2, y).step(x, 0.01).maxAbsDifference(x)).isLessThan(1e-7);
    }

    /**
     * The optimality condition Kᵀ↑s(↓s K z − y) + α(z − x) = 0, evaluated with direct loops in double
     * precision, for scales 1..4 and odd, even, non-square, off-centre, negative-tap and zero-sum
     * kernels on sizes that are not powers of two.
     */
    @ParameterizedTest(name = "s={0} kernel {1}×{2} lr {3}×{4} alpha={5} taps {6}")
    @CsvSource({
        "1, 5, 5, 9, 11, 0.01, positive",
        "1, 4, 6, 7, 8, 0.5, positive",
        "2, 3, 8, 7, 5, 0.003, positive",
        "2, 6, 6, 9, 6, 0.1, signed",
        "3, 7, 4, 5, 7, 0.05, positive",
        "3, 5, 5, 4, 4, 1e-4, signed",
        "4, 16, 10, 5, 3, 0.05, positive",
        "4, 12, 12, 3, 3, 0.2, positive",
        "4, 2, 1, 6, 5, 0.01, positive",
        "2, 5, 5, 6, 6, 0.02, zerosum",
        "2, 1, 3, 1, 7, 0.1, positive",
        "1, 1, 1, 1, 1, 0.1, signed",
        "5, 9, 2, 2, 1, 0.01, positive",
    })
    void satisfiesOptimalityCondition(int s, int kh, int kw, int h, int w, double alpha, String taps) {
        Kernel k = switch (taps) {
            case "positive" -> Fixtures.randomKernel(kh, kw, 0, 1, kh * 100L + kw).normalized();
            case "signed" -> Fixtures.randomKernel(kh, kw, -0.3, 1, kh * 100L + kw).normalized();
            default -> {
                double[] v = Fixtures.randomKernel(kh, kw, -1, 1, 7).toArray();
                double mean = 0;
                for (double t : v) {
                    mean += t / v.length;
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] -= mean;
                }
                yield Kernel.of(kh, kw, v);
            }
        };
        Image y = Fixtures.random(2, h, w, 11);
        Image x = Fixtures.random(2, s * h, s * w, 12);
        Image z = DataStep.prepare(k, s, y).step(x, alpha);
        assertThat(z.isFinite()).isTrue();
        double residual = maxOptimalityResidual(k, s, y, x, z, alpha);
        // z is rounded to float (relative 6e-8); the gradient of the objective is Lipschitz with
        // constant ‖AᵀA‖ + α, bounded by (Σ|k|)² + α.
        double sumAbs = 0;
        for (double t : k.toArray()) {
            sumAbs += Math.abs(t);
        }
        double maxZ = 1;
        for (float v : z.toArray()) {
            maxZ = Math.max(maxZ, Math.abs(v));
        }
        double bound = 2 * 6e-8 * maxZ * (sumAbs * sumAbs + alpha);
        System.out.printf("optimality s=%d %s: residual %.2e, bound %.2e, max|z| %.2f%n", s, taps, residual, bound, maxZ);
        assertThat(residual).as("max |Kᵀ↑s(↓sKz − y) + α(z − x)|").isLessThan(bound);
    }

    /** max |Kᵀ↑s(↓s K z − y) + α(z − x)| with direct loops. */
    static double maxOptimalityResidual(Kernel k, int s, Image y, Image x, Image z, double alpha) {
        int hh = z.height();
        int ww = z.width();
        int ch = k.height() / 2;
        int cw = k.width() / 2;
        double max = 0;
        for (int c = 0; c < z.channels(); c++) {
            double[] r = new double[hh * ww];
            for (int i = 0; i < y.height(); i++) {
                for (int j = 0; j < y.width(); j++) {
                    double b = 0;
                    for (int u = 0; u < k.height(); u++) {
                        for (int v = 0; v < k.width(); v++) {
                            b += k.get(u, v) * z.get(c, Math.floorMod(s * i - u + ch, hh), Math.floorMod(s * j - v + cw, ww));
                        }
                    }
                    r[(s * i) * ww + s * j] = b - y.get(c, i, j);
                }
            }
            for (int i = 0; i < hh; i++) {
                for (int j = 0; j < ww; j++) {
                    double g = 0;
                    for (int u = 0; u < k.height(); u++) {
                        for (int v = 0; v < k.width(); v++) {
                            g += k.get(u, v) * r[Math.floorMod(i + u - ch, hh) * ww + Math.floorMod(j + v - cw, ww)];
                        }
                    }
                    g += alpha * ((double) z.get(c, i, j) - x.get(c, i, j));
                    max = Math.max(max, Math.abs(g));
                }
            }
        }
        return max;
    }

    /** The network's first data step z1 = D(upsampleNearest(lr), α1) and the later ones z_i = D(x_{i−1}, α_i). */
    @ParameterizedTest(name = "usrnet/case0{0}")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void matchesDataStepsInsideTheNetwork(int index) {
        String key = "usrnet/case0" + index;
        Path dir = Fixtures.root().resolve(key);
        int sf = (int) Fixtures.manifestNumber(key, "sf");
        Image lr = Fixtures.image(dir.resolve("lr.npy"));
        Kernel k = Fixtures.kernel(dir.resolve("k.npy"));
        double[] alphaBeta = Fixtures.manifestArray(key, "alpha_beta");
        int n = alphaBeta.length / 2;
        DataStep d = DataStep.prepare(k, sf, lr);
        Image x = Degradations.upsampleNearest(lr, sf);
        for (int i = 1; i <= n; i++) {
            Image z = d.step(x, alphaBeta[i - 1]);
            assertThat(z.maxAbsDifference(Fixtures.image(dir.resolve("z" + i + ".npy"))))
                    .as("z%d of %s", i, key).isLessThan(1e-5);
            x = Fixtures.image(dir.resolve("x" + i + ".npy"));
        }
    }

    @Test
    void parallelAndSequentialAgreeBitForBitAndStepIsReentrant() throws Exception {
        Image y = Fixtures.random(3, 40, 36, 21);
        Image x = Fixtures.random(3, 160, 144, 22);
        Kernel k = Kernels.motion(15, 3);
        DataStep par = DataStep.prepare(k, 4, y, true);
        Image expected = DataStep.prepare(k, 4, y, false).step(x, 0.02);
        assertThat(par.step(x, 0.02)).isEqualTo(expected);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Image>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                results.add(pool.submit(() -> par.step(x, 0.02)));
            }
            for (Future<Image> f : results) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void arrayStepWorksInPlace() {
        Image y = Fixtures.random(2, 5, 6, 31);
        Image x = Fixtures.random(2, 10, 12, 32);
        DataStep d = DataStep.prepare(Kernels.gaussian(4, 0.8), 2, y);
        float[] buf = x.toArray();
        d.step(buf, 0.3, buf);
        assertThat(Image.wrap(2, 10, 12, buf)).isEqualTo(d.step(x, 0.3));
        assertThat(d.hrSamples()).isEqualTo(240);
        assertThat(d.hrHeight()).isEqualTo(10);
        assertThat(d.hrWidth()).isEqualTo(12);
        assertThat(d.lrHeight()).isEqualTo(5);
        assertThat(d.lrWidth()).isEqualTo(6);
        assertThat(d.channels()).isEqualTo(2);
        assertThat(d.scale()).isEqualTo(2);
        assertThat(d.kernel()).isEqualTo(Kernels.gaussian(4, 0.8));
    }

    @Test
    void kernelAsLargeAsTheImageIsAccepted() {
        Image y = Fixtures.random(1, 3, 4, 41);
        Image x = Fixtures.random(1, 9, 12, 42);
        Kernel k = Fixtures.randomKernel(9, 12, 0, 1, 43).normalized();
        Image z = DataStep.prepare(k, 3, y).step(x, 0.05);
        assertThat(maxOptimalityResidual(k, 3, y, x, z, 0.05)).isLessThan(1e-6);
    }

    @Test
    void rejectsInvalidArguments() {
        Image y = Fixtures.random(3, 4, 5, 51);
        Kernel k = Kernels.gaussian(5, 1);
        assertThatThrownBy(() -> DataStep.prepare(k, 0, y))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("scale", "≥ 1", "got 0");
        assertThatThrownBy(() -> DataStep.prepare(Kernels.gaussian(9, 1), 2, y))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kernel 9×9 is larger than the high-resolution size 8×10")
                .hasMessageContaining("scale 2 × low-resolution 4×5");
        assertThatThrownBy(() -> DataStep.prepare(Kernel.of(2, 11, new double[22]), 2, y))
                .hasMessageContaining("kernel 2×11 is larger than the high-resolution size 8×10");
        float[] bad = y.toArray();
        bad[2 * 20 + 7] = Float.NaN;
        assertThatThrownBy(() -> DataStep.prepare(k, 2, Image.wrap(3, 4, 5, bad)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("y ").hasMessageContainingAll("NaN", "channel 2, row 1, column 2");
        assertThatThrownBy(() -> DataStep.prepare(null, 2, y)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DataStep.prepare(Kernel.of(1, 1, new double[] {1e300}), 1, y))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spectrum overflows");

        DataStep d = DataStep.prepare(k, 2, y);
        Image x = Fixtures.random(3, 8, 10, 52);
        for (double alpha : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> d.step(x, alpha))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContainingAll("alpha", "> 0", "got " + alpha);
        }
        assertThatThrownBy(() -> d.step(Fixtures.random(3, 8, 11, 53), 0.1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x ").hasMessageContainingAll("3×8×10", "got 3×8×11");
        assertThatThrownBy(() -> d.step(Fixtures.random(1, 8, 10, 53), 0.1))
                .hasMessageStartingWith("x ").hasMessageContainingAll("3×8×10", "got 1×8×10");
        assertThatThrownBy(() -> d.step(new float[239], 0.1, new float[240]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("x ").hasMessageContainingAll("240 samples", "got 239");
        assertThatThrownBy(() -> d.step(new float[240], 0.1, new float[2]))
                .hasMessageStartingWith("out ").hasMessageContainingAll("240 samples", "got 2");
        float[] inf = x.toArray();
        inf[85] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> d.step(inf, 0.1, new float[240]))
                .hasMessageStartingWith("x ").hasMessageContainingAll("-Infinity", "channel 1, row 0, column 5");
    }

    private static org.assertj.core.data.Offset<Double> within(double tol) {
        return org.assertj.core.data.Offset.offset(tol);
    }
}
