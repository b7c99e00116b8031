package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.DATA;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.weights.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    private static final Object[] TINY = {"--widths", "8,8,16,16", "--blocks", 1, "--iterations", 2, "--hyper-width", 8,
        "--patch", 24, "--batch", 2, "--kernel-size", 9, "--validation-images", 2, "--validation-patch", 24,
        "--max-images", 8, "--hyper-fit-steps", 10, "--denoiser-steps", 2, "--checkpoint-every", 2, "--log-every", 1};

    @Test
    void trainsThenResumesWithMoreSteps(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Object[] args = concat(new Object[] {"train", "--out", out, "--data", DATA.resolve("train"), "--steps", 2},
                TINY);
        CliTestSupport.Run first = run(args);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().trim()).isEqualTo(out.resolve("model.safetensors").toString());
        assertThat(ModelWeights.read(out.resolve("model.safetensors")).stateDict().metadata()).containsEntry("step", "4");

        CliTestSupport.Run more = run("train", "--out", out, "--resume", "--steps", 3);
        assertThat(more.exitCode()).as(more.err()).isZero();
        assertThat(ModelWeights.read(out.resolve("model.safetensors")).stateDict().metadata()).containsEntry("step", "5");
        assertThat(Files.readString(out.resolve("train.log"))).contains("resume at step 4");

        CliTestSupport.Run bad = run("train", "--out", out, "--resume", "--seed", 3);
        assertThat(bad.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(bad.err()).contains("with --resume only --steps");
        CliTestSupport.Run again = run(args);
        assertThat(again.exitCode()).isEqualTo(UsrnetCli.EXIT_FAILURE);
        assertThat(again.err()).contains("already holds a training run");
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] all = new Object[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
