package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.SAMPLES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.KernelEstimator;
import io.usrnet.data.Kernels;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateKernelCommandTest {
    private static final Path BUTTERFLY = SAMPLES.resolve("butterfly.png");
    private static final Kernel TRUE = Kernels.anisotropicGaussian(15, 2.0, 1.2, 0.5);

    /** The butterfly blurred with {@link #TRUE} (mirrored boundary) and decimated by 2, as .npy. */
    private static Path blurredPair(Path dir) throws IOException {
        Image b = Degradations.decimate(Degradations.blurReflect(ImageFiles.readImage(BUTTERFLY), TRUE), 2);
        Path file = dir.resolve("blurred.npy");
        NpyArray.writeImage(file, b);
        return file;
    }

    @Test
    void aPairGivesTheKernelThatTheApiGives(@TempDir Path dir) throws IOException {
        Path b = blurredPair(dir);
        Path out = dir.resolve("k.txt");
        CliTestSupport.Run r = run("estimate-kernel", "--sharp", BUTTERFLY, "--blurred", b, "--scale", 2, "--size", 15,
                "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).startsWith("blurred.npy: 15×15 kernel, residual RMS 0.0")
                .contains("43923 equations").doesNotContain("\n");
        assertThat(r.err().strip()).isEqualTo("wrote " + out + " (15×15 text kernel, calibrated on butterfly.png and "
                + "blurred.npy at scale 2) and " + dir.resolve("k.png") + " (255×255 preview, 17 px per tap)");
        Kernel written = KernelFiles.read(out);
        Kernel api = KernelEstimator.builder().size(15).scale(2).build()
                .estimate(ImageFiles.readImage(BUTTERFLY), ImageFiles.readImage(b)).kernel();
        assertThat(written).isEqualTo(api);
        assertThat(Kernels.relativeError(written, TRUE)).isLessThan(0.02);
        assertThat(Files.size(dir.resolve("k.png"))).isPositive();
    }

    @Test
    void aPointSourceImageGivesItsPointSpreadFunction(@TempDir Path dir) throws IOException {
        int n = 64;
        float[] v = new float[n * n];
        Arrays.fill(v, 0.1f);
        for (int i = 0; i < 15; i++) {
            for (int j = 0; j < 15; j++) {
                v[(20 + i) * n + 30 + j] += (float) (3 * TRUE.get(i, j));
            }
        }
        Path bead = dir.resolve("bead.npy");
        NpyArray.writeImage(bead, Image.wrap(1, n, n, v));
        Path out = dir.resolve("psf.npy");
        CliTestSupport.Run r = run("estimate-kernel", "--point-source", "--blurred", bead, "--size", 15, "--output", out,
                "--no-preview", "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("bead.npy: 15×15 point-spread function");
        assertThat(r.err()).isEmpty();
        assertThat(Kernels.relativeError(KernelFiles.read(out), TRUE)).isLessThan(1e-6);
        assertThat(dir.resolve("psf.png")).doesNotExist();

        CliTestSupport.Run both = run("estimate-kernel", "--point-source", "--sharp", BUTTERFLY, "--blurred", bead,
                "--output", out);
        assertThat(both.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(both.err()).contains("--point-source measures the kernel on --blurred alone; leave out --sharp");
        CliTestSupport.Run scaled = run("estimate-kernel", "--point-source", "--scale", 2, "--blurred", bead,
                "--output", out);
        assertThat(scaled.err()).contains("--scale must be 1, got 2");
    }

    @Test
    void badPairsAreClearErrorsAndWriteNothing(@TempDir Path dir) throws IOException {
        Path b = blurredPair(dir);
        Path out = dir.resolve("k.npy");
        CliTestSupport.Run wrongScale = run("estimate-kernel", "--sharp", BUTTERFLY, "--blurred", b, "--scale", 3,
                "--output", out);
        assertThat(wrongScale.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(wrongScale.err()).isEqualTo("usrnet: error: the blurred image 3×128×128 does not match the sharp "
                + "image 3×256×256 at scale 3: expected 85–86×85–86 (the pair must be registered, the blurred image 3 "
                + "times smaller)" + System.lineSeparator());
        CliTestSupport.Run noSharp = run("estimate-kernel", "--blurred", b, "--output", out);
        assertThat(noSharp.err()).contains("estimate-kernel needs --sharp S");
        CliTestSupport.Run even = run("estimate-kernel", "--sharp", BUTTERFLY, "--blurred", b, "--scale", 2,
                "--size", 16, "--output", out);
        assertThat(even.err()).contains("the kernel size must be odd, from 1 to 41, got 16");
        Path small = dir.resolve("small.npy");
        NpyArray.writeImage(small, Degradations.crop(ImageFiles.readImage(BUTTERFLY), 0, 0, 40, 40));
        Path smallBlurred = dir.resolve("small-blurred.npy");
        NpyArray.writeImage(smallBlurred, Degradations.crop(ImageFiles.readImage(b), 0, 0, 20, 20));
        CliTestSupport.Run tooLarge = run("estimate-kernel", "--sharp", small, "--blurred", smallBlurred, "--scale", 2,
                "--output", out);
        assertThat(tooLarge.err()).contains("usrnet: error: a 25×25 kernel is too large for the 3×40×40 sharp image "
                + "at scale 2: only 192 blurred samples");
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("k.png")).doesNotExist();
    }
}
