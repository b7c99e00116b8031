package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCommandTest {

    @Test
    void gaussianIsTheApisAnisotropicGaussianWithItsDefaultSizeAndAPreview(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("g.npy");
        CliTestSupport.Run r = run("kernel", "--gaussian", "2.5,1,30", "--output", out);
        assertThat(r.exitCode()).as(r.err()).isZero();
        // default size 2·ceil(3·2.5) + 1 = 17
        Kernel expected = Kernels.anisotropicGaussian(17, 2.5, 1, Math.toRadians(30));
        assertThat(NpyArray.read(out).dtype()).isEqualTo(NpyArray.DType.FLOAT64);
        assertThat(KernelFiles.read(out)).isEqualTo(expected); // what --kernel of restore and degrade reads
        Image preview = ImageFiles.readImage(dir.resolve("g.png"));
        assertThat(preview.channels()).isEqualTo(1);
        assertThat(preview.width()).isEqualTo(17 * 15); // 256 / 17 = 15 pixels per tap
        assertThat(preview.height()).isEqualTo(17 * 15);
        assertThat(preview.get(0, 8 * 15 + 7, 8 * 15 + 7)).isEqualTo(1f); // the peak, normalised to white
        assertThat(r.err()).contains("wrote " + out + " (17×17 float64 kernel, Gaussian SX 2.5 SY 1 at 30°) and "
                + dir.resolve("g.png") + " (255×255 preview, 15 px per tap)");
        assertThat(run("kernel", "--gaussian", "2,2,0", "--size", 9, "--output", out, "--no-preview", "-q").err())
                .isEmpty();
        assertThat(KernelFiles.read(out)).isEqualTo(Kernels.anisotropicGaussian(9, 2, 2, 0));
    }

    @Test
    void motionIsTheApisLinearMotion(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("m.npy");
        Path png = dir.resolve("view.png");
        CliTestSupport.Run r = run("kernel", "--motion", "15,45", "--output", out, "--preview", png);
        assertThat(r.exitCode()).as(r.err()).isZero();
        int n = Kernels.linearMotionSize(15, Math.toRadians(45)); // 15·cos 45° = 10.6 → 13
        assertThat(n).isEqualTo(13);
        assertThat(KernelFiles.read(out)).isEqualTo(Kernels.linearMotion(13, 15, Math.toRadians(45)));
        assertThat(ImageFiles.readImage(png).width()).isEqualTo(13 * 19);
        assertThat(Files.exists(dir.resolve("m.png"))).isFalse();
        assertThat(run("kernel", "--motion", "6,-90", "--size", 25, "--output", out).exitCode()).isZero();
        assertThat(KernelFiles.read(out)).isEqualTo(Kernels.linearMotion(25, 6, Math.toRadians(-90)));
        assertThat(ImageFiles.readImage(dir.resolve("m.png")).width()).isEqualTo(250);
    }

    @Test
    void diskIsTheApisDiskAlsoAsText(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("d.npy");
        assertThat(run("kernel", "--disk", "3.5", "--output", out).exitCode()).isZero();
        assertThat(KernelFiles.read(out)).isEqualTo(Kernels.disk(7, 3.5));
        Path txt = dir.resolve("d.txt");
        CliTestSupport.Run r = run("kernel", "--disk", "4", "--size", 11, "--output", txt, "--no-preview");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(KernelFiles.read(txt)).isEqualTo(Kernels.disk(11, 4)); // the text round-trips every bit
        assertThat(Files.readString(txt)).startsWith("# usrnet kernel: disk of radius 4, 11×11\n");
        assertThat(Files.exists(dir.resolve("d.png"))).isTrue();
        assertThat(Files.exists(dir.resolve("d.txt.png"))).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d.npy", "d.png", "d.txt");
        }
    }

    @Test
    void writtenKernelsDriveDegrade(@TempDir Path dir) throws IOException {
        Path k = dir.resolve("k.npy");
        assertThat(run("kernel", "--motion", "7,0", "--output", k, "--no-preview").exitCode()).isZero();
        Path lr = dir.resolve("lr.npy");
        CliTestSupport.Run r = run("degrade", "--input", CliTestSupport.SAMPLES.resolve("butterfly.png"), "--kernel", k,
                "--scale", 2, "--sigma", 0, "--output", lr);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning"); // sums to 1: used as written
    }

    @Test
    void badInputGetsOneClearLine(@TempDir Path dir) {
        Path out = dir.resolve("k.npy");
        expectError(1, "--gaussian expects SX,SY,ANGLE, 3 numbers separated by commas, got '2,2'",
                "kernel", "--gaussian", "2,2", "--output", out);
        expectError(1, "--gaussian 2,x,0: SY 'x' is not a number (expected SX,SY,ANGLE)",
                "kernel", "--gaussian", "2,x,0", "--output", out);
        expectError(1, "--gaussian: SX must be > 0", "kernel", "--gaussian", "0,1,0", "--output", out);
        expectError(1, "--motion expects LENGTH,ANGLE", "kernel", "--motion", "5", "--output", out);
        expectError(1, "--motion -3,0: LENGTH must be >= 0", "kernel", "--motion", "-3,0", "--output", out);
        expectError(1, "--motion 5,NaN: ANGLE must be finite", "kernel", "--motion", "5,NaN", "--output", out);
        expectError(1, "--disk: RADIUS must be a finite number >= 0 (pixels), got -1.0",
                "kernel", "--disk", "-1", "--output", out);
        expectError(1, "--size 5 is too small for --disk 3: it needs at least 7",
                "kernel", "--disk", "3", "--size", 5, "--output", out);
        expectError(1, "--size 9 is too small for --motion 12,0: it needs at least 13",
                "kernel", "--motion", "12,0", "--size", 9, "--output", out);
        expectError(1, "--size must be odd, got 8", "kernel", "--disk", "3", "--size", 8, "--output", out);
        expectError(1, "--size must be an odd number from 1 to 1023, got 0", "kernel", "--disk", "0", "--size", 0,
                "--output", out);
        expectError(1, "--gaussian 400,1,0 needs a kernel larger than the largest written, 1023×1023",
                "kernel", "--gaussian", "400,1,0", "--output", out);
        expectError(1, "a kernel is written as FILE.npy (float64) or FILE.txt", "kernel", "--disk", "2",
                "--output", dir.resolve("k.png"));
        expectError(1, "the preview is a PNG picture", "kernel", "--disk", "2", "--output", out,
                "--preview", dir.resolve("p.jpg"));
        expectError(1, "--preview and --no-preview exclude each other", "kernel", "--disk", "2", "--output", out,
                "--preview", dir.resolve("p.png"), "--no-preview");
        expectError(1, "output directory does not exist", "kernel", "--disk", "2", "--output",
                dir.resolve("missing/k.npy"));
        expectError(2, "are mutually exclusive", "kernel", "--disk", "2", "--motion", "3,0", "--output", out);
        expectError(2, "Missing required argument", "kernel", "--output", out);
        expectError(2, "Missing required option: '--output=K'", "kernel", "--disk", "2");
        expectError(2, "'--disk': 'big' is not a double", "kernel", "--disk", "big", "--output", out);
        assertThat(Files.exists(out)).as("nothing written by a failed run").isFalse();
    }

    private static void expectError(int status, String message, Object... args) {
        CliTestSupport.Run r = run(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(status);
        assertThat(r.err()).contains(message);
        if (status == 1) {
            assertThat(r.err().lines()).as(r.err()).hasSize(1).first().asString().startsWith("usrnet: error: ");
        }
    }
}
