package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DegradationsTest {

    /** An 8-bit PNG as an image of samples q/255 (computed as (float) (q / 255.0)). */
    static Image readPng(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(img).as(file.toString()).isNotNull();
        Raster r = img.getRaster();
        int c = r.getNumBands();
        int h = img.getHeight();
        int w = img.getWidth();
        float[] v = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    v[(ch * h + i) * w + j] = (float) (r.getSample(j, i, ch) / 255.0);
                }
            }
        }
        return Image.wrap(c, h, w, v);
    }

    @ParameterizedTest(name = "degrade/case0{0}")
    @ValueSource(ints = {0, 1, 2})
    void table1ReproducesReferenceLrBitForBit(int index) throws IOException {
        String key = "degrade/case0" + index;
        Path dir = Fixtures.root().resolve(key);
        int sf = (int) Fixtures.manifestNumber(key, "sf");
        Image hr = readPng(dir.resolve("hr.png"));
        Kernel k = Fixtures.kernel(dir.resolve("k.npy"));
        Image expected = readPng(dir.resolve("lr.png"));
        Image lr = Degradations.table1(hr, k, sf);
        assertThat(lr.shape()).isEqualTo(expected.shape());
        float[] a = lr.toArray();
        float[] b = expected.toArray();
        int mismatches = 0;
        for (int i = 0; i < a.length; i++) {
            if (Math.round(a[i] * 255) != Math.round(b[i] * 255)) {
                mismatches++;
            }
        }
        assertThat(mismatches).as("8-bit values differing from lr.png").isZero();
        assertThat(lr).isEqualTo(expected);

        Image lrFloat = Degradations.decimate(Degradations.blur(hr, k), sf);
        assertThat(lrFloat.maxAbsDifference(Fixtures.image(dir.resolve("lr_float.npy")))).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void table1CropsToMultipleOfLcmOfScaleAndEight() throws IOException {
        Path dir = Fixtures.root().resolve("degrade/case01"); // s = 3: crop to a multiple of 24
        Image hr = readPng(dir.resolve("hr.png"));
        Kernel k = Fixtures.kernel(dir.resolve("k.npy"));
        int h = hr.height();
        int w = hr.width();
        float[] big = new float[3 * (h + 23) * (w + 5)];
        java.util.Random rnd = new java.util.Random(1);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h + 23; i++) {
                for (int j = 0; j < w + 5; j++) {
                    big[(c * (h + 23) + i) * (w + 5) + j] = i < h && j < w ? hr.get(c, i, j)
                            : (float) (rnd.nextInt(256) / 255.0);
                }
            }
        }
        Image padded = Image.wrap(3, h + 23, w + 5, big);
        assertThat(Degradations.table1(padded, k, 3)).isEqualTo(Degradations.table1(hr, k, 3));
        assertThat(Degradations.modcrop(padded, 24)).isEqualTo(hr);
    }

    @Test
    void table1RejectsNon8BitImagesAndTinyImages() {
        Image x = Image.wrap(1, 8, 8, new float[64]);
        float[] v = x.toArray();
        v[8 * 2 + 3] = 0.5f;
        assertThatThrownBy(() -> Degradations.table1(Image.wrap(1, 8, 8, v), Kernel.delta(), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("8-bit", "channel 0, row 2, column 3", "0.5 = 127.5/255");
        v[8 * 2 + 3] = 1.2f;
        assertThatThrownBy(() -> Degradations.table1(Image.wrap(1, 8, 8, v), Kernel.delta(), 2))
                .hasMessageContaining("is 1.2 = 306.0/255");
        assertThatThrownBy(() -> Degradations.table1(Image.zeros(3, 30, 20), Kernel.delta(), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("30×20", "24 = lcm(scale 3, 8)");
        assertThatThrownBy(() -> Degradations.table1(x, Kernel.delta(), 0))
                .hasMessageContainingAll("scale", "≥ 1", "got 0");
    }

    @Test
    void table1TruncatesTowardZeroAndClamps() {
        // 1×8×8 image of value 100/255; kernel 0.999 → 99.9 → 99; kernel 3 → 300 → 255; kernel −1 → 0.
        float[] v = new float[64];
        java.util.Arrays.fill(v, (float) (100 / 255.0));
        Image x = Image.wrap(1, 8, 8, v);
        assertThat(Degradations.table1(x, Kernel.of(1, 1, new double[] {0.999}), 1).get(0, 0, 0))
                .isEqualTo((float) (99 / 255.0));
        assertThat(Degradations.table1(x, Kernel.of(1, 1, new double[] {3}), 2).get(0, 3, 3)).isEqualTo(1f);
        assertThat(Degradations.table1(x, Kernel.of(1, 1, new double[] {-1}), 4).get(0, 1, 1)).isEqualTo(0f);
    }

    /** Direct-loop reference of PROTOCOL §1 in double. */
    static double[] referenceBlur(Image x, Kernel k) {
        int h = x.height();
        int w = x.width();
        double[] out = new double[x.size()];
        for (int c = 0; c < x.channels(); c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double s = 0;
                    for (int u = 0; u < k.height(); u++) {
                        for (int v = 0; v < k.width(); v++) {
                            s += k.get(u, v) * x.get(c, Math.floorMod(i - u + k.height() / 2, h),
                                    Math.floorMod(j - v + k.width() / 2, w));
                        }
                    }
                    out[(c * h + i) * w + j] = s;
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "image {0}×{1}, kernel {2}×{3}")
    @CsvSource({
        "17, 23, 3, 3", "17, 23, 4, 6", "12, 9, 1, 7", "16, 20, 6, 6", // direct path (≤ 36 taps)
        "17, 23, 7, 7", "31, 18, 10, 13", "21, 21, 25, 25", "6, 5, 9, 11", "1, 40, 1, 65", // FFT path
    })
    void blurMatchesDirectConvolution(int h, int w, int kh, int kw) {
        Image x = Fixtures.random(2, h, w, h * 7L + kw);
        Kernel k = Fixtures.randomKernel(kh, kw, -0.2, 1, kh * 13L + kw);
        double[] expected = referenceBlur(x, k);
        float[] got = Degradations.blur(x, k).toArray();
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(expected[i]))));
        }
    }

    @Test
    void blurWithDeltaIsIdentityAndOffCentreDeltaShifts() {
        Image x = Fixtures.random(3, 9, 11, 5);
        assertThat(Degradations.blur(x, Kernel.delta())).isEqualTo(x);
        // A 3×3 kernel with its 1 at (0, 0): b[i, j] = x[i + 1, j + 1] (circular).
        double[] t = new double[9];
        t[0] = 1;
        Image b = Degradations.blur(x, Kernel.of(3, 3, t));
        assertThat(b.get(1, 2, 3)).isEqualTo(x.get(1, 3, 4));
        assertThat(b.get(0, 8, 10)).isEqualTo(x.get(0, 0, 0));
    }

    @Test
    void decimateKeepsUpperLeftPixelAndUpsampleReplicates() {
        Image x = Fixtures.random(2, 7, 10, 8);
        Image d = Degradations.decimate(x, 3);
        assertThat(d.shape()).isEqualTo("2×3×4");
        assertThat(d.get(1, 2, 3)).isEqualTo(x.get(1, 6, 9));
        assertThat(d.get(0, 1, 2)).isEqualTo(x.get(0, 3, 6));
        Image u = Degradations.upsampleNearest(x, 4);
        assertThat(u.shape()).isEqualTo("2×28×40");
        for (int i = 0; i < 28; i++) {
            for (int j = 0; j < 40; j++) {
                assertThat(u.get(1, i, j)).isEqualTo(x.get(1, i / 4, j / 4));
            }
        }
        assertThat(Degradations.decimate(u, 4)).isEqualTo(x);
        assertThat(Degradations.decimate(x, 1)).isEqualTo(x);
        assertThatThrownBy(() -> Degradations.decimate(x, 0)).hasMessageContainingAll("scale", "≥ 1", "got 0");
        assertThatThrownBy(() -> Degradations.upsampleNearest(x, -2)).hasMessageContainingAll("scale", "≥ 1", "-2");
    }

    @Test
    void modcropCropsBottomAndRight() {
        Image x = Fixtures.random(1, 13, 10, 9);
        Image c = Degradations.modcrop(x, 4);
        assertThat(c.shape()).isEqualTo("1×12×8");
        assertThat(c.get(0, 11, 7)).isEqualTo(x.get(0, 11, 7));
        assertThat(Degradations.modcrop(x, 1)).isSameAs(x);
        assertThatThrownBy(() -> Degradations.modcrop(x, 11)).hasMessageContainingAll("13×10", "crop multiple 11");
        assertThatThrownBy(() -> Degradations.modcrop(x, 0)).hasMessageContainingAll("crop multiple", "≥ 1", "got 0");
    }

    @Test
    void noiseIsSeededAndHasTheRequestedLevel() {
        Image x = Image.zeros(3, 128, 160);
        Image a = Degradations.addGaussianNoise(x, 7.65, 42);
        assertThat(Degradations.addGaussianNoise(x, 7.65, 42)).isEqualTo(a);
        assertThat(Degradations.addGaussianNoise(x, 7.65, 43)).isNotEqualTo(a);
        double sum = 0;
        double sq = 0;
        float[] v = a.toArray();
        for (float f : v) {
            sum += f;
            sq += (double) f * f;
        }
        double mean = sum / v.length;
        double std = Math.sqrt(sq / v.length - mean * mean);
        assertThat(std).isCloseTo(7.65 / 255, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(Math.abs(mean)).isLessThan(4 * 0.03 / Math.sqrt(v.length));
        Image y = Fixtures.random(1, 4, 4, 1);
        assertThat(Degradations.addGaussianNoise(y, 0, 1)).isEqualTo(y);
        assertThatThrownBy(() -> Degradations.addGaussianNoise(y, -1, 1))
                .hasMessageContainingAll("sigma", "≥ 0", "[0,255]", "-1.0");
        assertThatThrownBy(() -> Degradations.addGaussianNoise(y, Double.NaN, 1))
                .hasMessageContaining("got NaN");
    }
}
