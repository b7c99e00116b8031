package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoiseEstimatorTest {

    /** A flat grey image (value 0.5) plus white Gaussian noise of σ in [0, 255] units. */
    private static Image flatWithNoise(int channels, int size, double sigma, long seed) {
        float[] v = new float[channels * size * size];
        Arrays.fill(v, 0.5f);
        return Degradations.addGaussianNoise(Image.wrap(channels, size, size, v), sigma, seed);
    }

    @ParameterizedTest(name = "{0} channel(s), sigma {1}")
    @CsvSource({"1, 1", "1, 5", "1, 25", "3, 2.55", "3, 15"})
    void whiteNoiseOnAFlatImageIsMeasured(int channels, double sigma) {
        NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(flatWithNoise(channels, 160, sigma, 7));
        // 153² patches: the noise eigenvalues' mean is known to ~0.3 %; float storage adds nothing visible
        assertThat(e.sigma()).isCloseTo(sigma, within(0.015 * sigma));
        assertThat(e.channelSigmas()).hasSize(channels)
                .allSatisfy(s -> assertThat(s).isCloseTo(sigma, within(0.015 * sigma)));
        assertThat(e.patches()).isEqualTo(153L * 153);
        assertThat(e.patchSize()).isEqualTo(8);
    }

    @Test
    void eachChannelGetsItsOwnLevel() {
        Image r = flatWithNoise(1, 160, 1, 1);
        Image g = flatWithNoise(1, 160, 5, 2);
        Image b = flatWithNoise(1, 160, 12, 3);
        float[] v = new float[3 * 160 * 160];
        r.copyTo(v, 0);
        g.copyTo(v, 160 * 160);
        b.copyTo(v, 2 * 160 * 160);
        NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(Image.wrap(3, 160, 160, v));
        assertThat(e.channelSigmas().get(0)).isCloseTo(1, within(0.03));
        assertThat(e.channelSigmas().get(1)).isCloseTo(5, within(0.15));
        assertThat(e.channelSigmas().get(2)).isCloseTo(12, within(0.36));
    }

    @Test
    void noiseFreeSmoothImageReadsZero() {
        // a ramp plus two low-frequency waves: its patches span a handful of dimensions
        int h = 90;
        int w = 110;
        float[] v = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                v[i * w + j] = (float) (0.2 + 0.003 * i + 0.002 * j + 0.1 * Math.sin(j / 7.0) + 0.05 * Math.cos(i / 11.0));
            }
        }
        assertThat(NoiseEstimator.DEFAULT.estimate(Image.wrap(1, h, w, v)).sigma()).isLessThan(0.01);
    }

    @Test
    void constantImageReadsZero() {
        float[] v = new float[3 * 40 * 40];
        Arrays.fill(v, 0.25f);
        NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(Image.wrap(3, 40, 40, v));
        assertThat(e.sigma()).isZero();
        assertThat(e.channelSigmas()).containsOnly(0.0);
    }

    @Test
    void aBlurredDownsampledPhotographWithNoiseIsMeasured() throws IOException {
        // the images this library sees: Table-1 degradation (kernel 1, x2, 8-bit) plus noise
        Image hr = DegradationsTest.readPng(repository().resolve("samples/butterfly.png"));
        Kernel k = kernel(repository().resolve("test-data/data/kernels/txt/kernels12_k01_25x25.txt"));
        Image lr = Degradations.table1(hr, k, 2);
        for (double sigma : new double[] {0, 2.55, 7.65, 15}) {
            Image y = Degradations.addGaussianNoise(lr, sigma, 11);
            double est = NoiseEstimator.DEFAULT.estimate(y).sigma();
            // σ = 0: the 8-bit truncation alone is uniform noise of σ = 1/√12 = 0.29
            double truth = Math.sqrt(sigma * sigma + 1.0 / 12);
            assertThat(est).as("sigma %s", sigma).isCloseTo(truth, within(0.25));
        }
    }

    @Test
    void addingAConstantChangesNothing() {
        Image x = flatWithNoise(3, 64, 4, 5);
        float[] shifted = x.toArray();
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.125f;
        }
        NoiseEstimate a = NoiseEstimator.DEFAULT.estimate(x);
        NoiseEstimate b = NoiseEstimator.DEFAULT.estimate(Image.wrap(3, 64, 64, shifted));
        assertThat(b.sigma()).isCloseTo(a.sigma(), within(1e-3));
    }

    @Test
    void largeImagesAreMeasuredOnTheirCentre() {
        Image x = flatWithNoise(1, 1030, 3, 9);
        NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(Image.wrap(1, 1030, 1030, x.toArray()));
        assertThat(e.region()).isEqualTo("1024×1024");
        assertThat(e.patches()).isEqualTo(1017L * 1017);
        assertThat(e.sigma()).isCloseTo(3, within(0.02));
    }

    @Test
    void covarianceOfAllPatchesMatchesTheDirectSum() {
        // independent reference: every patch as a vector, mean and covariance summed directly
        int c = 3;
        int h = 13;
        int w = 11;
        int d = 4;
        Random rnd = new Random(3);
        double[][] planes = new double[c][h * w];
        for (double[] p : planes) {
            for (int i = 0; i < p.length; i++) {
                p[i] = rnd.nextGaussian() * 10 + i % 7;
            }
        }
        DMatrixRMaj cov = NoiseEstimator.patchCovariance(planes, h, w, d);
        int r = c * d * d;
        int n = (h - d + 1) * (w - d + 1);
        double[][] vectors = new double[n][r];
        int k = 0;
        for (int i = 0; i <= h - d; i++) {
            for (int j = 0; j <= w - d; j++, k++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            vectors[k][ch * d * d + a * d + b] = planes[ch][(i + a) * w + j + b];
                        }
                    }
                }
            }
        }
        double[] mean = new double[r];
        for (double[] v : vectors) {
            for (int p = 0; p < r; p++) {
                mean[p] += v[p] / n;
            }
        }
        for (int p = 0; p < r; p++) {
            for (int q = 0; q < r; q++) {
                double s = 0;
                for (double[] v : vectors) {
                    s += (v[p] - mean[p]) * (v[q] - mean[q]);
                }
                assertThat(cov.get(p, q)).as("entry %d, %d", p, q).isCloseTo(s / n, within(1e-9));
            }
        }
    }

    @Test
    void noiseVarianceIsTheMeanOfTheNoiseEigenvalues() {
        long many = 1_000_000_000L; // γ = r/N ≈ 0: a band of width 0
        // noise eigenvalues 3.9, 4, 4.1 (symmetric about 4), then signal 50, 400: τ = 4
        assertThat(NoiseEstimator.noiseVariance(new double[] {3.9, 4, 4.1, 50, 400}, many)).isCloseTo(4, within(1e-12));
        // a spectrum symmetric about its mean is taken whole
        assertThat(NoiseEstimator.noiseVariance(new double[] {1, 2, 3, 4, 5}, many)).isCloseTo(3, within(1e-12));
        assertThat(NoiseEstimator.noiseVariance(new double[] {2, 2, 2}, many)).isEqualTo(2);
        // skewed like sample noise eigenvalues: the rule alone stops at {0.6, 0.7, 0.9, 1.0} (τ = 0.8); the
        // band of γ = 6/24, τ·(1 + 0.5)² = 1.8, takes in 1.6 (τ = 0.96, band 2.16) and then nothing more
        double[] skewed = {0.6, 0.7, 0.9, 1.0, 1.6, 9};
        assertThat(NoiseEstimator.noiseVariance(skewed, many)).isCloseTo(0.8, within(1e-12));
        assertThat(NoiseEstimator.noiseVariance(skewed, 24)).isCloseTo(0.96, within(1e-12));
    }

    @Test
    void tooSmallImagesAreRefusedWithTheSizeNeeded() {
        assertThatThrownBy(() -> NoiseEstimator.DEFAULT.estimate(flatWithNoise(3, 30, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image 30×30 is too small to measure its noise: 8×8 patches of 3 channels need at least"
                        + " 35×35 pixels");
        assertThatThrownBy(() -> NoiseEstimator.DEFAULT.estimate(flatWithNoise(1, 22, 1, 1)))
                .hasMessageContaining("of 1 channel need at least 23×23 pixels");
        // the minimum named is accepted
        assertThat(NoiseEstimator.DEFAULT.estimate(flatWithNoise(3, 35, 5, 1)).sigma()).isPositive();
    }

    @Test
    void nonFiniteSamplesAndBadPatchSizesAreRefused() {
        float[] v = new float[40 * 40];
        v[41] = Float.NaN;
        assertThatThrownBy(() -> NoiseEstimator.DEFAULT.estimate(Image.wrap(1, 40, 40, v)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the image contains a non-finite sample at channel 0, row 1, column 1 (NaN)");
        assertThatThrownBy(() -> NoiseEstimator.withPatchSize(1)).hasMessageContaining("must be 2..16, got 1");
        assertThatThrownBy(() -> NoiseEstimator.DEFAULT.estimate(null)).hasMessageContaining("must not be null");
    }

    @Test
    void describesItselfInOneLine() {
        NoiseEstimate e = new NoiseEstimate(2.554, List.of(2.5, 2.56, 2.6), 8, 100, "40×50");
        assertThat(e).hasToString("sigma 2.55 (R 2.50, G 2.56, B 2.60; 8×8 patches of 40×50)");
        assertThat(new NoiseEstimate(1, List.of(1.0), 8, 100, "40×50"))
                .hasToString("sigma 1.00 (8×8 patches of 40×50)");
    }

    private static Path repository() {
        return Path.of(System.getProperty("usrnet.testdata")).getParent();
    }

    private static Kernel kernel(Path txt) throws IOException {
        List<double[]> rows = Files.readAllLines(txt).stream().map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> Arrays.stream(l.split("\\s+")).mapToDouble(Double::parseDouble).toArray()).toList();
        return Kernel.of(rows.toArray(double[][]::new));
    }
}
