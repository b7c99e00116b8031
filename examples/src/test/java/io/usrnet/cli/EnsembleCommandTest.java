package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnsembleCommandTest {
    @Test
    void restoreWithEnsembleEightIsTheLibrarysEnsemble(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case02"); // 56×72 RGB, s = 1, sigma 2.55
        Path weights = FIXTURES.resolve("weights/tiny.pth");
        Path out = dir.resolve("out.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 1, "--sigma", 2.55, "--ensemble", 8, "--weights", weights, "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("iteration 48/48");
        Image lr = NpyArray.read(c.resolve("lr.npy")).toImage();
        Degradation d = Degradation.of(KernelFiles.read(c.resolve("k.npy")), 1, 2.55);
        try (Restorer restorer = Restorer.builder().weights(weights).build()) {
            Image expected = restorer.restore(lr, d, RestoreOptions.builder().ensemble(8).build());
            assertThat(NpyArray.read(out).toImage().maxAbsDifference(expected)).isZero();
            // and it is not the single restoration
            assertThat(restorer.restore(lr, d).maxAbsDifference(expected)).isGreaterThan(1e-4);
        }
    }

    @Test
    void onlyOneAndEightAreEnsembles(@TempDir Path dir) {
        Path c = FIXTURES.resolve("usrnet/case02");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 1, "--sigma", 2.55, "--ensemble", 4, "--output", dir.resolve("o.npy"));
        assertThat(r.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("usrnet: error: --ensemble must be 1 (off) or 8 (all flips and rotations), got 4"
                + System.lineSeparator());
    }
}
