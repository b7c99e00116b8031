package io.usrnet.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Boundary;
import io.usrnet.prior.Precision;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The geometry of {@link SplitRestore}: cuts, wrapped reads, fingerprints (no Spark, no model). */
class SplitRestoreTest {
    @TempDir
    Path dir;

    @Test
    void cutsAreBalancedAndCoverTheSide() {
        assertThat(SplitRestore.cuts(100, 40)).containsExactly(0, 33, 66, 100);
        assertThat(SplitRestore.cuts(80, 40)).containsExactly(0, 40, 80);
        assertThat(SplitRestore.cuts(81, 40)).containsExactly(0, 27, 54, 81);
        assertThat(SplitRestore.cuts(30, 40)).containsExactly(0, 30);
        for (int n = 1; n < 300; n += 7) {
            int[] c = SplitRestore.cuts(n, 64);
            assertThat(c[0]).isZero();
            assertThat(c[c.length - 1]).isEqualTo(n);
            for (int k = 1; k < c.length; k++) {
                assertThat(c[k] - c[k - 1]).isBetween(n / (c.length - 1), 64);
            }
        }
    }

    @Test
    void runsSplitAWrappedRangeIntoContiguousReads() {
        assertThat(SplitRestore.runs(5, 9, 10)).containsExactly(new int[] {5, 4, 0});
        assertThat(SplitRestore.runs(-3, 4, 10)).containsExactly(new int[] {7, 3, 0}, new int[] {0, 4, 3});
        assertThat(SplitRestore.runs(8, 13, 10)).containsExactly(new int[] {8, 2, 0}, new int[] {0, 3, 2});
        // a side smaller than the margins: read several times round
        assertThat(SplitRestore.runs(-4, 9, 5)).containsExactly(new int[] {1, 4, 0}, new int[] {0, 5, 4},
                new int[] {0, 4, 9});
        assertThat(SplitRestore.span(10, 20, 8, 100, false, 1)).containsExactly(2, 38);
        assertThat(SplitRestore.span(0, 20, 8, 100, false, 1)).containsExactly(0, 28);
        assertThat(SplitRestore.span(90, 10, 8, 100, false, 1)).containsExactly(82, 100);
        assertThat(SplitRestore.span(0, 20, 8, 100, true, 1)).containsExactly(-8, 28);
        // the start moved back onto the grid: s·start a multiple of 8
        assertThat(SplitRestore.span(33, 33, 12, 100, true, 4)).containsExactly(20, 78);
        assertThat(SplitRestore.span(5, 10, 12, 100, true, 4)).containsExactly(-8, 27);
        assertThat(SplitRestore.span(5, 10, 12, 100, false, 4)).containsExactly(0, 27);
        assertThat(new int[] {SplitRestore.alignment(1), SplitRestore.alignment(2), SplitRestore.alignment(3),
            SplitRestore.alignment(4), SplitRestore.alignment(8)}).containsExactly(8, 4, 8, 2, 1);
    }

    @Test
    void wrappedReadsEqualTheImageTakenModuloItsSize() throws IOException {
        float[] v = new float[3 * 20 * 30];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 251) / 255f;
        }
        Image x = Image.wrap(3, 20, 30, v);
        Path f = dir.resolve("x.tif");
        ImageFiles.write(f, x);
        ImageData r = SplitRestore.readWrapped(f, new int[] {-5, 12}, new int[] {25, 37}, 20, 30);
        assertThat(r.color().height()).isEqualTo(17);
        assertThat(r.color().width()).isEqualTo(12);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 17; y++) {
                for (int xx = 0; xx < 12; xx++) {
                    assertThat(r.color().get(c, y, xx)).isEqualTo(x.get(c, Math.floorMod(y - 5, 20), (25 + xx) % 30));
                }
            }
        }
        // one contiguous block: a plain region read
        assertThat(SplitRestore.readWrapped(f, new int[] {3, 9}, new int[] {4, 20}, 20, 30).color())
                .isEqualTo(Degradations.crop(x, 3, 4, 6, 16));
    }

    @Test
    void thePartsFolderChangesWithTheJobAndTheInput() throws IOException {
        Path in = dir.resolve("in.png");
        ImageFiles.write(in, Image.zeros(3, 8, 8));
        Path k = dir.resolve("k.npy");
        io.usrnet.data.io.NpyArray.writeKernel(k, io.usrnet.data.Kernels.anisotropicGaussian(5, 1.0, 1.0, 0));
        RestoreJob job = new RestoreJob(k.toString(), 2, 1.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                null, false, 64, 8);
        String a = SplitRestore.fingerprint(in.toString(), 100, 100, job);
        assertThat(SplitRestore.fingerprint(in.toString(), 100, 100, job.withPrecision(Precision.BF16)))
                .isNotEqualTo(a);
        assertThat(SplitRestore.fingerprint(in.toString(), 100, 100, job.withOverwrite(true))).isEqualTo(a);
        assertThat(SplitRestore.fingerprint(in.toString(), 100, 100, job.withSplit(64, 16))).isNotEqualTo(a);
        assertThat(SplitRestore.fingerprint(in.toString(), 100, 100, new RestoreJob(k.toString(), 2, 2.0,
                Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32, null, false, 64, 8))).isNotEqualTo(a);
        Files.setLastModifiedTime(in, java.nio.file.attribute.FileTime.fromMillis(0));
        assertThat(SplitRestore.fingerprint(in.toString(), 100, 100, job)).isNotEqualTo(a);
        assertThat(SplitRestore.plan(in.toString(), dir.resolve("out/in.png"), 100, 130, job).parts())
                .startsWith(dir.resolve("out/.usrnet-parts/in.png.").toString());
        List<SplitRestore.Piece> pieces = SplitRestore.plan(in.toString(), dir.resolve("out/in.png"), 100, 130, job)
                .pieces(1.0);
        assertThat(pieces).hasSize(2 * 3);
        assertThat(pieces.get(5).describe()).isEqualTo("piece r1-c2 (rows 50..99, columns 86..129)");
    }

    @Test
    void splitOptionsAreChecked() {
        assertThatThrownBy(() -> new RestoreJob("k.npy", 2, 1.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                null, false, 16, 8))
                .hasMessageContaining("--split must be 0 (off) or at least 32");
        assertThatThrownBy(() -> new RestoreJob("k.npy", 2, 1.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                null, false, 64, 64))
                .hasMessageContaining("--split-margin");
        assertThat(new RestoreJob("k.npy", 2, 1.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                null, false, 64, 8).splits(64, 65))
                .isTrue();
        assertThat(new RestoreJob("k.npy", 2, 1.0, Boundary.PERIODIC, null, 0, 0, 1, Precision.FP32,
                null, false, 64, 8).splits(64, 64))
                .isFalse();
    }

    @Test
    void sigmaOfAnImageInPiecesIsTheWholeImageEstimate() throws IOException {
        // wider than NoiseEstimator.MAX_SIDE: the estimate measures the centre crop, which is all that is read
        java.util.Random random = new java.util.Random(3);
        float[] v = new float[3 * 48 * 1100];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.5 + 0.3 * Math.sin(i % 1100 / 40.0) + 0.02 * random.nextGaussian());
        }
        Image x = Image.wrap(3, 48, 1100, v);
        Path f = dir.resolve("wide.tif");
        ImageFiles.write(f, x);
        Path k = dir.resolve("k.npy");
        io.usrnet.data.io.NpyArray.writeKernel(k, io.usrnet.data.Kernels.anisotropicGaussian(5, 1.0, 1.0, 0));
        RestoreJob auto = new RestoreJob(k.toString(), 2, Double.NaN, Boundary.SMOOTH, null, 0, 0, 1, Precision.FP32,
                null, false, 512, 8);
        SplitRestore.Plan plan = SplitRestore.plan(f.toString(), dir.resolve("out/wide.tif"), 48, 1100, auto);
        double[] measured = SplitRestore.measureSigma(plan);
        assertThat(measured[0]).isEqualTo(io.usrnet.data.NoiseEstimator.DEFAULT.estimate(x).sigma()).isBetween(4.0, 6.0);
        Files.delete(f);
        assertThat(SplitRestore.measureSigma(plan)[0]).as("unreadable").isNaN();
    }
}
