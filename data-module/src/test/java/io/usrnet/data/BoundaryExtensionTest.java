package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoundaryExtensionTest {

    /** A smooth, clearly non-periodic image: ramps plus a sinusoid not periodic on the grid. */
    private static Image smooth(int c, int h, int w) {
        float[] v = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    v[(ch * h + i) * w + j] = (float) (0.2 + 0.4 * i / h + 0.1 * ch
                            + 0.2 * Math.sin(0.23 * j + 0.11 * i) + 0.15 * j / w);
                }
            }
        }
        return Image.wrap(c, h, w, v);
    }

    /** Mean |last row − first row| and mean |last column − first column| over all channels. */
    private static double[] wrapJumps(Image x) {
        int h = x.height();
        int w = x.width();
        double rows = 0;
        double cols = 0;
        for (int c = 0; c < x.channels(); c++) {
            for (int j = 0; j < w; j++) {
                rows += Math.abs(x.get(c, h - 1, j) - x.get(c, 0, j));
            }
            for (int i = 0; i < h; i++) {
                cols += Math.abs(x.get(c, i, w - 1) - x.get(c, i, 0));
            }
        }
        return new double[] {rows / (w * x.channels()), cols / (h * x.channels())};
    }

    /** Largest circular neighbour difference (horizontal or vertical). */
    private static double maxCircularStep(Image x) {
        int h = x.height();
        int w = x.width();
        double m = 0;
        for (int c = 0; c < x.channels(); c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    float v = x.get(c, i, j);
                    m = Math.max(m, Math.abs(v - x.get(c, (i + 1) % h, j)));
                    m = Math.max(m, Math.abs(v - x.get(c, i, (j + 1) % w)));
                }
            }
        }
        return m;
    }

    private static void assertTopLeftIs(Image big, Image small) {
        for (int c = 0; c < small.channels(); c++) {
            for (int i = 0; i < small.height(); i++) {
                for (int j = 0; j < small.width(); j++) {
                    assertThat(big.get(c, i, j)).isEqualTo(small.get(c, i, j));
                }
            }
        }
    }

    @Test
    void paddedSizeFollowsTheReference() {
        assertThat(PeriodicExtension.paddedHr(32, 4)).isEqualTo(144);
        assertThat(PeriodicExtension.paddedHr(13, 2)).isEqualTo(48);
        assertThat(PeriodicExtension.paddedHr(17, 3)).isEqualTo(72);
        assertThatThrownBy(() -> PeriodicExtension.paddedHr(0, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void extensionKeepsTheInputExactlyInTheTopLeftBlock() {
        Image x = Fixtures.random(3, 13, 17, 5);
        Image e = PeriodicExtension.extend(x, 40, 48);
        assertThat(e.shape()).isEqualTo(Image.zeros(3, 40, 48).shape());
        assertTopLeftIs(e, x);
        Image lr = PeriodicExtension.extendLr(x, 2);
        assertThat(lr.height()).isEqualTo(24);
        assertThat(lr.width()).isEqualTo(28);
        assertTopLeftIs(lr, x);
        assertThat(PeriodicExtension.crop(lr, 13, 17)).isEqualTo(x);
        assertThat(PeriodicExtension.extend(x, 13, 17)).isEqualTo(x);
    }

    @Test
    void extensionClosesTheWrapAroundJump() {
        Image x = smooth(3, 40, 56);
        double[] before = wrapJumps(x);
        Image e = PeriodicExtension.extend(x, 64, 80);
        double[] after = wrapJumps(e);
        // Original jumps: ≈ 0.4 (rows) and ≈ 0.2 (columns); the extension splits them over ≥ 24 steps.
        assertThat(before[0]).isGreaterThan(0.3);
        assertThat(before[1]).isGreaterThan(0.1);
        assertThat(after[0]).isLessThan(before[0] / 10);
        assertThat(after[1]).isLessThan(before[1] / 10);
        // No step anywhere on the torus is larger than the wrap jump split over the band.
        assertThat(maxCircularStep(e)).isLessThan(maxCircularStep(x));
    }

    /** The 5-point Laplacian of channel c at (i, j), read circularly (the way the FFT sees the canvas). */
    private static double circularLaplacian(Image x, int c, int i, int j) {
        int h = x.height();
        int w = x.width();
        return (double) x.get(c, (i + h - 1) % h, j) + x.get(c, (i + 1) % h, j) + x.get(c, i, (j + w - 1) % w)
                + x.get(c, i, (j + 1) % w) - 4.0 * x.get(c, i, j);
    }

    /**
     * What the class comment promises, the smoothness itself: the extension is discrete harmonic
     * (Δu = 0, 5-point), read circularly. That holds at every pixel of the right band (columns w..W−1,
     * all rows; periodic along the rows, between column w−1 and, through the wrap, column 0) and of
     * the bottom band but for its end columns (rows h..H−1, columns 1..w−2; between row h−1 and,
     * through the wrap, row 0; its ends are tied to a linear interpolation, beside which the right band
     * comes later). Random input has a Laplacian of order 1, so any fill that is only continuous or
     * monotone (linear across the band, a screened or mis-scaled solve) fails by orders of magnitude;
     * the bound is float32 rounding of the stored values (8 terms of at most 2⁻²⁴). Harmonic also means
     * no overshoot: every extension value lies within the input's range (maximum principle).
     */
    @Test
    void extensionIsDiscreteHarmonicOnTheTorus() {
        // {h, w, H, W}: both bands; bands one pixel thick; only a right band; only a bottom band
        int[][] sizes = {{13, 17, 40, 48}, {40, 56, 64, 80}, {9, 11, 10, 12}, {8, 8, 8, 20}, {8, 8, 20, 8}};
        for (int[] size : sizes) {
            int h = size[0];
            int w = size[1];
            Image x = Fixtures.random(2, h, w, 11 + size[2]);
            Image e = PeriodicExtension.extend(x, size[2], size[3]);
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (float f : x.toArray()) {
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
            double worst = 0;
            int checked = 0;
            for (int c = 0; c < 2; c++) {
                for (int i = 0; i < e.height(); i++) {
                    for (int j = 0; j < e.width(); j++) {
                        boolean rightBand = j >= w;
                        boolean bottomBand = i >= h && j >= 1 && j <= w - 2;
                        if (rightBand || bottomBand) {
                            worst = Math.max(worst, Math.abs(circularLaplacian(e, c, i, j)));
                            checked++;
                        }
                        if (i >= h || j >= w) {
                            assertThat(e.get(c, i, j)).as("extension at %d,%d,%d of %s", c, i, j, e.shape())
                                    .isBetween(min, max);
                        }
                    }
                }
            }
            assertThat(checked).isGreaterThan(0);
            assertThat(worst).as("largest |Δu| in the extension of %s to %s", x.shape(), e.shape()).isLessThan(2e-6);
        }
        // the input's own Laplacian, for scale: far from zero
        Image x = Fixtures.random(1, 13, 17, 3);
        double inside = 0;
        for (int i = 1; i < 12; i++) {
            for (int j = 1; j < 16; j++) {
                inside = Math.max(inside, Math.abs(circularLaplacian(x, 0, i, j)));
            }
        }
        assertThat(inside).isGreaterThan(1);
    }

    @Test
    void constantStaysConstantExactly() {
        float[] v = new float[2 * 9 * 11];
        java.util.Arrays.fill(v, 0.37f);
        Image x = Image.wrap(2, 9, 11, v);
        Image e = PeriodicExtension.extend(x, 30, 25);
        for (float f : e.toArray()) {
            assertThat(f).isEqualTo(0.37f);
        }
    }

    @Test
    void periodicSmoothImageExtendsSmoothly() {
        int h = 32;
        int w = 24;
        float[] v = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                v[i * w + j] = (float) (0.5 + 0.3 * Math.sin(2 * Math.PI * i / h) * Math.cos(2 * Math.PI * j / w));
            }
        }
        Image x = Image.wrap(1, h, w, v);
        Image e = PeriodicExtension.extend(x, 48, 40);
        // Harmonic: within the range of the data (maximum principle) and no step larger than the input's.
        for (float f : e.toArray()) {
            assertThat(f).isBetween(0.2f - 1e-6f, 0.8f + 1e-6f);
        }
        assertThat(maxCircularStep(e)).isLessThanOrEqualTo(maxCircularStep(x) * 1.0001);
    }

    @Test
    void rejectsSmallerTargetsAndBadCrops() {
        Image x = Fixtures.random(1, 8, 8, 1);
        assertThatThrownBy(() -> PeriodicExtension.extend(x, 7, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("smaller");
        assertThatThrownBy(() -> PeriodicExtension.crop(x, 9, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot crop 9×8");
    }

    @Test
    void reflectBlurMatchesCircularBlurInsideAndMirrorsAtEdges() {
        Image x = Fixtures.random(2, 30, 26, 3);
        Kernel k = Kernels.gaussian(7, 1.2);
        Image reflect = Degradations.blurReflect(x, k);
        Image wrap = Degradations.blur(x, k);
        for (int c = 0; c < 2; c++) {
            for (int i = 3; i < 27; i++) {
                for (int j = 3; j < 23; j++) {
                    assertThat((double) reflect.get(c, i, j)).isCloseTo(wrap.get(c, i, j), org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
        assertThat(Degradations.blurReflect(x, Kernel.delta())).isEqualTo(x);
        assertThat(reflect.maxAbsDifference(wrap)).isGreaterThan(1e-3);
    }

    @Test
    void smoothBoundaryCutsTheBorderErrorOfANonCircularBlur() {
        int s = 2;
        Image hr = smooth(1, 64, 64);
        Kernel k = Kernels.gaussian(9, 1.5);
        Image y = Degradations.decimate(Degradations.blurReflect(hr, k), s);
        Degradation d = Degradation.of(k, s, 0);
        Image periodic = DataStep.solve(d, y, null, 0.01);
        Image smooth = DataStep.solve(d.toBuilder().boundary(Boundary.SMOOTH).build(), y, null, 0.01);
        assertThat(periodic).isEqualTo(DataStep.prepare(k, s, y).step(Degradations.upsampleNearest(y, s), 0.01));
        assertThat(smooth.height()).isEqualTo(64);
        assertThat(smooth.width()).isEqualTo(64);
        double borderPeriodic = borderRmse(periodic, hr, 8);
        double borderSmooth = borderRmse(smooth, hr, 8);
        System.out.printf("border RMSE periodic %.5f smooth %.5f%n", borderPeriodic, borderSmooth);
        assertThat(borderSmooth).isLessThan(borderPeriodic / 3);
    }

    private static double borderRmse(Image a, Image b, int band) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < a.channels(); c++) {
            for (int i = 0; i < a.height(); i++) {
                for (int j = 0; j < a.width(); j++) {
                    if (i < band || j < band || i >= a.height() - band || j >= a.width() - band) {
                        double d = a.get(c, i, j) - b.get(c, i, j);
                        sum += d * d;
                        n++;
                    }
                }
            }
        }
        return Math.sqrt(sum / n);
    }
}
