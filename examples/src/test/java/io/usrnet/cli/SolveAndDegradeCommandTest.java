package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.KERNELS_12;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.data.Image;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SolveAndDegradeCommandTest {

    @Test
    void solveMatchesTheFloat64ReferenceOnAFixture(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("data_module/case01"); // s = 2, alpha = 0.1 (manifest)
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = run("solve", "--input", c.resolve("y.npy"),
                "--kernel", c.resolve("k.npy"), "--scale", 2, "--alpha", 0.1, "--estimate", c.resolve("x.npy"), "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(NpyArray.read(c.resolve("z64.npy")).toImage()))
                .isLessThan(1e-5);
    }

    @Test
    void solveWithoutEstimateUsesNearestNeighbourUpsampling(@TempDir Path dir) throws IOException {
        // With a delta kernel and s = 1 the step is (y + alpha x) / (1 + alpha) and x = y, so z = y.
        Path c = FIXTURES.resolve("data_module/case00");
        Path k = dir.resolve("delta.txt");
        Files.writeString(k, "1\n");
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = run("solve", "--input", c.resolve("y.npy"), "--kernel", k, "--scale", 1,
                "--alpha", 0.3, "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(NpyArray.read(c.resolve("y.npy")).toImage()))
                .isLessThan(1e-6);
    }

    @Test
    void degradeTable1ReproducesTheReferenceLrBitForBit(@TempDir Path dir) throws IOException {
        for (Map.Entry<String, Integer> e : Map.of("case00", 4, "case01", 3, "case02", 2).entrySet()) {
            Path c = FIXTURES.resolve("degrade").resolve(e.getKey());
            Path out = dir.resolve(e.getKey() + ".png");
            CliTestSupport.Run r = run("degrade", "--input", c.resolve("hr.png"), "--kernel", c.resolve("k.npy"),
                    "--scale", e.getValue(), "--sigma", 0, "--protocol", "table1", "--output", out);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(pixels(out)).as(e.getKey()).isEqualTo(pixels(c.resolve("lr.png")));
        }
    }

    @Test
    void degradeInFloatMatchesTheReferenceBlur(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("degrade/case01");
        Path out = dir.resolve("lr.npy");
        CliTestSupport.Run r = run("degrade", "--input", c.resolve("hr.png"), "--kernel", c.resolve("k.npy"),
                "--scale", 3, "--sigma", 0, "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(NpyArray.read(c.resolve("lr_float.npy")).toImage()))
                .isLessThan(1e-6);
    }

    @Test
    void degradeNoiseIsSeededAndHasTheRequestedLevel(@TempDir Path dir) throws IOException {
        Path hr = FIXTURES.resolve("degrade/case02/hr.png");
        String k = KERNELS_12 + ":kernels:1";
        Path clean = dir.resolve("clean.npy");
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        assertThat(run("degrade", "--input", hr, "--kernel", k, "--scale", 2, "--sigma", 0, "--output", clean)
                .exitCode()).isZero();
        assertThat(run("degrade", "--input", hr, "--kernel", k, "--scale", 2, "--sigma", 25.5, "--seed", 7,
                "--output", a).exitCode()).isZero();
        assertThat(run("degrade", "--input", hr, "--kernel", k, "--scale", 2, "--sigma", 25.5, "--seed", 7,
                "--output", b).exitCode()).isZero();
        float[] n0 = NpyArray.read(clean).toFloats();
        float[] na = NpyArray.read(a).toFloats();
        assertThat(na).isEqualTo(NpyArray.read(b).toFloats());
        double ss = 0;
        for (int i = 0; i < n0.length; i++) {
            ss += (na[i] - n0[i]) * (double) (na[i] - n0[i]);
        }
        assertThat(Math.sqrt(ss / n0.length)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(0.002));
    }


    static int[] pixels(Path png) throws IOException {
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }
}
