package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelEstimatorTest {
    private static Image butterfly;

    @BeforeAll
    static void readImage() throws IOException {
        butterfly = DegradationsTest.readPng(repository().resolve("samples/butterfly.png"));
    }

    private static Image crop(int size) {
        return Degradations.crop(butterfly, 64, 64, size, size);
    }

    private static void assertOnSimplex(Kernel k) {
        double[] v = k.toArray();
        assertThat(Arrays.stream(v).min().orElseThrow()).isGreaterThanOrEqualTo(0);
        assertThat(k.sum()).isCloseTo(1, within(1e-12));
    }

    @Test
    void aSharpImageAgainstItselfGivesTheDeltaKernel() {
        Image s = crop(64).channel(1);
        KernelEstimate e = KernelEstimator.builder().size(7).build().estimate(s, s);
        assertThat(e.kernel().get(3, 3)).isGreaterThan(0.9999);
        assertOnSimplex(e.kernel());
        assertThat(e.residualRms()).isLessThan(1e-3);
        assertThat(e.equations()).isEqualTo(58L * 58);
    }

    @Test
    void aGaussianIsRecoveredFromASyntheticPairWithANonCircularBoundary() {
        // mirrored boundary: a periodic model would see the wrong pixels along every edge
        Kernel k = Kernels.anisotropicGaussian(15, 2.0, 1.0, 0.6);
        Image s = crop(96);
        KernelEstimate e = KernelEstimator.builder().size(15).build().estimate(s, Degradations.blurReflect(s, k));
        assertThat(Kernels.relativeError(e.kernel(), k)).isLessThan(0.01);
        assertOnSimplex(e.kernel());
        assertThat(e.noiseLevel()).isLessThan(0.01);
    }

    @ParameterizedTest(name = "scale {0}")
    @ValueSource(ints = {2, 3, 4})
    void aGaussianIsRecoveredThroughDecimation(int scale) {
        Kernel k = Kernels.anisotropicGaussian(15, 2.4, 1.2, -0.4);
        Image s = crop(128);
        Image b = Degradations.decimate(Degradations.blurReflect(s, k), scale);
        KernelEstimate e = KernelEstimator.builder().size(15).scale(scale).build().estimate(s, b);
        assertThat(Kernels.relativeError(e.kernel(), k)).isLessThan(0.02);
    }

    @Test
    void aTableOneKernelIsRecoveredFromAnEightBitPairWithNoise() throws IOException {
        Kernel k = tableOneKernel(9);
        Image hr = Degradations.table1Crop(butterfly, 2);
        Image lr = Degradations.addGaussianNoise(Degradations.table1(hr, k, 2), 2.55, 5);
        KernelEstimate e = KernelEstimator.builder().size(25).scale(2).build().estimate(hr, lr);
        assertThat(Kernels.relativeError(e.kernel(), k)).isLessThan(0.12);
        // 8-bit truncation adds 1/√12 = 0.29 in quadrature
        assertThat(e.noiseLevel()).isCloseTo(Math.hypot(2.55, 0.29), within(0.1));
        assertThat(e.residualRms()).isCloseTo(Math.hypot(2.55, 0.29), within(0.15));
        assertOnSimplex(e.kernel());
    }

    @Test
    void strongNoiseIsSmoothedNotFitted() throws IOException {
        // a wide kernel (Table-1 kernel 8) under σ = 10: plain non-negative least squares fits the noise
        Kernel k = tableOneKernel(8);
        Image b = Degradations.addGaussianNoise(Degradations.table1(butterfly, k, 1), 10, 3);
        KernelEstimate smooth = KernelEstimator.builder().build().estimate(butterfly, b);
        double errSmooth = Kernels.relativeError(smooth.kernel(), k);
        assertThat(errSmooth).isLessThan(0.25);
        KernelEstimator rough = KernelEstimator.builder().smoothness(0).build();
        assertThat(Kernels.relativeError(rough.estimate(butterfly, b).kernel(), k)).isGreaterThan(1.3 * errSmooth);
        assertThat(smooth.noiseLevel()).isCloseTo(Math.hypot(10, 0.29), within(0.2));
        assertThat(smooth.lambda()).isCloseTo(KernelEstimator.DEFAULT_SMOOTHNESS * Math.pow(smooth.noiseLevel() / 255, 2),
                within(1e-9));
    }

    @Test
    void mismatchedPairsAndImpossibleSizesAreRefusedClearly() {
        Image s = crop(64);
        KernelEstimator x2 = KernelEstimator.builder().size(5).scale(2).build();
        assertThatThrownBy(() -> x2.estimate(s, crop(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the blurred image 3×64×64 does not match the sharp image 3×64×64 at scale 2: expected "
                        + "32×32 (the pair must be registered, the blurred image 2 times smaller)");
        assertThatThrownBy(() -> x2.estimate(Degradations.crop(butterfly, 0, 0, 65, 64), crop(31)))
                .hasMessageContaining("expected 32–33×32");
        assertThatThrownBy(() -> x2.estimate(s, crop(32).channel(0)))
                .hasMessageContaining("the sharp image has 3 channel(s) but the blurred image 1");
        float[] flat = new float[64 * 64];
        Arrays.fill(flat, 0.5f);
        assertThatThrownBy(() -> KernelEstimator.builder().size(5).build()
                .estimate(Image.wrap(1, 64, 64, flat), crop(64).channel(0)))
                .hasMessageContaining("the sharp image is constant where it is used (64×64 pixels)");
        assertThatThrownBy(() -> KernelEstimator.builder().size(41).build().estimate(crop(40), crop(40)))
                .hasMessageContaining("a 41×41 kernel is too large for the 3×40×40 sharp image at scale 1: only 0 "
                        + "blurred samples");
        assertThatThrownBy(() -> KernelEstimator.builder().size(25).build().estimate(crop(40), crop(40)))
                .hasMessageContaining("only 768 blurred samples").hasMessageContaining("4×625 are needed");
        assertThatThrownBy(() -> KernelEstimator.builder().size(24)).hasMessageContaining("must be odd")
                .hasMessageContaining("try 25");
        assertThatThrownBy(() -> KernelEstimator.builder().size(43)).hasMessageContaining("from 1 to 41, got 43");
        assertThatThrownBy(() -> KernelEstimator.builder().scale(0)).hasMessageContaining("1..8, got 0");
        assertThatThrownBy(() -> KernelEstimator.builder().smoothness(-1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> x2.estimate(null, s)).hasMessageContaining("must not be null");
        float[] nan = crop(64).toArray();
        nan[5] = Float.NaN;
        assertThatThrownBy(() -> x2.estimate(Image.wrap(3, 64, 64, nan), crop(32)))
                .hasMessage("the sharp image contains a non-finite sample at channel 0, row 0, column 5 (NaN)");
    }

    @Test
    void aPointSourceGivesItsPointSpreadFunction() {
        Kernel psf = Kernels.anisotropicGaussian(15, 1.8, 1.1, 0.3);
        int h = 80;
        int w = 70;
        float[] v = new float[h * w];
        Arrays.fill(v, 0.2f);
        double peak = psf.get(7, 7);
        for (int i = 0; i < 15; i++) {
            for (int j = 0; j < 15; j++) {
                v[(33 + i) * w + 16 + j] += (float) (0.6 * psf.get(i, j) / peak);
            }
        }
        v[5 * w + 60] = 1; // a hot pixel far from the point
        Image bead = Degradations.addGaussianNoise(Image.wrap(1, h, w, v), 0.5, 3);
        Kernel k = KernelEstimator.pointSpread(bead, 15);
        assertOnSimplex(k);
        assertThat(Kernels.relativeError(k, psf)).isLessThan(0.05);
        assertThat(k.centroid()[0]).isCloseTo(7, within(0.1));
        assertThat(k.centroid()[1]).isCloseTo(7, within(0.1));
        // a colour image of the same point gives the same kernel
        float[] rgb = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            bead.copyTo(rgb, c * h * w);
        }
        assertThat(Kernels.relativeError(KernelEstimator.pointSpread(Image.wrap(3, h, w, rgb), 15), k)).isLessThan(1e-6);
    }

    @Test
    void pointSourceImagesWithoutAUsablePointAreRefused() {
        float[] flat = new float[50 * 50];
        Arrays.fill(flat, 0.3f);
        assertThatThrownBy(() -> KernelEstimator.pointSpread(Image.wrap(1, 50, 50, flat), 9))
                .hasMessageContaining("no point source found in the 1×50×50 image");
        float[] edge = flat.clone();
        edge[2 * 50 + 25] = 1;
        assertThatThrownBy(() -> KernelEstimator.pointSpread(Image.wrap(1, 50, 50, edge), 9))
                .hasMessageContaining("the point at row 2, column 25 is too close to the edge of the 1×50×50 image "
                        + "for a 9×9 kernel: it needs 4 pixels on every side");
        assertThatThrownBy(() -> KernelEstimator.pointSpread(Image.wrap(1, 50, 50, flat), 51))
                .hasMessageContaining("from 1 to 41");
        assertThatThrownBy(() -> KernelEstimator.pointSpread(Image.wrap(1, 20, 50, new float[1000]), 21))
                .hasMessageContaining("is smaller than the 21×21 kernel");
    }

    @Test
    void projectionOntoTheSimplexIsEuclidean() {
        double[] inside = {0.25, 0.75};
        KernelEstimator.projectOntoSimplex(inside);
        assertThat(inside).containsExactly(new double[] {0.25, 0.75}, within(1e-15));
        double[] far = {2, 0, -1};
        KernelEstimator.projectOntoSimplex(far);
        assertThat(far).containsExactly(new double[] {1, 0, 0}, within(1e-15));
        double[] even = {0.3, 0.3, 0.3};
        KernelEstimator.projectOntoSimplex(even);
        assertThat(even).containsExactly(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, within(1e-15));
        double[] mixed = {0.9, 0.5, -0.2};
        KernelEstimator.projectOntoSimplex(mixed);
        assertThat(mixed).containsExactly(new double[] {0.7, 0.3, 0}, within(1e-15));
    }

    private static Kernel tableOneKernel(int index) throws IOException {
        Path txt = repository().resolve(String.format("test-data/data/kernels/txt/kernels12_k%02d_25x25.txt", index));
        List<double[]> rows = Files.readAllLines(txt).stream().map(String::trim).filter(l -> !l.isEmpty())
                .map(l -> Arrays.stream(l.split("\\s+")).mapToDouble(Double::parseDouble).toArray()).toList();
        return Kernel.of(rows.toArray(double[][]::new));
    }

    private static Path repository() {
        return Path.of(System.getProperty("usrnet.testdata")).getParent();
    }
}
