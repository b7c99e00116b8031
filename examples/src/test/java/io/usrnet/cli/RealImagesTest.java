package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.DATA;
import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.KERNELS_12;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.io.NpyArray;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code usrnet restore} end to end on the image files people have: grey, 16-bit, RGBA, float TIFF,
 * odd sizes; and kernels that do not sum to 1.
 */
@ExtendWith(OneEngineThread.class)
class RealImagesTest {
    private static final String KERNEL = KERNELS_12 + ":kernels:1";
    private static final Path WEIGHTS = FIXTURES.resolve("weights/tiny.safetensors");

    @TempDir
    Path dir;

    /** Random samples on the grid of {@code format} (k/255 or k/65535, so that files hold them exactly). */
    private static Image random(int channels, int h, int w, long seed, SampleFormat format) {
        SplittableRandom r = new SplittableRandom(seed);
        int max = format == SampleFormat.UINT16 ? 65535 : 255;
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextInt(max + 1) / max;
        }
        return Image.wrap(channels, h, w, v);
    }

    /** Exactly one line on stderr: a warning that names the kernel's sum and what it was normalised to. */
    private static void assertOneNormalisationWarning(String err) {
        assertThat(err.lines()).as(err).hasSize(1);
        assertThat(err).startsWith("usrnet: warning: ").contains("sums to 16", "normalised to 1");
    }

    /** Restores {@code in} at scale {@code s}, σ = 2.55, into {@code out}; nothing may appear on stderr. */
    private static void restore(Path in, Path out, int s, Object kernel) {
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", kernel, "--scale", s, "--sigma", 2.55,
                "--weights", WEIGHTS, "--output", out, "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    /**
     * Writes {@code data} to {@code name}, restores it at scale {@code s} into {@code sr_<name>}
     * and returns the output as ImageIO reads it, checked to be s times the input's size.
     */
    private BufferedImage restored(String name, ImageData data, int s) throws IOException {
        Path in = dir.resolve(name);
        ImageFiles.write(in, data);
        Path out = dir.resolve("sr_" + name);
        restore(in, out, s, KERNEL);
        BufferedImage b = ImageIO.read(out.toFile());
        assertThat(b.getWidth()).isEqualTo(s * data.color().width());
        assertThat(b.getHeight()).isEqualTo(s * data.color().height());
        return b;
    }

    @Test
    void greyPngInGreyPngOut() throws IOException {
        BufferedImage b = restored("grey.png", ImageData.of(random(1, 24, 24, 1, SampleFormat.UINT8),
                SampleFormat.UINT8), 2);
        assertThat(b.getRaster().getNumBands()).isEqualTo(1);
        assertThat(b.getColorModel().hasAlpha()).isFalse();
        assertThat(b.getSampleModel().getSampleSize(0)).isEqualTo(8);
        ImageData read = ImageFiles.read(dir.resolve("sr_grey.png"));
        assertThat(read.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(read.color().channels()).isEqualTo(1);
    }

    @Test
    void sixteenBitPngInSixteenBitPngOut() throws IOException {
        BufferedImage b = restored("deep.png", ImageData.of(random(3, 24, 24, 2, SampleFormat.UINT16),
                SampleFormat.UINT16), 2);
        assertThat(b.getRaster().getNumBands()).isEqualTo(3);
        for (int band = 0; band < 3; band++) {
            assertThat(b.getSampleModel().getSampleSize(band)).isEqualTo(16);
        }
        assertThat(ImageFiles.read(dir.resolve("sr_deep.png")).format()).isEqualTo(SampleFormat.UINT16);
    }

    @Test
    void rgbaPngKeepsItsAlphaUpscaledNearest() throws IOException {
        Image alpha = random(1, 24, 24, 4, SampleFormat.UINT8);
        BufferedImage b = restored("rgba.png", new ImageData(random(3, 24, 24, 3, SampleFormat.UINT8), alpha,
                SampleFormat.UINT8), 2);
        assertThat(b.getRaster().getNumBands()).isEqualTo(4);
        assertThat(b.getColorModel().hasAlpha()).isTrue();
        ImageData read = ImageFiles.read(dir.resolve("sr_rgba.png"));
        assertThat(read.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(read.color().channels()).isEqualTo(3);
        assertThat(read.alpha()).isEqualTo(Degradations.upsampleNearest(ImageFiles.read(dir.resolve("rgba.png"))
                .alpha(), 2));
        assertThat(read.alpha().get(0, 47, 47)).isEqualTo(alpha.get(0, 23, 23));
    }

    @Test
    void floatTiffInFloatTiffOut() throws IOException {
        BufferedImage b = restored("float.tif", ImageData.of(random(3, 24, 24, 5, SampleFormat.UINT16),
                SampleFormat.FLOAT32), 2);
        assertThat(b.getRaster().getNumBands()).isEqualTo(3);
        assertThat(b.getRaster().getDataBuffer().getDataType()).isEqualTo(DataBuffer.TYPE_FLOAT);
        ImageData read = ImageFiles.read(dir.resolve("sr_float.tif"));
        assertThat(read.format()).isEqualTo(SampleFormat.FLOAT32);
        // the float file holds the restoration itself: the same as restoring to .npy
        Path npy = dir.resolve("sr_float.npy");
        restore(dir.resolve("float.tif"), npy, 2, KERNEL);
        assertThat(read.color()).isEqualTo(NpyArray.read(npy).toImage());
    }

    @Test
    void oddSizesAtScaleThree() throws IOException {
        BufferedImage b = restored("odd.png", ImageData.of(random(3, 17, 31, 6, SampleFormat.UINT8),
                SampleFormat.UINT8), 3);
        assertThat(b.getWidth()).isEqualTo(93);
        assertThat(b.getHeight()).isEqualTo(51);
        assertThat(b.getRaster().getNumBands()).isEqualTo(3);
        assertThat(b.getSampleModel().getSampleSize(0)).isEqualTo(8);
    }

    @Test
    void kernelsNotSummingToOneAreNormalisedWithOneWarning() throws IOException {
        Path in = dir.resolve("lr.png");
        ImageFiles.write(in, ImageData.of(random(3, 24, 24, 7, SampleFormat.UINT8), SampleFormat.UINT8));
        Path heavy = Files.writeString(dir.resolve("heavy.txt"), "1 2 1\n2 4 2\n1 2 1\n"); // sums to 16
        Path unit = Files.writeString(dir.resolve("unit.txt"), "0.0625 0.125 0.0625\n0.125 0.25 0.125\n"
                + "0.0625 0.125 0.0625\n");
        Path out = dir.resolve("heavy.npy");
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", heavy, "--scale", 2, "--sigma", 2.55,
                "--weights", WEIGHTS, "--output", out, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertOneNormalisationWarning(r.err());
        Path normalised = dir.resolve("unit.npy");
        restore(in, normalised, 2, unit);
        assertThat(NpyArray.read(out).toImage()).isEqualTo(NpyArray.read(normalised).toImage());

        // the other verbs that take --kernel say so too
        r = run("solve", "--input", in, "--kernel", heavy, "--scale", 2, "--alpha", 0.01, "--output",
                dir.resolve("z.png"), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertOneNormalisationWarning(r.err());

        // kernels within 0.001 of 1, like the shipped bicubic ones, are used as stored, silently
        restore(in, dir.resolve("bicubic.png"), 2, DATA.resolve("kernels/kernels_bicubicx234.mat")
                + ":kernels:1");
    }
}
