package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.KERNELS_12;
import static io.usrnet.cli.CliTestSupport.SAMPLES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code usrnet compare}, and the README's quick start on the repository's samples/ with the built-in model. */
class CompareCommandTest {
    private static final Path BUTTERFLY = SAMPLES.resolve("butterfly.png");
    private static final Pattern DB = Pattern.compile("^\\s+(\\d+\\.\\d\\d) dB  (.*)$", Pattern.MULTILINE);

    /**
     * The quick start's lines: degrade ×4 with the paper's kernel 3, restore with the built-in model,
     * compare. The printed PSNRs are those of {@link Metrics#psnr} (to the printed 0.01 dB), USRNet is far
     * better than the nearest-neighbour upscaled LR, and the picture is LR (nearest ×4) | restored |
     * original with 4-pixel white gaps.
     */
    @Test
    void quickStartDegradeRestoreCompare(@TempDir Path dir) throws IOException {
        String k = KERNELS_12 + ":kernels:3";
        Path lr = dir.resolve("lr.png");
        Path sr = dir.resolve("sr.png");
        Path side = dir.resolve("side.png");
        CliTestSupport.Run d = run("degrade", "--input", BUTTERFLY, "--kernel", k, "--scale", 4, "--sigma", 0,
                "--protocol", "table1", "--output", lr);
        assertThat(d.exitCode()).as(d.err()).isZero();
        CliTestSupport.Run r = run("restore", "--input", lr, "--kernel", k, "--scale", 4, "--sigma", 0, "--output", sr,
                "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        CliTestSupport.Run c = run("compare", "--reference", BUTTERFLY, "--output", side, lr, sr);
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.err()).isEmpty();

        Image hr = ImageFiles.readImage(BUTTERFLY);
        Image up = Degradations.upsampleNearest(ImageFiles.readImage(lr), 4);
        Image restored = ImageFiles.readImage(sr);
        Matcher m = DB.matcher(c.out());
        assertThat(m.find()).as(c.out()).isTrue();
        assertThat(m.group(2)).isEqualTo(lr + " (nearest-neighbour ×4)");
        double nearest = Double.parseDouble(m.group(1));
        assertThat(nearest).isCloseTo(Metrics.psnr(up, hr, 0), within(0.005));
        assertThat(m.find()).as(c.out()).isTrue();
        assertThat(m.group(2)).isEqualTo(sr.toString());
        double ours = Double.parseDouble(m.group(1));
        assertThat(ours).isCloseTo(Metrics.psnr(restored, hr, 0), within(0.005));
        assertThat(m.find()).isFalse();
        // measured: 24.51 dB against 17.09 dB for nearest-neighbour (whole image, border 0)
        assertThat(ours - nearest).as(c.out()).isGreaterThan(5);
        assertThat(c.out()).contains("wrote " + side + ": " + lr + " | " + sr + " | " + BUTTERFLY);

        Image sheet = ImageFiles.readImage(side);
        assertThat(sheet.shape()).isEqualTo("3×264×784"); // 256 + 2 gaps high, 3 × 256 + 4 gaps wide
        List<Image> panels = List.of(up, restored, hr);
        for (int p = 0; p < 3; p++) {
            for (int ch = 0; ch < 3; ch++) {
                for (int i = 0; i < 256; i += 9) {
                    for (int j = 0; j < 256; j += 7) {
                        assertThat(sheet.get(ch, 4 + i, 4 + p * 260 + j)).isEqualTo(panels.get(p).get(ch, i, j));
                    }
                }
            }
        }
        assertThat(sheet.get(0, 2, 2)).isEqualTo(1f); // the white frame
        assertThat(sheet.get(1, 100, 4 + 256 + 1)).isEqualTo(1f); // the gap between panels
    }

    @Test
    void borderAndCroppedReferenceAndNoPicture(@TempDir Path dir) throws IOException {
        Image hr = ImageFiles.readImage(BUTTERFLY);
        Path part = dir.resolve("part.png");
        ImageFiles.write(part, Degradations.crop(hr, 0, 0, 240, 248)); // a perfect copy of the top-left
        Path noisy = dir.resolve("noisy.png");
        Image n = Degradations.addGaussianNoise(Degradations.crop(hr, 0, 0, 240, 248), 10, 1);
        ImageFiles.write(noisy, n);
        CliTestSupport.Run c = run("compare", "--reference", BUTTERFLY, "--border", 8, noisy, part);
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).startsWith("reference cropped to its top-left 240×248\n")
                .contains("PSNR against " + BUTTERFLY + " (RGB, border 8):").contains("Infinity dB  " + part)
                .doesNotContain("wrote");
        Matcher m = DB.matcher(c.out());
        assertThat(m.find()).isTrue();
        Image cropped = Degradations.crop(hr, 0, 0, 240, 248);
        assertThat(Double.parseDouble(m.group(1)))
                .isCloseTo(Metrics.psnr(ImageFiles.readImage(noisy), cropped, 8), within(0.005));
    }

    @Test
    void badInputsFailWithOneLine(@TempDir Path dir) throws IOException {
        Image hr = ImageFiles.readImage(BUTTERFLY);
        Path odd = dir.resolve("odd.png");
        ImageFiles.write(odd, Degradations.crop(hr, 0, 0, 100, 100));
        Path small = dir.resolve("small.png");
        ImageFiles.write(small, Degradations.crop(hr, 0, 0, 30, 30));
        Path grey = dir.resolve("grey.png");
        ImageFiles.write(grey, Image.zeros(1, 100, 100));
        Path out = dir.resolve("side.png");
        assertFails(run("compare", "--reference", BUTTERFLY, "--output", out, odd, small),
                small + " (30×30) is not the images' size 100×100 divided by an integer");
        assertFails(run("compare", "--reference", small, "--output", out, odd),
                "--reference " + small + " (30×30) is smaller than the images (100×100)");
        assertFails(run("compare", "--reference", BUTTERFLY, "--output", out, grey), grey + " has 1 channel(s)");
        assertFails(run("compare", "--reference", BUTTERFLY, "--border", -1, odd), "--border must be >= 0");
        assertFails(run("compare", "--reference", BUTTERFLY, dir.resolve("nope.png")), "nope.png");
        assertThat(out).doesNotExist();
        CliTestSupport.Run usage = run("compare", odd);
        assertThat(usage.exitCode()).isEqualTo(UsrnetCli.EXIT_USAGE);
        assertThat(usage.err()).contains("--reference");
    }

    private static void assertFails(CliTestSupport.Run r, String message) {
        assertThat(r.exitCode()).as(r.out()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(r.err()).startsWith("usrnet: error: ").contains(message);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    }
}
