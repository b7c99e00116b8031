package io.usrnet.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.TestData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Path FIXTURES = TestData.FIXTURES;

    @Test
    void matchesReferenceMetricsFixtures() throws IOException {
        JsonArray cases = JsonParser.parseString(Files.readString(FIXTURES.resolve("metrics/cases.json")))
                .getAsJsonArray();
        assertThat(cases).hasSize(3);
        for (JsonElement e : cases) {
            JsonObject c = e.getAsJsonObject();
            Image a = ImageFiles.readImage(FIXTURES.resolve(c.get("a").getAsString()));
            Image b = ImageFiles.readImage(FIXTURES.resolve(c.get("b").getAsString()));
            int s = c.get("border").getAsInt();
            String name = c.get("a").getAsString();
            assertThat(Metrics.psnr(a, b, s * s)).as(name + " psnr rgb s²")
                    .isCloseTo(c.get("psnr_rgb_border_sf2").getAsDouble(), within(1e-6));
            assertThat(Metrics.psnr(a, b, s)).as(name + " psnr rgb s")
                    .isCloseTo(c.get("psnr_rgb_border_sf").getAsDouble(), within(1e-6));
            assertThat(Metrics.psnrY(a, b, s)).as(name + " psnr y")
                    .isCloseTo(c.get("psnr_y_border_sf").getAsDouble(), within(1e-6));
            assertThat(Metrics.ssim(a, b, s)).as(name + " ssim rgb")
                    .isCloseTo(c.get("ssim_rgb_border_sf").getAsDouble(), within(1e-6));
            assertThat(Metrics.ssimY(a, b, s)).as(name + " ssim y")
                    .isCloseTo(c.get("ssim_y_border_sf").getAsDouble(), within(1e-6));
        }
    }

    private static Image constant(int channels, int h, int w, float v) {
        float[] d = new float[channels * h * w];
        java.util.Arrays.fill(d, v);
        return Image.wrap(channels, h, w, d);
    }

    @Test
    void psnrOnHandComputedCases() {
        Image a = constant(1, 4, 4, 0f);
        float[] d = new float[16];
        d[5] = 1 / 255f; // one 8-bit step at (1, 1)
        Image b = Image.wrap(1, 4, 4, d);
        assertThat(Metrics.psnr(a, b, 0)).isCloseTo(20 * Math.log10(255 / 0.25), within(1e-12));
        assertThat(Metrics.psnr(a, b, 1)).isCloseTo(20 * Math.log10(255 / 0.5), within(1e-12)); // 1 of 4 pixels
        assertThat(Metrics.psnr(a, a, 0)).isEqualTo(Double.POSITIVE_INFINITY);
        // inputs are clamped and rounded to 8 bits first: 1.3 is 255, -0.2 is 0, 0.4/255 is 0
        assertThat(Metrics.psnr(constant(3, 3, 3, 1.3f), constant(3, 3, 3, 1f), 0)).isInfinite();
        assertThat(Metrics.psnr(constant(3, 3, 3, -0.2f), constant(3, 3, 3, 0.4f / 255), 0)).isInfinite();
        // Y of white is 235 and of black 16 (studio swing)
        assertThat(Metrics.psnrY(constant(3, 3, 3, 0f), constant(3, 3, 3, 1f), 0))
                .isCloseTo(20 * Math.log10(255.0 / 219), within(1e-12));
        // grey images: Y is the single channel
        assertThat(Metrics.psnrY(a, b, 0)).isEqualTo(Metrics.psnr(a, b, 0));
    }

    @Test
    void ssimOnHandComputedCases() {
        Image x = constant(3, 12, 13, 0f);
        Image y = constant(3, 12, 13, 0.2f); // 51 in 8 bits
        double c1 = 6.5025;
        // constant images: sigma = 0, so SSIM = C1 / (mu2^2 + C1)
        assertThat(Metrics.ssim(x, y, 0)).isCloseTo(c1 / (51.0 * 51 + c1), within(1e-12));
        assertThat(Metrics.ssim(y, y, 0)).isCloseTo(1.0, within(1e-12));
        float[] noise = new float[3 * 12 * 13];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) Math.abs(Math.sin(i * 1.7));
        }
        Image n = Image.wrap(3, 12, 13, noise);
        assertThat(Metrics.ssim(n, y, 0)).isEqualTo(Metrics.ssim(y, n, 0)).isLessThan(1);
        assertThat(Metrics.ssimY(n, n, 0)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void badInputsAreRejected() {
        Image a = constant(3, 20, 20, 0.5f);
        assertThatThrownBy(() -> Metrics.psnr(a, constant(3, 20, 21, 0.5f), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("3×20×20", "3×20×21");
        assertThatThrownBy(() -> Metrics.ssim(a, constant(1, 20, 20, 0.5f), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("3×20×20", "1×20×20");
        assertThatThrownBy(() -> Metrics.psnr(a, a, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("border", "negative", "-1");
        assertThatThrownBy(() -> Metrics.psnr(a, a, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("border 10", "20×20", "0×0", "at least 1");
        assertThat(Metrics.psnr(a, a, 9)).isInfinite();
        assertThatThrownBy(() -> Metrics.ssimY(a, a, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("border 5", "20×20", "10×10", "at least 11×11");
        assertThat(Metrics.ssim(a, a, 4)).isCloseTo(1.0, within(1e-12));
        float[] nan = new float[3 * 20 * 20];
        nan[100] = Float.NaN;
        assertThatThrownBy(() -> Metrics.psnr(a, Image.wrap(3, 20, 20, nan), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("second image", "NaN");
        Image four = constant(4, 20, 20, 0.5f);
        assertThatThrownBy(() -> Metrics.psnrY(four, four, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("luma", "4 channels");
    }
}
