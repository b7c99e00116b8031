package io.usrnet.cli.bench;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.KernelEstimate;
import io.usrnet.data.KernelEstimator;
import io.usrnet.data.Kernels;
import io.usrnet.eval.Evaluation;
import io.usrnet.eval.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures {@link KernelEstimator} where it matters, in the restoration: every {@code EVERY}-th image of
 * a folder (its centre CROP×CROP region, if CROP &gt; 0), degraded with the Table-1 protocol
 * ({@link Evaluation#degrade}: 8-bit blur, upper-left decimation, seeded noise) for the 12 kernels of
 * {@code samples/kernels_12.mat}, s = 1…4 and σ ∈ {0, 2.55}. For each case the 25×25 kernel is
 * estimated from the pair (the Table-1 reference crop, the degraded image), and the image is restored
 * by the built-in model twice, with the true and with the estimated kernel (both with the true σ).
 * Prints, per scale and σ, the mean relative L2 error of the kernel and the mean PSNR (RGB, border s²
 * shaved, as the evaluation scores) with each kernel. Usage: {@code CalibrationBenchmark DIR [CROP]
 * [EVERY]}.
 */
public final class CalibrationBenchmark {
    /** The noise levels measured. */
    static final double[] SIGMAS = {0, 2.55};
    /** The scales measured. */
    static final int[] SCALES = {1, 2, 3, 4};
    /** The side of the estimated kernels: that of the Table-1 kernels. */
    static final int SIZE = 25;

    private CalibrationBenchmark() {
    }

    /** Sums of one row of the table. */
    private static final class Row {
        double error;
        double psnrTrue;
        double psnrEstimated;
        double seconds;
        int count;
    }

    /**
     * Runs the measurement.
     *
     * @param args {@code DIR [CROP] [EVERY]}
     * @throws IOException if an image, the kernels or the weights cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException("usage: bench calibration DIR [CROP] [EVERY]");
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("bench calibration " + dir + ": folder not found; pass a folder of "
                    + "sharp 8-bit images (the README's figures are on ../shared/data/eval/Set5)");
        }
        int crop = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<Path> images = Evaluation.listImages(dir, every);
        List<Kernel> kernels = KernelFiles.readAll("samples/kernels_12.mat:kernels");
        System.out.printf(Locale.ROOT, "Kernel calibration: %d images of %s%s, %d kernels, s = 1..4, sigma 0 and "
                + "2.55, Table-1 degradation; %d×%d kernels estimated from (reference, degraded) pairs; PSNR (RGB) "
                + "of the built-in model with the true and the estimated kernel%n", images.size(), dir,
                crop > 0 ? " (centre " + crop + "×" + crop + ")" : "", kernels.size(), SIZE, SIZE);
        Row[][] rows = new Row[SCALES.length][SIGMAS.length];
        for (Row[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                r[i] = new Row();
            }
        }
        long t0 = System.nanoTime();
        int done = 0;
        try (Restorer restorer = Restorer.builder().build()) {
            for (Path file : images) {
                Image hr = ImageFiles.readImage(file).toRgb();
                if (crop > 0 && (hr.height() > crop || hr.width() > crop)) {
                    int h = Math.min(crop, hr.height());
                    int w = Math.min(crop, hr.width());
                    hr = Degradations.crop(hr, (hr.height() - h) / 2, (hr.width() - w) / 2, h, w);
                }
                String name = file.getFileName().toString();
                for (int si = 0; si < SCALES.length; si++) {
                    int s = SCALES[si];
                    Image reference = Degradations.table1Crop(hr, s);
                    KernelEstimator estimator = KernelEstimator.builder().size(SIZE).scale(s).build();
                    for (int k = 0; k < kernels.size(); k++) {
                        Kernel truth = kernels.get(k);
                        for (int n = 0; n < SIGMAS.length; n++) {
                            Setting setting = new Setting(s, SIGMAS[n]);
                            Image lr = Evaluation.degrade(hr, truth, setting, Evaluation.noiseSeed(name, k + 1, setting));
                            long e0 = System.nanoTime();
                            KernelEstimate e = estimator.estimate(reference, lr);
                            Row row = rows[si][n];
                            row.seconds += (System.nanoTime() - e0) / 1e9;
                            row.error += Kernels.relativeError(e.kernel(), truth);
                            row.psnrTrue += Metrics.psnr(restorer.restore(lr, setting.degradation(truth)), reference,
                                    s * s);
                            row.psnrEstimated += Metrics.psnr(restorer.restore(lr, setting.degradation(e.kernel())),
                                    reference, s * s);
                            row.count++;
                        }
                    }
                }
                done++;
                System.err.printf(Locale.ROOT, "bench calibration: %d/%d images (%.0f s)%n", done, images.size(),
                        (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf(Locale.ROOT, "%5s %6s %9s %10s %10s %7s %9s%n", "scale", "sigma", "kernel L2", "PSNR true",
                "PSNR est.", "diff", "est. (s)");
        Row all = new Row();
        for (int si = 0; si < SCALES.length; si++) {
            for (int n = 0; n < SIGMAS.length; n++) {
                Row r = rows[si][n];
                print("x" + SCALES[si], new Setting(1, SIGMAS[n]).sigmaText(), r);
                all.error += r.error;
                all.psnrTrue += r.psnrTrue;
                all.psnrEstimated += r.psnrEstimated;
                all.seconds += r.seconds;
                all.count += r.count;
            }
        }
        print("all", "", all);
        System.out.printf(Locale.ROOT, "%d cases in %.0f s%n", all.count, (System.nanoTime() - t0) / 1e9);
    }

    private static void print(String scale, String sigma, Row r) {
        System.out.printf(Locale.ROOT, "%5s %6s %9.3f %10.2f %10.2f %+7.2f %9.2f%n", scale, sigma, r.error / r.count,
                r.psnrTrue / r.count, r.psnrEstimated / r.count, (r.psnrEstimated - r.psnrTrue) / r.count,
                r.seconds / r.count);
    }
}
