package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.NoiseEstimator;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateNoiseCommandTest {

    private static Path flatWithNoise(Path dir, int size, double sigma) throws IOException {
        float[] v = new float[3 * size * size];
        Arrays.fill(v, 0.4f);
        Image y = Degradations.addGaussianNoise(Image.wrap(3, size, size, v), sigma, 5);
        Path file = dir.resolve("noisy-" + size + ".npy");
        NpyArray.writeImage(file, y);
        return file;
    }

    @Test
    void lastLineIsTheNoiseLevelAlone(@TempDir Path dir) throws IOException {
        CliTestSupport.Run r = run("estimate-noise", "--input", flatWithNoise(dir, 96, 5));
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().strip().split("\\R");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("noisy-96.npy: sigma ").contains("R ").contains("8×8 patches of 96×96");
        assertThat(Double.parseDouble(lines[1])).isCloseTo(5, within(0.1));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void restoreWithSigmaAutoUsesTheMeasuredLevel(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case02"); // 56×72 RGB, s = 1, sigma 2.55
        Path weights = FIXTURES.resolve("weights/tiny.pth");
        Path out = dir.resolve("out.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 1, "--sigma", "auto", "--weights", weights, "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Image lr = NpyArray.read(c.resolve("lr.npy")).toImage();
        double measured = NoiseEstimator.DEFAULT.estimate(lr).sigma();
        assertThat(r.err()).contains("lr.npy: noise level measured: sigma "
                + NoiseEstimator.DEFAULT.estimate(lr).sigmaText());
        Image expected;
        try (Restorer restorer = Restorer.builder().weights(weights).build()) {
            expected = restorer.restore(lr, Degradation.of(KernelFiles.read(c.resolve("k.npy")), 1, measured));
        }
        // bit-identical: a restore with any other sigma differs (by 4e-5 with sigma 0 for these test weights)
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(expected)).isZero();
    }

    @Test
    void tooSmallAnImageIsAClearError(@TempDir Path dir) throws IOException {
        CliTestSupport.Run r = run("estimate-noise", "--input", flatWithNoise(dir, 20, 5));
        assertThat(r.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("usrnet: error: image 20×20 is too small to measure its noise: 8×8 patches "
                + "of 3 channels need at least 35×35 pixels" + System.lineSeparator());
    }

    @Test
    void sigmaMustBeANumberOrAuto(@TempDir Path dir) throws IOException {
        CliTestSupport.Run r = run("restore", "--input", flatWithNoise(dir, 40, 1), "--kernel",
                CliTestSupport.KERNELS_12 + ":kernels:1", "--scale", 2, "--sigma", "high", "--output",
                dir.resolve("o.png"));
        assertThat(r.exitCode()).isEqualTo(UsrnetCli.EXIT_USAGE);
        assertThat(r.err()).contains("Invalid value for option '--sigma': 'high' is neither a number (in [0, 255] "
                + "units) nor 'auto'");
    }
}
