package io.usrnet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code usrnet eval}: a small run end to end and its error messages. */
class EvalCommandTest {
    private static final String KERNELS = CliTestSupport.KERNELS_12;
    private static final Path WEIGHTS = CliTestSupport.FIXTURES.resolve("weights/tiny.safetensors");

    @TempDir
    static Path dir;
    static Path images;

    @BeforeAll
    static void writeImages() throws IOException {
        images = Files.createDirectories(dir.resolve("hr"));
        Image bird = ImageFiles.readImage(CliTestSupport.DATA.resolve("eval/Set5/bird-crop.png"));
        float[] v = new float[3 * 48 * 56];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 48; i++) {
                for (int j = 0; j < 56; j++) {
                    v[(c * 48 + i) * 56 + j] = bird.get(c, 20 + i, 10 + j); // bird.png (120 + i, 100 + j)
                }
            }
        }
        ImageFiles.write(images.resolve("bird.png"), Image.of(3, 48, 56, v));
        Files.writeString(images.resolve("notes.txt"), "not an image");
    }

    @Test
    void writesTableAndCsv() throws IOException {
        Path out = dir.resolve("out");
        CliTestSupport.Run r = CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS,
                "--kernel-indices", "1,12", "--settings", "x2:0,x4:0", "--weights", WEIGHTS, "--out", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("[1/4] bird.png x2:0 k1: usrnet ").contains("[4/4]").contains("ETA")
                .contains("wrote");
        List<String> md = Files.readAllLines(out.resolve("table1.md")).stream().filter(l -> l.startsWith("|")).toList();
        assertThat(md.get(0)).isEqualTo("| Method | Scale | σ | k1 | k12 | Mean |");
        assertThat(md).hasSize(2 + 4 * 2);
        assertThat(md.get(2)).startsWith("| usrnet | x2 | 0 |");
        assertThat(md.get(9)).startsWith("| data-step | x4 | 0 |");
        List<String> csv = Files.readAllLines(out.resolve("table1.csv"));
        assertThat(csv).hasSize(1 + 4 * 2 * 2);
        assertThat(csv.get(0)).isEqualTo("method,scale,sigma,kernel,image,psnr_rgb,psnr_y,ssim");

        // contact sheet of x4:0 k12: one row (one image), LR | usrnet | bicubic | data-step | HR, 48-pixel
        // panels (the 48×56 image's centre crop) with 4-pixel gaps; the HR panel is the HR crop exactly
        assertThat(r.err()).contains("columns LR (nearest) | usrnet | bicubic | data-step | HR");
        Image sheet = ImageFiles.readImage(out.resolve("contact.png"));
        assertThat(sheet.height()).isEqualTo(48 + 2 * 4);
        assertThat(sheet.width()).isEqualTo(5 * 48 + 6 * 4);
        Image hr = ImageFiles.readImage(images.resolve("bird.png"));
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 48; i += 7) {
                for (int j = 0; j < 48; j += 5) {
                    assertThat(sheet.get(c, 4 + i, 4 + 4 * 52 + j)).isEqualTo(hr.get(c, i, 4 + j));
                }
            }
        }
    }

    @Test
    void baselinesNeedNoWeightsAndQuietPrintsNothing() throws IOException {
        Path out = dir.resolve("quiet");
        CliTestSupport.Run r = CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS,
                "--kernel-indices", "2", "--scales", "4", "--sigmas", "0,2.55", "--methods", "nearest,bicubic",
                "--out", out, "--quiet");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(Files.readString(out.resolve("table1.md"))).contains("| bicubic | x4 | 2.55 |");
    }

    @Test
    void runsOverDifferentImagesMergeIntoOneTable() throws IOException {
        Path other = Files.createDirectories(dir.resolve("hr2"));
        Image bird = ImageFiles.readImage(images.resolve("bird.png"));
        ImageFiles.write(other.resolve("bird-flipped.png"), io.usrnet.data.Dihedral.values()[4].apply(bird));
        String[] grid = {"--kernels", KERNELS, "--kernel-indices", "2", "--settings", "x2:0", "--methods",
            "nearest,bicubic", "--quiet", "--contact-sheet", "0"};
        Path a = dir.resolve("part-a");
        Path b = dir.resolve("part-b");
        assertThat(CliTestSupport.run(concat("eval", "--images", images, "--out", a, grid)).exitCode()).isZero();
        assertThat(CliTestSupport.run(concat("eval", "--images", other, "--out", b, grid)).exitCode()).isZero();
        Path merged = dir.resolve("merged");
        CliTestSupport.Run r = CliTestSupport.run("eval", "--merge", a.resolve("table1.csv") + "," + b.resolve("table1.csv"),
                "--out", merged);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("eval: 2 images, 4 scores from 2 files");
        assertThat(Files.readString(merged.resolve("table1.md"))).contains("mean over 2 images");
        assertThat(Files.readAllLines(merged.resolve("table1.csv"))).hasSize(1 + 4);
        assertError(CliTestSupport.run("eval", "--merge", a.resolve("table1.csv") + "," + a.resolve("table1.csv"),
                "--out", merged), "usrnet: error: the score of bird.png for nearest x2:0 k2 appears twice");
        assertError(CliTestSupport.run("eval", "--out", merged), "usrnet: error: eval needs --images and --kernels");
    }

    private static Object[] concat(Object a, Object b, Object c, Object d, Object e, String[] rest) {
        Object[] all = new Object[5 + rest.length];
        all[0] = a;
        all[1] = b;
        all[2] = c;
        all[3] = d;
        all[4] = e;
        System.arraycopy(rest, 0, all, 5, rest.length);
        return all;
    }

    @Test
    void badInputFailsWithOneLine() throws IOException {
        Path out = dir.resolve("bad");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--weights", dir.resolve("none.pth")), "usrnet: error: " + dir.resolve("none.pth") + ": weights file not found");
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--methods", "nearest,lanczos"), "usrnet: error: unknown method 'lanczos'");
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--methods", "nearest", "--settings", "x3-2.55"), "usrnet: error: bad setting 'x3-2.55'");
        assertError(CliTestSupport.run("eval", "--images", empty, "--kernels", KERNELS, "--out", out,
                "--methods", "nearest"), "usrnet: error: no images in");
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--methods", "nearest", "--kernel-indices", "13"), "usrnet: error: kernel index 13 out of range");
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--methods", "nearest", "--settings", "x2:0", "--scales", "2"), "usrnet: error: give either");
        assertError(CliTestSupport.run("eval", "--images", images, "--kernels", KERNELS, "--out", out,
                "--weights", dir.resolve("missing.safetensors")), "usrnet: error: ");
        assertThat(Files.exists(out)).isFalse();
    }

    private static void assertError(CliTestSupport.Run r, String start) {
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith(start);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    }
}
