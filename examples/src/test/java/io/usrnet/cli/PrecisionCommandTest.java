package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.io.NpyArray;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionCommandTest {
    @Test
    void bf16IsTheLibrarysBf16OrFp32WithAWarning(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case02"); // 56×72 RGB, s = 1, sigma 2.55
        Path weights = FIXTURES.resolve("weights/tiny.pth");
        Path out = dir.resolve("out.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 1, "--sigma", 2.55, "--precision", "BF16", "--weights", weights, "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        Image lr = NpyArray.read(c.resolve("lr.npy")).toImage();
        Degradation d = Degradation.of(KernelFiles.read(c.resolve("k.npy")), 1, 2.55);
        try (Restorer bf16 = Restorer.builder().weights(weights).precision(Precision.BF16).build();
                Restorer fp32 = Restorer.builder().weights(weights).build()) {
            Image got = NpyArray.read(out).toImage();
            assertThat(got.maxAbsDifference(bf16.restore(lr, d))).isZero();
            double fromFp32 = got.maxAbsDifference(fp32.restore(lr, d));
            if (Precision.BF16.isSupported()) {
                assertThat(bf16.precision()).isEqualTo(Precision.BF16);
                assertThat(r.err()).doesNotContain("warning");
                // bfloat16 rounding shows, but stays a few grey levels at most
                assertThat(fromFp32).isGreaterThan(1e-4).isLessThan(5.0 / 255);
            } else {
                assertThat(bf16.precision()).isEqualTo(Precision.FP32);
                assertThat(r.err()).contains("usrnet: warning: --precision bf16 is not supported here", "running fp32");
                assertThat(fromFp32).isZero();
            }
        }
    }

    @Test
    void unknownPrecisionIsAnError(@TempDir Path dir) {
        Path c = FIXTURES.resolve("usrnet/case02");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 1, "--sigma", 2.55, "--precision", "fp16", "--output", dir.resolve("o.npy"));
        assertThat(r.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(r.err()).isEqualTo("usrnet: error: --precision must be fp32 or bf16, got 'fp16'"
                + System.lineSeparator());
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }
}
