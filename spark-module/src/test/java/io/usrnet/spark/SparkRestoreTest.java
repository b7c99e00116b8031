package io.usrnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Boundary;
import io.usrnet.prior.Precision;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.io.NpyArray;
import io.usrnet.spark.ImageResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job on a local[2] Spark session: six small images and a corrupt one. */
class SparkRestoreTest {
    private static final Kernel KERNEL = Kernels.anisotropicGaussian(7, 1.0, 0.7, 0.4);
    private static JavaSparkContext sc;
    @TempDir
    static Path dir;
    private static Path in;
    private static Path expected;
    private static RestoreJob job;

    @BeforeAll
    static void setUp() throws IOException {
        in = Files.createDirectories(dir.resolve("in"));
        Image butterfly = ImageFiles.readImage(Path.of(System.getProperty("usrnet.samples")).resolve("butterfly.png"));
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Path f = in.resolve("img" + i + ".png");
            ImageFiles.write(f, Degradations.crop(butterfly, 30 * i, 20 * i, 24, 28));
            images.add(f);
        }
        Files.writeString(in.resolve("corrupt.png"), "not a picture");
        Path kernel = dir.resolve("k.npy");
        NpyArray.writeKernel(kernel, KERNEL);
        Path weights = Path.of(System.getProperty("usrnet.testdata")).resolve("fixtures/weights/tiny.pth");
        job = new RestoreJob(kernel.toString(), 2, 2.0, Boundary.PERIODIC, weights.toString(), 0, 0, 1, null, false);
        // what restore writes for each image: the library's restore, written by the rule every command uses
        expected = Files.createDirectories(dir.resolve("expected"));
        try (Restorer restorer = Restorer.builder().weights(weights).build()) {
            for (Path f : images) {
                ImageData lr = ImageFiles.read(f);
                Image hr = restorer.restore(lr.color(), Degradation.builder().kernel(KERNEL).scale(2).sigma(2).build(),
                        RestoreOptions.defaults());
                Path out = expected.resolve(f.getFileName());
                ImageFiles.write(out, ImageFiles.forOutput(out, hr, null, lr.format(), null));
            }
        }
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("SparkRestoreTest")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
        sc.setLogLevel("ERROR");
    }

    @AfterAll
    static void tearDown() {
        if (sc != null) {
            sc.close();
        }
    }

    private static Map<String, ImageResult> byName(List<ImageResult> rows) {
        Map<String, ImageResult> m = new HashMap<>();
        rows.forEach(r -> m.put(Path.of(r.input()).getFileName().toString(), r));
        return m;
    }

    @Test
    void restoresEveryImageAsRestoreDoesFailsTheCorruptOneAloneAndResumes() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        List<String> inputs = SparkRestore.listInputs(in.toString());
        assertThat(inputs).hasSize(7);
        List<ImageResult> rows = SparkRestore.run(sc, inputs, out, job, 7, 1);
        Map<String, ImageResult> r = byName(rows);
        assertThat(r.get("corrupt.png").status()).isEqualTo(Status.FAILED);
        assertThat(r.get("corrupt.png").error()).contains("corrupt.png: not a valid PNG file");
        assertThat(out.resolve("corrupt.png")).doesNotExist();
        for (int i = 0; i < 6; i++) {
            String name = "img" + i + ".png";
            assertThat(r.get(name).status()).as(name).isEqualTo(Status.RESTORED);
            assertThat(Files.mismatch(out.resolve(name), expected.resolve(name))).as(name + " bit-identical").isEqualTo(-1);
        }
        SparkRestore.writeResults(out.resolve("results.csv"), rows);
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv.get(0)).isEqualTo("input,output,status,seconds,error");
        assertThat(csv).hasSize(8).anyMatch(l -> l.contains("corrupt.png") && l.contains(",failed,"));

        // a second run writes nothing new
        Map<String, FileTime> times = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            times.put("img" + i + ".png", Files.getLastModifiedTime(out.resolve("img" + i + ".png")));
        }
        Map<String, ImageResult> again = byName(SparkRestore.run(sc, inputs, out, job, 3, 1));
        for (int i = 0; i < 6; i++) {
            String name = "img" + i + ".png";
            assertThat(again.get(name).status()).isEqualTo(Status.SKIPPED);
            assertThat(Files.getLastModifiedTime(out.resolve(name))).isEqualTo(times.get(name));
        }
        assertThat(again.get("corrupt.png").status()).isEqualTo(Status.FAILED);
    }

    @Test
    void aTaskKilledMidWriteLeavesNoPartialOutputAndTheRerunCompletesIt() throws IOException {
        Path out = Files.createDirectories(dir.resolve("killed"));
        // what a task killed while writing img3.png leaves: the temporary file, half written, no img3.png
        byte[] whole = Files.readAllBytes(expected.resolve("img3.png"));
        Path stale = out.resolve(".img3.png.5eed.tmp");
        Files.write(stale, java.util.Arrays.copyOf(whole, whole.length / 2));
        // and a write that fails: the output name is taken by a folder
        Files.createDirectories(out.resolve("img4.png"));
        List<String> inputs = List.of(in.resolve("img3.png").toString(), in.resolve("img4.png").toString());
        Map<String, ImageResult> r = byName(SparkRestore.run(sc, inputs, out, job.withOverwrite(true), 2, 1));
        assertThat(r.get("img3.png").status()).isEqualTo(Status.RESTORED);
        assertThat(Files.mismatch(out.resolve("img3.png"), expected.resolve("img3.png"))).isEqualTo(-1);
        assertThat(r.get("img4.png").status()).isEqualTo(Status.FAILED);
        assertThat(r.get("img4.png").error()).contains("directory");
        try (var files = Files.list(out)) {
            // nothing but the complete output, the folder in the way and the old leftover
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly(".img3.png.5eed.tmp", "img3.png", "img4.png");
        }
    }

    @Test
    void inputsAreAFolderAGlobOrAList() throws IOException {
        assertThat(SparkRestore.listInputs(in.resolve("img*.png").toString())).hasSize(6);
        Path list = dir.resolve("list.txt");
        Files.writeString(list, "# two images\nin/img1.png\n\nin/img2.png\n");
        assertThat(SparkRestore.listInputs(list.toString()))
                .containsExactly(dir.resolve("in/img1.png").toString(), dir.resolve("in/img2.png").toString());
        assertThat(SparkRestore.listInputs(in.resolve("img0.png").toString())).hasSize(1);
        assertThatThrownBy(() -> SparkRestore.listInputs(dir.resolve("nope").toString()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> SparkRestore.listInputs(in.resolve("*.jpg").toString()))
                .hasMessageContaining("names no image");
    }

    /** The LR rows (or columns) first..end−1 of a side of {@code size}, modulo size: the test's own wrap. */
    private static Image wrapCrop(Image x, int y0, int y1, int x0, int x1) {
        int h = y1 - y0;
        int w = x1 - x0;
        float[] out = new float[x.channels() * h * w];
        for (int c = 0; c < x.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    out[(c * h + y) * w + xx] = x.get(c, Math.floorMod(y0 + y, x.height()), Math.floorMod(x0 + xx, x.width()));
                }
            }
        }
        return Image.wrap(x.channels(), h, w, out);
    }

    @Test
    void aLargeImageIsRestoredInPiecesAcrossTasksAndStitched() throws IOException {
        Path bigIn = Files.createDirectories(dir.resolve("big-in"));
        Path out = Files.createDirectories(dir.resolve("big-out"));
        Image butterfly = ImageFiles.readImage(Path.of(System.getProperty("usrnet.samples")).resolve("butterfly.png"));
        Path big = bigIn.resolve("big.png");
        // an LR image as the job models it: the sharp image blurred circularly, decimated, noisy
        Degradation model = Degradation.builder().kernel(KERNEL).scale(2).sigma(2).build();
        ImageFiles.write(big, model.apply(Degradations.crop(butterfly, 40, 20, 200, 168), 7));
        Files.copy(in.resolve("img1.png"), bigIn.resolve("small.png"));
        byte[] bytes = Files.readAllBytes(big);
        Files.write(bigIn.resolve("truncated.png"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        int margin = 12;
        // the built-in model: its results are images, so that the difference from a whole-image restore means something
        RestoreJob split = new RestoreJob(job.kernel(), 2, 2.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                "npy", false, 40,
                margin);

        // the expected result, by the test's own cutting: 3×3 pieces of 33/33/34 rows and 28 columns, each read
        // with the margin through the wrap, restored with the smooth boundary, its core kept
        int[] rows = {0, 33, 66, 100};
        int[] cols = {0, 28, 56, 84};
        assertThat(SplitRestore.cuts(100, 40)).containsExactly(rows);
        assertThat(SplitRestore.cuts(84, 40)).containsExactly(cols);
        Image lr = ImageFiles.readImage(big);
        float[] expectedHr = new float[3 * 200 * 168];
        Image whole;
        try (Restorer restorer = Restorer.builder().build()) {
            Degradation smooth = Degradation.builder().kernel(KERNEL).scale(2).sigma(2).boundary(Boundary.SMOOTH).build();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    // the region starts on the prior's grid: 2·first a multiple of 8
                    int top = Math.floorDiv(rows[i] - margin, 4) * 4;
                    int left = Math.floorDiv(cols[j] - margin, 4) * 4;
                    Image region = wrapCrop(lr, top, rows[i + 1] + margin, left, cols[j + 1] + margin);
                    Image hr = restorer.restore(region, smooth, RestoreOptions.defaults());
                    for (int c = 0; c < 3; c++) {
                        for (int y = 2 * rows[i]; y < 2 * rows[i + 1]; y++) {
                            for (int x = 2 * cols[j]; x < 2 * cols[j + 1]; x++) {
                                expectedHr[(c * 200 + y) * 168 + x] = hr.get(c, y - 2 * top, x - 2 * left);
                            }
                        }
                    }
                }
            }
            whole = restorer.restore(lr, Degradation.builder().kernel(KERNEL).scale(2).sigma(2).build(),
                    RestoreOptions.defaults());
        }

        Map<String, ImageResult> r = byName(SparkRestore.run(sc, SparkRestore.listInputs(bigIn.toString()), out, split, 4, 1));
        assertThat(r.get("big.png").status()).as(r.get("big.png").error()).isEqualTo(Status.RESTORED);
        assertThat(r.get("small.png").status()).isEqualTo(Status.RESTORED);
        Image stitched = ImageFiles.readImage(out.resolve("big.npy"));
        assertThat(stitched.toArray()).as("the pieces' cores, stitched").containsExactly(expectedHr);
        // against the whole-image restore: the same away from the image's border (the pieces meet without seams);
        // within ~16 px of the border the whole-image prior sees its padding, a piece the wrapped image
        double inside = Degradations.crop(stitched, 24, 24, 152, 120).maxAbsDifference(Degradations.crop(whole, 24, 24, 152, 120));
        double all = stitched.maxAbsDifference(whole);
        System.out.printf("3x3 pieces of 100x84 (margin %d) vs whole image: max |difference| %.4f beyond 24 px of the "
                + "border, %.4f in all%n", margin, inside, all);
        assertThat(inside).isLessThan(4 / 255.0);
        assertThat(all).isGreaterThan(inside);
        assertThat(out.resolve(SplitRestore.PARTS_FOLDER)).as("parts deleted once stitched").doesNotExist();
        // the truncated file fails alone, naming the piece; the parts it restored stay for a re-run
        assertThat(r.get("truncated.png").status()).isEqualTo(Status.FAILED);
        assertThat(r.get("truncated.png").error()).contains("piece r").contains("truncated.png");
        assertThat(out.resolve("truncated.npy")).doesNotExist();

        // resume: a part a crashed run left is used as it is (here: one replaced by zeros), then deleted
        SplitRestore.Plan plan = SplitRestore.plan(big.toString(), out.resolve("big.npy"), 100, 84, split);
        Path part = plan.part(1, 2);
        Files.createDirectories(part.getParent());
        NpyArray.writeImage(part, Image.zeros(3, 66, 56));
        Files.delete(out.resolve("big.npy"));
        Map<String, ImageResult> again = byName(SparkRestore.run(sc, List.of(big.toString()), out, split, 4, 1));
        assertThat(again.get("big.png").status()).isEqualTo(Status.RESTORED);
        Image resumed = ImageFiles.readImage(out.resolve("big.npy"));
        assertThat(resumed.get(1, 2 * 33, 2 * 56)).isZero();
        assertThat(resumed.get(1, 2 * 33 - 1, 2 * 56 - 1)).isEqualTo(stitched.get(1, 2 * 33 - 1, 2 * 56 - 1));
        assertThat(part.getParent()).doesNotExist();
        // σ auto: measured once, on the cluster, before the pieces
        Path autoOut = Files.createDirectories(dir.resolve("big-auto"));
        RestoreJob auto = new RestoreJob(job.kernel(), 2, Double.NaN, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                "npy", false,
                64, margin);
        assertThat(byName(SparkRestore.run(sc, List.of(big.toString()), autoOut, auto, 4, 1)).get("big.png").status())
                .isEqualTo(Status.RESTORED);
        // and a second run without --overwrite writes nothing
        assertThat(byName(SparkRestore.run(sc, List.of(big.toString()), out, split, 4, 1)).get("big.png").status())
                .isEqualTo(Status.SKIPPED);
    }
}
