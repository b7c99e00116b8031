package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input ends in one human line on stderr, a non-zero exit, and no output file. */
class CliErrorsTest {
    private static final Path CASE = FIXTURES.resolve("data_module/case01"); // y 25×33, x 50×66, s = 2

    private static CliTestSupport.Run solve(Path out, Object... extra) {
        Object[] base = {"solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
            "--scale", 2, "--alpha", 0.1, "--output", out};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    private static void assertFailsWith(CliTestSupport.Run r, int code, String message) {
        assertThat(r.exitCode()).isEqualTo(code);
        assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err().strip().lines().count()).isLessThanOrEqualTo(2);
    }

    @Test
    void missingInput(@TempDir Path dir) {
        Path out = dir.resolve("z.npy");
        assertFailsWith(run("solve", "--input", dir.resolve("nope.png"), "--kernel", CASE.resolve("k.npy"),
                "--scale", 2, "--alpha", 0.1, "--output", out), 1, "nope.png");
        assertThat(out).doesNotExist();
    }

    @Test
    void corruptInput(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.png");
        Files.writeString(bad, "not a png at all");
        Path out = dir.resolve("z.npy");
        assertFailsWith(run("solve", "--input", bad, "--kernel", CASE.resolve("k.npy"), "--scale", 2,
                "--alpha", 0.1, "--output", out), 1, "bad.png");
        assertThat(out).doesNotExist();
    }

    @Test
    void badScaleAndAlpha(@TempDir Path dir) {
        Path out = dir.resolve("z.npy");
        assertFailsWith(run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
                "--scale", 0, "--alpha", 0.1, "--output", out), 1, "--scale must be a positive integer");
        assertFailsWith(run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
                "--scale", "2.5", "--alpha", 0.1, "--output", out), 2, "--scale");
        assertFailsWith(run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
                "--scale", 2, "--alpha", 0, "--output", out), 1, "--alpha must be");
        assertFailsWith(run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
                "--scale", 2, "--alpha", "NaN", "--output", out), 1, "--alpha must be");
        assertThat(out).doesNotExist();
    }

    @Test
    void kernelLargerThanImage(@TempDir Path dir) throws IOException {
        Path k = dir.resolve("big.npy");
        NpyArray.writeFloat32(k, new int[] {100, 100}, filled(10000, 1f / 10000));
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", k, "--scale", 2,
                "--alpha", 0.1, "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("kernel").contains("100");
        assertThat(out).doesNotExist();
    }

    @Test
    void zeroSumAndNanKernels(@TempDir Path dir) throws IOException {
        Path zero = dir.resolve("zero.txt");
        Files.writeString(zero, "0 0 0\n0 0 0\n0 0 0\n");
        Path nan = dir.resolve("nan.npy");
        NpyArray.writeFloat32(nan, new int[] {2, 2}, new float[] {0.25f, Float.NaN, 0.25f, 0.25f});
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", zero, "--scale", 2,
                "--alpha", 0.1, "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("zero");
        r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", nan, "--scale", 2, "--alpha", 0.1,
                "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).containsIgnoringCase("nan");
        Path zeroSum = dir.resolve("zero-sum.txt");
        Files.writeString(zeroSum, "0 1 0\n0 -1 0\n0 0 0\n");
        r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", zeroSum, "--scale", 2, "--alpha", 0.1,
                "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("must not sum to zero");
        assertThat(out).doesNotExist();
        Path negativeSum = dir.resolve("negative-sum.txt");
        Files.writeString(negativeSum, "0 -1 0\n0 -1 0\n0 0 0\n");
        r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", negativeSum, "--scale", 2, "--alpha", 0.1,
                "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        // one error line: the kernel's size, its sum and what it must be
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("usrnet: error: ").contains("3×3", "sums to -2", "positive");
        assertThat(out).doesNotExist();
    }

    @Test
    void nanPixels(@TempDir Path dir) throws IOException {
        Path y = dir.resolve("y.npy");
        float[] v = filled(25 * 33 * 3, 0.5f);
        v[17] = Float.NaN;
        NpyArray.writeFloat32(y, new int[] {25, 33, 3}, v);
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = run("solve", "--input", y, "--kernel", CASE.resolve("k.npy"), "--scale", 2,
                "--alpha", 0.1, "--output", out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).containsIgnoringCase("nan");
        assertThat(out).doesNotExist();
    }

    @Test
    void estimateOfTheWrongSize(@TempDir Path dir) {
        Path out = dir.resolve("z.npy");
        CliTestSupport.Run r = solve(out, "--estimate", CASE.resolve("y.npy"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("50").contains("66");
        assertThat(out).doesNotExist();
    }

    @Test
    void unwritableOutputAndExistingOutputKept(@TempDir Path dir) throws IOException {
        CliTestSupport.Run r = solve(dir.resolve("missing-dir/z.npy"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("missing-dir").contains("does not exist");

        Path existing = dir.resolve("keep.npy");
        Files.writeString(existing, "precious");
        r = run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"), "--scale", 2,
                "--alpha", -1, "--output", existing);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(Files.readString(existing)).isEqualTo("precious");
    }

    @Test
    void debugPrintsTheStackTrace(@TempDir Path dir) {
        CliTestSupport.Run r = run("solve", "--debug", "--input", dir.resolve("nope.npy"), "--kernel",
                CASE.resolve("k.npy"), "--scale", 2, "--alpha", 0.1, "--output", dir.resolve("z.npy"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("\tat ");
    }

    @Test
    void helpDescribesEveryVerb() {
        CliTestSupport.Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("solve").contains("degrade");
        r = run("degrade", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--protocol").contains("--seed").contains("--sigma");
    }

    /** The data sets of eval, train and bench boundary are not in the repository: the error says what to pass. */
    @Test
    void missingDataFoldersNameTheOption(@TempDir Path dir) {
        Path nope = dir.resolve("nope");
        Path out = dir.resolve("out");
        assertFailsWith(run("eval", "--images", nope, "--kernels", CliTestSupport.KERNELS_12, "--out", out), 1,
                "--images " + nope + ": folder not found; pass --images DIR, a folder of sharp images");
        assertFailsWith(run("eval", "--images", dir, "--kernels", nope.resolve("k.mat") + ":kernels:3", "--out", out),
                1, "--kernels " + nope.resolve("k.mat") + ":kernels:3: file not found; pass --kernels FILE, e.g. the "
                        + "repository's samples/kernels_12.mat");
        assertFailsWith(run("train", "--out", out, "--data", nope), 1,
                "--data " + nope + ": folder not found; pass --data DIR, a folder of training images");
        assertFailsWith(run("bench", "boundary", nope), 1, "bench boundary " + nope + ": folder not found");
        assertThat(out).doesNotExist();
    }

    /** The timing benchmarks moved to JMH (benchmarks/run): their former names say so; others list the choices. */
    @Test
    void benchNamesWhereTheTimingBenchmarksLiveNow() {
        assertFailsWith(run("bench", "data"), 2,
                "'data' is a JMH benchmark now: benchmarks/run DataStepBenchmark");
        assertFailsWith(run("bench", "prior", "5"), 2, "'prior' is a JMH benchmark now: benchmarks/run PriorBenchmark");
        assertFailsWith(run("bench", "restore"), 2,
                "'restore' is a JMH benchmark now: benchmarks/run RestoreBenchmark");
        assertFailsWith(run("bench", "nope"), 2,
                "expected one of [boundary, calibration, large, leak, memory, noise, startup] but was 'nope'");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void badTileSize(@TempDir Path dir) {
        Path out = dir.resolve("out.png");
        for (int tile : new int[] {32, 100}) {
            CliTestSupport.Run r = run("restore", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"),
                    "--scale", 2, "--sigma", 1, "--weights", FIXTURES.resolve("weights/tiny.safetensors"),
                    "--tile", tile, "--output", out);
            assertFailsWith(r, 1, "--tile");
            assertThat(r.err()).contains("multiple of 8");
        }
        assertThat(out).doesNotExist();
    }
}
