package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.KERNELS_12;
import static io.usrnet.cli.CliTestSupport.TIFF;
import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.Compression;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.core.io.TiffStack;
import io.usrnet.core.io.TiffStackWriter;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

/**
 * Issue 16: restore, degrade and solve take multi-page TIFFs (stacks, ImageJ hyperstacks) page by
 * page into a TIFF stack of the same sample type and dimensions, with one kernel per hyperstack
 * channel when the kernel file holds one per channel.
 *
 * <p>Restores run the built-in model (2 iterations): the fixtures' random {@code tiny} weights give
 * values below 0 on these pages, which a 16-bit output clamps to 0 everywhere, so that any two
 * restorations would compare equal.
 */
@ExtendWith(OneEngineThread.class)
class StackCommandsTest {
    private static final String KERNEL = KERNELS_12 + ":kernels:1";
    private static final PixelSize HALF_MICRON = new PixelSize(0.5, 0.5, "µm");
    private static final double ONE_GREY_LEVEL = 1 / 65535.0 + 1e-7;

    @TempDir
    Path dir;

    /** The 40×30 pages of tifffile's 3-slice 16-bit stack, as [0, 1] floats. */
    private static List<Image> pages() throws IOException {
        NpyArray npy = NpyArray.read(TIFF.resolve("tf-u16-imagej-stack.npy"));
        float[] all = npy.toFloats();
        List<Image> pages = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            float[] v = new float[30 * 40];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (all[p * v.length + i] / 65535.0);
            }
            pages.add(Image.wrap(1, 30, 40, v));
        }
        return pages;
    }

    private Path stack(String name, List<Image> pages, int channels, int slices, Compression compression)
            throws IOException {
        Path file = dir.resolve(name);
        try (TiffStackWriter out = TiffStackWriter.builder(file, 40, 30, SampleFormat.UINT16)
                .hyperstack(channels, slices, 1).pixelSize(HALF_MICRON).compression(compression).open()) {
            for (Image page : pages) {
                out.write(page);
            }
        }
        return file;
    }

    private CliTestSupport.Run restore(Path in, String kernel, Path out, Object... extra) {
        Object[] base = {"restore", "--input", in, "--kernel", kernel, "--scale", 2, "--sigma", 2.55,
            "--iterations", 2, "--output", out};
        Object[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    private static Restorer restorer() throws IOException {
        return Restorer.builder().weights(ModelWeights.builtIn()).build();
    }

    /** What the library gives for one page read as the CLI reads a single 16-bit TIFF. */
    private Image libraryRestore(Restorer restorer, Image page, Kernel kernel) throws IOException {
        Path single = dir.resolve("page.tif");
        ImageFiles.write(single, new ImageData(page, null, SampleFormat.UINT16, HALF_MICRON));
        Degradation d = Degradation.builder().kernel(Restorer.kernelFor(kernel)).scale(2).sigma(2.55)
                .boundary(Boundary.PERIODIC).build();
        Image hr = restorer.restore(ImageFiles.read(single).color(), d, RestoreOptions.builder().iterations(2).build());
        float[] v = hr.toArray();
        long inRange = 0;
        for (float x : v) {
            inRange += SampleFormat.UINT16.quantize(x) > 0 && SampleFormat.UINT16.quantize(x) < 65535 ? 1 : 0;
        }
        assertThat(inRange).as("samples a 16-bit file holds unclamped").isGreaterThan(v.length / 2);
        return hr;
    }

    private static double maxDifferenceAsWritten(Image written, Image computed) {
        float[] w = written.toArray();
        float[] c = computed.toArray();
        double max = 0;
        for (int i = 0; i < w.length; i++) {
            max = Math.max(max, Math.abs(w[i] - SampleFormat.UINT16.quantize(c[i]) / 65535.0));
        }
        return max;
    }

    @Test
    void restoresA16BitStackPageByPageAsTheLibraryRestoresEachPage() throws IOException {
        List<Image> pages = pages();
        Path in = stack("in.tif", pages, 1, 3, Compression.DEFLATE);
        Path out = dir.resolve("out.tif");
        CliTestSupport.Run r = restore(in, KERNEL, out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("in.tif page 1/3: iteration 2/2", "in.tif page 3/3: done",
                "in.tif: wrote " + out + " (3 pages (3 slices) of 80×60 grey, 16-bit TIFF, pixel 0.25 µm");
        try (TiffStack sr = TiffStack.open(out); Restorer restorer = restorer()) {
            assertThat(sr.pages()).isEqualTo(3);
            assertThat(new int[] {sr.channels(), sr.slices(), sr.frames()}).containsExactly(1, 3, 1);
            assertThat(new int[] {sr.width(), sr.height()}).containsExactly(80, 60);
            assertThat(sr.format()).isEqualTo(SampleFormat.UINT16);
            assertThat(sr.pixelSize()).isEqualTo(new PixelSize(0.25, 0.25, "µm"));
            Kernel k = KernelFiles.read(KERNEL);
            for (int p = 0; p < 3; p++) {
                Image expected = libraryRestore(restorer, pages.get(p), k);
                assertThat(maxDifferenceAsWritten(sr.read(p).color(), expected)).as("page %d", p)
                        .isLessThanOrEqualTo(ONE_GREY_LEVEL);
            }
        }
        assertThat(leftovers()).isEmpty();
        r = restore(in, KERNEL, dir.resolve("quiet.tif"), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aTwoChannelHyperstackTakesKernelCOnChannelC() throws IOException {
        List<Image> pages = pages();
        List<Image> four = List.of(pages.get(0), pages.get(1), pages.get(2), pages.get(0));
        Path in = stack("hyper.tif", four, 2, 2, Compression.NONE);
        Kernel[] kernels = {KernelFiles.read(KERNELS_12 + ":kernels:1"), KernelFiles.read(KERNELS_12 + ":kernels:12")};
        Path mat = twoKernels(kernels);
        Path out = dir.resolve("out.tif");
        CliTestSupport.Run r = restore(in, mat.toString(), out, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (TiffStack sr = TiffStack.open(out); Restorer restorer = restorer()) {
            assertThat(new int[] {sr.channels(), sr.slices(), sr.frames()}).containsExactly(2, 2, 1);
            for (int p = 0; p < 4; p++) {
                Image page = sr.read(p).color();
                int c = p % 2;
                assertThat(maxDifferenceAsWritten(page, libraryRestore(restorer, four.get(p), kernels[c])))
                        .as("page %d with kernel %d", p, c).isLessThanOrEqualTo(ONE_GREY_LEVEL);
                assertThat(maxDifferenceAsWritten(page, libraryRestore(restorer, four.get(p), kernels[1 - c])))
                        .as("page %d with the other kernel", p).isGreaterThan(100 / 65535.0);
            }
        }

        // two kernels for a stack of one channel, or for a single image: a clear error, no output
        Path plain = stack("plain.tif", pages, 1, 3, Compression.DEFLATE);
        r = restore(plain, mat.toString(), dir.resolve("x.tif"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("usrnet: error: --kernel " + mat + " holds 2 kernels, one per channel, but "
                + "plain.tif has 1 channel; give one kernel for all pages, or exactly one per channel");
        Path single = dir.resolve("single.tif");
        ImageFiles.write(single, new ImageData(pages.get(0), null, SampleFormat.UINT16));
        r = restore(single, mat.toString(), dir.resolve("x.tif"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("holds 2 kernels; choose one with");
        r = run("solve", "--input", plain, "--kernel", mat, "--scale", 2, "--alpha", 0.01, "--output",
                dir.resolve("x.tif"));
        assertThat(r.err()).contains("holds 2 kernels, one per channel, but plain.tif has 1 channel");
        assertThat(dir.resolve("x.tif")).doesNotExist();
    }

    /** A MATLAB file with one variable: the kernels as a kh×kw×n array. */
    private Path twoKernels(Kernel[] kernels) throws IOException {
        Kernel k0 = kernels[0];
        Matrix m = Mat5.newMatrix(new int[] {k0.height(), k0.width(), kernels.length});
        for (int s = 0; s < kernels.length; s++) {
            for (int y = 0; y < k0.height(); y++) {
                for (int x = 0; x < k0.width(); x++) {
                    m.setDouble(new int[] {y, x, s}, kernels[s].get(y, x));
                }
            }
        }
        Path file = dir.resolve("two.mat");
        MatFile mat = Mat5.newMatFile();
        mat.addArray("ks", m);
        Mat5.writeToFile(mat, file.toFile());
        assertThat(KernelFiles.readAll(file.toString())).containsExactly(kernels);
        return file;
    }

    @Test
    void degradeAndSolveAStackPageByPage() throws IOException {
        List<Image> pages = pages();
        Path in = stack("hr.tif", pages, 1, 3, Compression.DEFLATE);
        Path lr = dir.resolve("lr.tif");
        CliTestSupport.Run r = run("degrade", "--input", in, "--kernel", KERNEL, "--scale", 2, "--sigma", 2.55,
                "--seed", 5, "--output", lr);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("hr.tif page 3/3: done", "hr.tif: wrote " + lr + " (3 pages (3 slices) of 20×15");
        try (TiffStack s = TiffStack.open(lr)) {
            assertThat(s.pages()).isEqualTo(3);
            assertThat(new int[] {s.width(), s.height()}).containsExactly(20, 15);
            assertThat(s.format()).isEqualTo(SampleFormat.UINT16);
            assertThat(s.pixelSize()).isEqualTo(new PixelSize(1, 1, "µm"));
            for (int p = 0; p < 3; p++) {
                // page p is what degrade gives for that page alone with seed 5 + p
                Path single = dir.resolve("hr-page.tif");
                ImageFiles.write(single, new ImageData(pages.get(p), null, SampleFormat.UINT16));
                Path lrPage = dir.resolve("lr-page.tif");
                assertThat(run("degrade", "--input", single, "--kernel", KERNEL, "--scale", 2, "--sigma", 2.55,
                        "--seed", 5 + p, "--output", lrPage, "-q").exitCode()).isZero();
                assertThat(s.read(p).color()).as("page %d", p).isEqualTo(ImageFiles.read(lrPage).color());
            }
        }
        Path z = dir.resolve("z.tif");
        r = run("solve", "--input", lr, "--kernel", KERNEL, "--scale", 2, "--alpha", 0.01, "--output", z, "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        try (TiffStack s = TiffStack.open(z)) {
            assertThat(s.pages()).isEqualTo(3);
            assertThat(new int[] {s.width(), s.height()}).containsExactly(40, 30);
            assertThat(s.format()).isEqualTo(SampleFormat.UINT16);
            assertThat(s.pixelSize()).isEqualTo(HALF_MICRON);
        }
        // with an estimate: a stack of the same dimensions
        r = run("solve", "--input", lr, "--kernel", KERNEL, "--scale", 2, "--alpha", 0.01, "--estimate", in,
                "--output", dir.resolve("z2.tif"), "-q");
        assertThat(r.exitCode()).as(r.err()).isZero();
        r = run("solve", "--input", lr, "--kernel", KERNEL, "--scale", 2, "--alpha", 0.01, "--estimate",
                TIFF.resolve("tf-u16-multipage.tif"), "--output", dir.resolve("z3.tif"));
        assertThat(r.err()).contains("the estimate of a stack is a stack of the same dimensions");
        assertThat(dir.resolve("z3.tif")).doesNotExist();
    }

    @Test
    void aStackIsWrittenAsTiffOnly() throws IOException {
        Path in = stack("in.tif", pages(), 1, 3, Compression.DEFLATE);
        for (String command : new String[] {"restore", "degrade", "solve"}) {
            Path out = dir.resolve("out.png");
            CliTestSupport.Run r = switch (command) {
                case "restore" -> restore(in, KERNEL, out);
                case "degrade" -> run(command, "--input", in, "--kernel", KERNEL, "--scale", 2, "--sigma", 0,
                        "--output", out);
                default -> run(command, "--input", in, "--kernel", KERNEL, "--scale", 2, "--alpha", 0.01,
                        "--output", out);
            };
            assertThat(r.exitCode()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).contains("usrnet: error: --output " + out + ": in.tif is a stack")
                    .contains("name the output .tif or .tiff");
            assertThat(out).doesNotExist();
        }
    }

    /** A page that fails to read (NaN samples in page 3) fails the stack: no output, no temporary file. */
    @Test
    void aFailingPageLeavesNoOutput() throws IOException {
        Path in = dir.resolve("nan.tif");
        List<Image> pages = pages();
        try (TiffStackWriter out = TiffStackWriter.builder(in, 40, 30, SampleFormat.FLOAT32).hyperstack(1, 3, 1)
                .compression(Compression.NONE).open()) {
            for (Image page : pages) {
                out.write(page);
            }
        }
        // uncompressed pages lie back to back from byte 8: put a NaN into page 3
        try (RandomAccessFile f = new RandomAccessFile(in.toFile(), "rw")) {
            f.seek(8 + 2L * 30 * 40 * 4 + 4 * 17);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array());
        }
        Path out = dir.resolve("out.tif");
        CliTestSupport.Run r = restore(in, KERNEL, out);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("nan.tif page 2/3: done").contains("usrnet: error: " + in
                + ": page 3 contains NaN or infinite samples").doesNotContain("wrote");
        assertThat(out).doesNotExist();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aDirectoryWithAStackRestoresItPageByPage() throws IOException {
        Path inDir = Files.createDirectory(dir.resolve("in"));
        Path outDir = Files.createDirectory(dir.resolve("out"));
        Files.copy(TIFF.resolve("tf-u16-imagej-stack.tif"), inDir.resolve("a-stack.tif"));
        Files.copy(TIFF.resolve("tf-u16-imagej.tif"), inDir.resolve("b-single.tif"));
        CliTestSupport.Run r = restore(inDir, KERNEL, outDir);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("[1/2] a-stack.tif page 3/3: done", "[2/2] b-single.tif: wrote");
        try (TiffStack s = TiffStack.open(outDir.resolve("a-stack.tif"))) {
            assertThat(s.pages()).isEqualTo(3);
            assertThat(s.width()).isEqualTo(80);
        }
        assertThat(ImageFiles.read(outDir.resolve("b-single.tif")).color().width()).isEqualTo(80);

        r = restore(inDir, KERNEL, outDir, "--format", "png", "-q");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("a-stack.tif is a stack").contains("(skipped a-stack.tif)")
                .contains("1 of 2 images failed");
        assertThat(outDir.resolve("b-single.png")).exists();
        assertThat(outDir.resolve("a-stack.png")).doesNotExist();
    }

    /** Temporary files left in the test's folder. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
