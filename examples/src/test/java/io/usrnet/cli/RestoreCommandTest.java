package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.FIXTURES;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.MemoryModel;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.io.NpyArray;
import io.usrnet.prior.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestoreCommandTest {

    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "case00, tiny.pth, 4, 0",
        "case01, tiny.safetensors, 3, 7.65",
        "case02, tiny.pth, 1, 2.55",
        "case03, tiny.safetensors, 2, 0",
        "case04, odd.pth, 2, 15",
        "case04, odd.safetensors, 2, 15"})
    void restoresFixturesToFloatPrecision(String name, String weights, int sf, double sigma, @TempDir Path dir)
            throws IOException {
        Path c = FIXTURES.resolve("usrnet").resolve(name);
        Path out = dir.resolve("out.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"),
                "--kernel", c.resolve("k.npy"), "--scale", sf, "--sigma", sigma, "--weights", FIXTURES.resolve("weights").resolve(weights),
                "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("iteration 1/").contains("wrote");
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(NpyArray.read(c.resolve("out64.npy")).toImage()))
                .isLessThanOrEqualTo(1e-5);
    }

    @Test
    void withoutWeightsTheBuiltInModelRestores(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case01");
        Path out = dir.resolve("out.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 3, "--sigma", 7.65, "--output", out, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        Image expected;
        try (Restorer restorer = Restorer.builder().weights(ModelWeights.builtIn()).build()) {
            Degradation d = Degradation.of(KernelFiles.read(c.resolve("k.npy")), 3, 7.65);
            expected = restorer.restore(NpyArray.read(c.resolve("lr.npy")).toImage(), d);
        }
        assertThat(NpyArray.read(out).toImage().maxAbsDifference(expected)).isZero();
    }

    @Test
    void batchModeRestoresEveryImageOnce(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path c = FIXTURES.resolve("usrnet/case00");
        Files.copy(c.resolve("lr.npy"), in.resolve("a.npy"));
        Files.copy(c.resolve("lr.npy"), in.resolve("b.npy"));
        Files.writeString(in.resolve("notes.txt"), "not an image");
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", c.resolve("k.npy"),
                "--scale", 4, "--sigma", 0, "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", out,
                "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        for (String f : new String[] {"a.npy", "b.npy"}) {
            assertThat(NpyArray.read(out.resolve(f)).toImage().maxAbsDifference(NpyArray.read(c.resolve("out64.npy")).toImage())).isLessThanOrEqualTo(1e-5);
        }
        assertThat(out.resolve("notes.txt")).doesNotExist();

        r = run("restore", "--input", in, "--kernel", c.resolve("k.npy"), "--scale", 4, "--sigma", 0,
                "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", out, "--format", "png", "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(out.resolve("a.png")).exists();
    }

    @Test
    void missingWeightsFileIsAClearError(@TempDir Path dir) {
        Path c = FIXTURES.resolve("usrnet/case00");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 4, "--sigma", 0, "--weights", dir.resolve("none.pth"), "--output", dir.resolve("o.npy"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("none.pth").doesNotContain("\tat ");
        assertThat(dir.resolve("o.npy")).doesNotExist();
    }

    @Test
    void batchIntoAMissingDirectoryFails(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Path c = FIXTURES.resolve("usrnet/case00");
        Files.copy(c.resolve("lr.npy"), in.resolve("a.npy"));
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", dir.resolve("nope"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("does not exist");
    }

    @Test
    void batchOutputsAreBitIdenticalToOneByOneRuns(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path one = Files.createDirectory(dir.resolve("one"));
        Path k = FIXTURES.resolve("usrnet/case00/k.npy");
        Path weights = FIXTURES.resolve("weights/tiny.safetensors");
        String[] cases = {"case00", "case01", "case02", "case03", "case04"};
        for (int i = 0; i < cases.length; i++) {
            Files.copy(FIXTURES.resolve("usrnet").resolve(cases[i]).resolve("lr.npy"), in.resolve(i + cases[i] + ".npy"));
        }
        // png written from npy input: exercises the encoder on the background thread too
        for (String format : new String[] {"npy", "png"}) {
            CliTestSupport.Run r = run("restore", "--input", in, "--kernel", k, "--scale", 2, "--sigma", 2.55,
                    "--weights", weights, "--output", out, "--format", format);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.err()).contains("[5/5]").contains("wrote");
            for (int i = 0; i < cases.length; i++) {
                String name = i + cases[i];
                Path single = one.resolve(name + "." + format);
                r = run("restore", "--input", in.resolve(name + ".npy"), "--kernel", k, "--scale", 2, "--sigma", 2.55,
                        "--weights", weights, "--output", single, "-q");
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(Files.readAllBytes(out.resolve(name + "." + format))).as(name + "." + format)
                        .isEqualTo(Files.readAllBytes(single));
            }
        }
    }

    @Test
    void batchSkipsFailedImagesAndGoesOn(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case00");
        Path in = Files.createDirectory(dir.resolve("in"));
        for (String name : new String[] {"a.npy", "c.npy", "d.npy"}) {
            Files.copy(c.resolve("lr.npy"), in.resolve(name));
        }
        Files.write(in.resolve("b.png"), new byte[] {1, 2, 3}); // unreadable
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.createDirectory(out.resolve("c.npy")); // unwritable: the output is a directory
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", FIXTURES.resolve("weights/tiny.safetensors"), "--output", out, "-q");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("(skipped b.png)").contains("(skipped c.npy)")
                .contains("2 of 4 images failed").doesNotContain("\tat ");
        assertThat(out.resolve("a.npy")).exists();
        assertThat(out.resolve("d.npy")).exists();
        assertThat(out.resolve("b.png")).doesNotExist();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.npy", "c.npy", "d.npy");
        }
    }

    @Test
    void maxMemoryChoosesTheTilingOrRefuses(@TempDir Path dir) throws IOException {
        Path c = FIXTURES.resolve("usrnet/case00");
        Path weights = FIXTURES.resolve("weights/tiny.safetensors");
        Path whole = dir.resolve("whole.npy");
        Path budget = dir.resolve("budget.npy");
        CliTestSupport.Run r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"),
                "--scale", 4, "--sigma", 0, "--weights", weights, "--output", whole, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", weights, "--output", budget, "--max-memory", "4g");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("prior on the whole image (chosen for --max-memory 4.00 GB)");
        assertThat(Files.readAllBytes(budget)).isEqualTo(Files.readAllBytes(whole));

        Path none = dir.resolve("none.npy");
        r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", weights, "--output", none, "--max-memory", "100m");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("a memory budget of 100 MB is too small").contains("estimated");
        assertThat(none).doesNotExist();

        r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", weights, "--output", none, "--max-memory", "1g", "--tile", "256");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--tile and --max-memory are alternatives");
        r = run("restore", "--input", c.resolve("lr.npy"), "--kernel", c.resolve("k.npy"), "--scale", 4,
                "--sigma", 0, "--weights", weights, "--output", none, "--max-memory", "lots");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--max-memory: not a memory size: 'lots'");
        assertThat(none).doesNotExist();
    }

    @Test
    void batchUnderABudgetOverlapsReadingAndWritingWhereItLeavesRoom(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Path k = FIXTURES.resolve("usrnet/case00/k.npy");
        Path weights = FIXTURES.resolve("weights/tiny.safetensors");
        String[] cases = {"case00", "case01", "case02"};
        int[] lrSize = null; // the largest input's
        for (String c : cases) {
            Image lr = ImageFiles.readImage(FIXTURES.resolve("usrnet").resolve(c).resolve("lr.npy"));
            ImageFiles.write(in.resolve(c + ".png"), lr);
            assertThat(ImageFiles.headerSize(in.resolve(c + ".png"))).containsExactly(lr.height(), lr.width());
            if (lrSize == null || (long) lr.height() * lr.width() > (long) lrSize[0] * lrSize[1]) {
                lrSize = new int[] {lr.height(), lr.width()};
            }
        }
        Path one = Files.createDirectory(dir.resolve("one"));
        for (String c : cases) {
            CliTestSupport.Run r = run("restore", "--input", in.resolve(c + ".png"), "--kernel", k, "--scale", 4,
                    "--sigma", 0, "--weights", weights, "--output", one.resolve(c + ".png"), "-q");
            assertThat(r.exitCode()).as(r.err()).isZero();
        }
        // room to spare: overlapped, and the same files as one by one
        Path out = Files.createDirectory(dir.resolve("out"));
        CliTestSupport.Run r = run("restore", "--input", in, "--kernel", k, "--scale", 4, "--sigma", 0, "--weights",
                weights, "--output", out, "--max-memory", "4g");
        assertThat(r.exitCode()).as(r.err()).isZero();
        long reserve = 32L * lrSize[0] * lrSize[1] * (1 + 16);
        assertThat(r.err()).contains("reading and writing overlapped with the restores ("
                + MemoryModel.formatBytes(reserve) + " of the budget kept for the images in flight)");
        for (String c : cases) {
            assertThat(Files.readAllBytes(out.resolve(c + ".png"))).as(c).isEqualTo(Files.readAllBytes(one.resolve(c + ".png")));
        }
        // enough for one image at a time, not for the images in flight beside it
        MemoryModel model = MemoryModel.of(ModelWeights.read(weights).config());
        long smallest = model.peakBytes(lrSize[0], lrSize[1], 4, Tiling.MIN_TILE);
        Path tight = Files.createDirectory(dir.resolve("tight"));
        r = run("restore", "--input", in, "--kernel", k, "--scale", 4, "--sigma", 0, "--weights", weights,
                "--output", tight, "--max-memory", Long.toString(smallest + reserve / 2));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("images read and written one at a time (the budget leaves no room for "
                + MemoryModel.formatBytes(reserve) + " of images in flight)");
        assertThat(tight.resolve("case02.png")).exists();
        // .npy sizes come from their header too
        Files.copy(FIXTURES.resolve("usrnet/case03/lr.npy"), in.resolve("case03.npy"));
        Path npy = Files.createDirectory(dir.resolve("npy"));
        r = run("restore", "--input", in, "--kernel", k, "--scale", 4, "--sigma", 0, "--weights", weights,
                "--output", npy, "--max-memory", "4g");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("reading and writing overlapped with the restores");
        // a file whose header cannot be read: its size is unknown, so one at a time (and it fails alone)
        Files.writeString(in.resolve("case09.png"), "not a picture");
        Path unknown = Files.createDirectory(dir.resolve("unknown"));
        r = run("restore", "--input", in, "--kernel", k, "--scale", 4, "--sigma", 0, "--weights", weights,
                "--output", unknown, "--max-memory", "4g");
        assertThat(r.err()).contains("images read and written one at a time (case09.png: size unknown before it is read)");
        assertThat(r.exitCode()).isNotZero();
        assertThat(unknown.resolve("case03.npy")).exists();
    }
}
