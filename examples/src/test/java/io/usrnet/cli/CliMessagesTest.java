package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the commands say besides errors: the missing output folder, what was written, the σ warning. */
class CliMessagesTest extends WithSmallInputs {
    @Test
    void aMissingOutputFolderIsNamedWhateverTheExtension() throws IOException {
        Path missing = dir.resolve("no-such-dir");
        for (String name : new String[] {"out.png", "out.npy", "out.xyz"}) {
            Path out = missing.resolve(name);
            CliTestSupport.Run[] runs = {
                run("solve", "--input", y, "--kernel", k, "--scale", 2, "--alpha", 0.1, "--output", out),
                run("degrade", "--input", y, "--kernel", k, "--scale", 2, "--sigma", 0, "--output", out),
                run("restore", "--input", y, "--kernel", k, "--scale", 2, "--sigma", 0, "--output", out)};
            for (CliTestSupport.Run r : runs) {
                assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
                assertThat(r.err()).contains(missing.toString()).contains("output directory does not exist")
                        .doesNotContain("extension");
            }
        }
        // a file where the folder should be
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        CliTestSupport.Run r = run("solve", "--input", y, "--kernel", k, "--scale", 2, "--alpha", 0.1,
                "--output", file.resolve("out.png"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(file.toString()).contains("not a directory");
    }

    @Test
    void solveAndDegradeSayWhatTheyWroteUnlessQuiet() throws IOException {
        Path lr = dir.resolve("lr.png");
        CliTestSupport.Run r = run("degrade", "--input", y, "--kernel", k, "--scale", 2, "--sigma", 0, "--output", lr);
        assertThat(r.exitCode()).as(r.err()).isZero();
        // one line: which file, its size, colour and format
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("wrote", lr.toString(), "3×4", "RGB", "8-bit PNG");
        assertThat(ImageFiles.read(lr).color().shape()).isEqualTo("3×4×3");

        Path z = dir.resolve("z.npy");
        r = run("solve", "--input", lr, "--kernel", k, "--scale", 2, "--alpha", 0.1, "--output", z);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains("wrote", z.toString(), "6×8", "RGB", "float32 .npy");

        for (String quiet : new String[] {"-q", "--quiet"}) {
            assertThat(run("degrade", "--input", y, "--kernel", k, "--scale", 2, "--sigma", 0, "--output", lr, quiet)
                    .err()).isEmpty();
            assertThat(run("solve", "--input", lr, "--kernel", k, "--scale", 2, "--alpha", 0.1, "--output", z, quiet)
                    .err()).isEmpty();
        }
    }

    @Test
    void sigmaAboveTheBuiltInModelsTrainingRangeIsWarnedAbout() throws IOException {
        Path out = dir.resolve("sr.png");
        CliTestSupport.Run r = run("restore", "--input", y, "--kernel", k, "--scale", 1, "--sigma", 60,
                "--iterations", 1, "--output", out, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().lines()).singleElement().asString().startsWith("usrnet: warning: ")
                .contains("sigma 60").contains("built-in model").contains("0 to 25");
        assertThat(out).exists();

        // at the top of the range, or with other weights (no known range): nothing; checked up to the
        // first error, which comes after the warning would have been given
        Path none = dir.resolve("none.png");
        assertThat(run("restore", "--input", none, "--kernel", k, "--scale", 1, "--sigma", 25, "--output", out)
                .err()).doesNotContain("warning");
        Path weights = dir.resolve("tiny.safetensors");
        ModelWeights.random(ModelConfig.usrnetTiny(), 1).writeSafeTensors(weights);
        assertThat(run("restore", "--input", none, "--kernel", k, "--scale", 1, "--sigma", 60, "--weights", weights,
                "--output", out).err()).doesNotContain("warning");
        assertThat(run("restore", "--input", none, "--kernel", k, "--scale", 1, "--sigma", 25.5, "--output", out)
                .err()).contains("usrnet: warning: sigma 25.5 ");

        // eval warns for its largest noise level when it runs the usrnet method with the built-in model
        // (before it finds that the folder holds no image)
        Files.createDirectories(dir.resolve("no-images"));
        CliTestSupport.Run e = run("eval", "--images", dir.resolve("no-images"), "--kernels", k, "--scales", 2,
                "--sigmas", "0,40", "--methods", "usrnet", "--out", dir.resolve("eval"));
        assertThat(e.err()).contains("usrnet: warning: sigma 40 ");
        e = run("eval", "--images", dir.resolve("no-images"), "--kernels", k, "--scales", 2,
                "--sigmas", "0,40", "--methods", "nearest", "--out", dir.resolve("eval"));
        assertThat(e.err()).doesNotContain("warning");
    }
}
