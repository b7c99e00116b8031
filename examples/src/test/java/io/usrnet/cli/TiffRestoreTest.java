package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.KERNELS_12;
import static io.usrnet.cli.CliTestSupport.TIFF;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.core.io.TiffStack;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 14's table, end to end: the TIFF files OpenCV, tifffile and ImageJ write restore ×2 to a
 * TIFF of the same sample type, twice the size, with the pixel size halved in the same unit,
 * Deflate-compressed unless {@code --compression none}; stacks are restored page by page (issue 16;
 * more in {@link StackCommandsTest}) and refused with their page count by commands that read single
 * images.
 */
@ExtendWith(OneEngineThread.class)
class TiffRestoreTest {
    private static final String KERNEL = KERNELS_12 + ":kernels:1";
    private static final Path WEIGHTS = FIXTURES.resolve("weights/tiny.safetensors");

    @TempDir
    Path dir;

    private CliTestSupport.Run restore(Path in, Path out, Object... extra) {
        Object[] base = {"restore", "--input", in, "--kernel", KERNEL, "--scale", 2, "--sigma", 2.55,
            "--weights", WEIGHTS, "--iterations", 2, "--output", out};
        Object[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "cv-u16.tif, UINT16, , ",                 // OpenCV: LZW + horizontal predictor
        "tf-u16-deflate-pred.tif, UINT16, , ",    // tifffile: Deflate + predictor
        "tf-u16-bigtiff.tif, UINT16, , ",         // BigTIFF
        "tf-u16-rgb-deflate-pred.tif, UINT16, , ",
        "lt-f32-deflate-fpred.tif, FLOAT32, , ",  // floating-point predictor
        "tf-u16-imagej.tif, UINT16, 0.25, µm",    // ImageJ metadata written by tifffile, 0.5 µm
        "ij-u16-cal.tif, UINT16, 0.25, µm",       // ImageJ itself, 0.5 µm
        "tf-u16-ome.tif, UINT16, 0.125, µm",      // OME-TIFF, 0.25 µm
    })
    void restoresToTheSameTypeTwiceTheSizeWithHalfThePixelSize(String name, SampleFormat format, Double size,
            String unit) throws IOException {
        Path in = TIFF.resolve(name);
        Path out = dir.resolve("sr-" + name);
        CliTestSupport.Run r = restore(in, out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        ImageData lr = ImageFiles.read(in);
        ImageData sr = ImageFiles.read(out);
        assertThat(sr.format()).isEqualTo(format);
        assertThat(sr.color().channels()).isEqualTo(lr.color().channels());
        assertThat(sr.color().height()).isEqualTo(2 * lr.color().height());
        assertThat(sr.color().width()).isEqualTo(2 * lr.color().width());
        if (size == null) {
            assertThat(sr.pixelSize()).isNull();
        } else {
            assertThat(sr.pixelSize().unit()).isEqualTo(unit);
            assertThat(sr.pixelSize().width()).isCloseTo(size, within(size * 1e-9));
            assertThat(sr.pixelSize().height()).isCloseTo(size, within(size * 1e-9));
            assertThat(r.err()).contains("pixel " + new PixelSize(size, size, unit));
        }
        assertThat(ImageIO.read(out.toFile())).as("the Java runtime reads the output").isNotNull();
        // the output holds the restoration itself, as .npy would
        Path npy = dir.resolve("sr.npy");
        assertThat(restore(in, npy, "-q").exitCode()).isZero();
        Path again = dir.resolve("sr-none.tif");
        assertThat(restore(in, again, "-q", "--compression", "none").exitCode()).isZero();
        assertThat(ImageFiles.read(again)).isEqualTo(sr);
        if (format == SampleFormat.FLOAT32) {
            assertThat(sr.color()).isEqualTo(NpyArray.read(npy).toImage());
        }
        assertThat(Files.size(again)).isGreaterThan(Files.size(out));
    }

    @Test
    void stacksAreRestoredPageByPageAndRefusedByCommandsForSingleImages() throws IOException {
        for (String name : new String[] {"tf-u16-imagej-stack.tif", "ij-u8-stack.tif", "tf-u16-multipage.tif"}) {
            Path out = dir.resolve("sr-" + name);
            CliTestSupport.Run r = restore(TIFF.resolve(name), out, "-q");
            assertThat(r.exitCode()).as(name + ": " + r.err()).isZero();
            try (TiffStack in = TiffStack.open(TIFF.resolve(name)); TiffStack sr = TiffStack.open(out)) {
                assertThat(sr.pages()).as(name).isEqualTo(in.pages()).isGreaterThan(1);
                assertThat(sr.format()).as(name).isEqualTo(in.format());
                assertThat(sr.width()).as(name).isEqualTo(2 * in.width());
            }
            r = run("estimate-noise", "--input", TIFF.resolve(name));
            assertThat(r.exitCode()).as(name).isNotZero();
            assertThat(r.err()).as(name).contains("usrnet: error: ").contains("images (a stack")
                    .contains("usrnet restore, degrade and solve process stacks page by page").doesNotContain("\tat ");
        }
    }

    @Test
    void degradeMultipliesThePixelSizeAndCompressionIsChecked() throws IOException {
        Path lr = dir.resolve("lr.tif");
        CliTestSupport.Run r = run("degrade", "--input", TIFF.resolve("ij-u16-cal.tif"), "--kernel", KERNEL,
                "--scale", 2, "--sigma", 0, "--output", lr, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(ImageFiles.read(lr).pixelSize()).isEqualTo(new PixelSize(1.0, 1.0, "µm"));
        r = run("degrade", "--input", TIFF.resolve("ij-u16-cal.tif"), "--kernel", KERNEL, "--scale", 2,
                "--sigma", 0, "--output", dir.resolve("x.tif"), "--compression", "lzw");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("--compression must be deflate or none, got 'lzw'");
    }
}
