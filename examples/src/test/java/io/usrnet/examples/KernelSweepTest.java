package io.usrnet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSweepTest {
    /** The repository's samples/ (surefire passes it; see the parent pom). */
    private static final Path SAMPLES = Path.of(System.getProperty("usrnet.samples", "../samples"));

    @Test
    void sweepsTwoKernelsOnATinyCropAndWritesTheTableAndThePlot(@TempDir Path dir) throws IOException {
        Image hr = KernelSweep.centreCrop(ImageFiles.readImage(SAMPLES.resolve("butterfly.png")), 48, 2);
        assertThat(hr.height()).isEqualTo(48);
        List<KernelSweep.Row> rows;
        try (Restorer restorer = Restorer.builder().build()) {
            rows = KernelSweep.sweep(hr, KernelSweep.Family.MOTION, new double[] {3, 9}, 2, 2.55, restorer);
        }
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).kernelShape()).isEqualTo("5×5");
        assertThat(rows.get(1).kernelShape()).isEqualTo("11×11");
        for (KernelSweep.Row r : rows) {
            // the restoration beats both upsamplings of the blurred LR image
            assertThat(r.usrnet()).as("%s", r).isGreaterThan(r.bicubic()).isGreaterThan(r.nearest());
        }
        assertThat(rows.get(1).bicubic()).isLessThan(rows.get(0).bicubic()); // a longer blur loses more

        Path out = dir.resolve("sweep");
        KernelSweep.write(out, KernelSweep.Family.MOTION, rows, "test");
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).isEqualTo("motion_length,kernel_size,usrnet_psnr,bicubic_psnr,nearest_psnr");
        assertThat(csv.get(1)).startsWith("3,5x5,");
        assertThat(csv.get(2)).startsWith("9,11x11,");
        assertThat(Files.readString(out.resolve("sweep.md"))).contains("| 9 | 11×11 |");
        BufferedImage plot = ImageIO.read(out.resolve("sweep.png").toFile());
        assertThat(plot.getWidth()).isEqualTo(720);
        assertThat(plot.getHeight()).isEqualTo(440);
    }

    @Test
    void familiesGiveTheirKernelsAtTheSmallestOddSize() {
        assertThat(KernelSweep.Family.GAUSSIAN.kernel(1.5).shape()).isEqualTo("11×11");
        assertThat(KernelSweep.Family.DISK.kernel(3).shape()).isEqualTo("7×7");
        assertThat(KernelSweep.Family.MOTION.kernel(21).shape()).isEqualTo("23×23");
        assertThat(KernelSweep.Family.GAUSSIAN.defaults()).hasSize(8);
    }
}
