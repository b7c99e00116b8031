package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Boundary;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --boundary periodic|smooth} of solve and restore. */
class BoundaryOptionTest {
    private static final Path CASE = FIXTURES.resolve("data_module/case01"); // y 25×33, s = 2

    private static Image solve(Path dir, String name, String... boundary) throws IOException {
        Path out = dir.resolve(name);
        Object[] base = {"solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"), "--scale", 2,
            "--alpha", 0.1, "--output", out};
        Object[] args = new Object[base.length + boundary.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(boundary, 0, args, base.length, boundary.length);
        CliTestSupport.Run r = run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return NpyArray.read(out).toImage();
    }

    @Test
    void solveDefaultsToPeriodicAndMatchesTheLibrary(@TempDir Path dir) throws IOException {
        Image byDefault = solve(dir, "d.npy");
        Image smooth = solve(dir, "s.npy", "--boundary", "smooth");
        Image periodic = solve(dir, "p.npy", "--boundary", "PERIODIC");
        assertThat(byDefault).isEqualTo(periodic);
        assertThat(smooth.height()).isEqualTo(50);
        assertThat(smooth.width()).isEqualTo(66);
        Image y = NpyArray.read(CASE.resolve("y.npy")).toImage();
        Kernel k = KernelFiles.read(CASE.resolve("k.npy"));
        Degradation d = Degradation.of(k, 2, 0);
        Degradation dSmooth = d.toBuilder().boundary(Boundary.SMOOTH).build();
        assertThat(smooth.maxAbsDifference(DataStep.solve(dSmooth, y, null, 0.1))).isLessThan(1e-6);
        assertThat(periodic.maxAbsDifference(DataStep.solve(d, y, null, 0.1))).isLessThan(1e-6);
        assertThat(smooth.maxAbsDifference(periodic)).isGreaterThan(1e-3);
    }

    @Test
    void unknownBoundaryIsAClearError(@TempDir Path dir) {
        for (String cmd : new String[] {"solve", "restore"}) {
            Path out = dir.resolve(cmd + ".npy");
            CliTestSupport.Run r = "solve".equals(cmd)
                    ? run("solve", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"), "--scale", 2,
                            "--alpha", 0.1, "--output", out, "--boundary", "mirror")
                    : run("restore", "--input", CASE.resolve("y.npy"), "--kernel", CASE.resolve("k.npy"), "--scale", 2,
                            "--sigma", 0, "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", out,
                            "--boundary", "mirror");
            assertThat(r.exitCode()).as(cmd).isEqualTo(1);
            assertThat(r.err()).as(cmd).contains("--boundary must be periodic or smooth, got 'mirror'");
            assertThat(out).doesNotExist();
        }
    }

    @Test
    void restoreWithSmoothBoundaryKeepsTheSize(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case00");
        Path out = dir.resolve("o.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 4, "--sigma", 0, "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", out,
                "--iterations", 1, "--boundary", "smooth", "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Image lr = NpyArray.read(c.resolve("lr.npy")).toImage();
        Image hr = NpyArray.read(out).toImage();
        assertThat(hr.height()).isEqualTo(4 * lr.height());
        assertThat(hr.width()).isEqualTo(4 * lr.width());
    }
}
