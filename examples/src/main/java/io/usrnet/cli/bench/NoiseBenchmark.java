package io.usrnet.cli.bench;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.NoiseEstimator;
import io.usrnet.eval.Evaluation;
import io.usrnet.eval.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures {@link NoiseEstimator} on the images the library restores: every {@code every}-th image of
 * each folder given, degraded with the Table-1 protocol ({@link Evaluation#degrade}: crop, blur of the
 * 8-bit image truncated to 8 bits, upper-left decimation, then Gaussian noise of σ/255 with the
 * evaluation's seeds) for the 12 kernels of {@code samples/kernels_12.mat}, s = 1…4 and σ ∈ {0, 1, 2.55,
 * 5, 7.65, 10, 15, 25}. Prints, per σ, the mean absolute error of the combined estimate against σ, its
 * mean (bias), the largest error, and the mean absolute error per scale. Usage:
 * {@code NoiseBenchmark [EVERY] [KERNELS.mat:VARIABLE] DIR...}.
 */
public final class NoiseBenchmark {
    /** The noise levels measured. */
    static final double[] SIGMAS = {0, 1, 2.55, 5, 7.65, 10, 15, 25};
    /** The scales measured. */
    static final int[] SCALES = {1, 2, 3, 4};

    private NoiseBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args {@code [EVERY] [KERNELS.mat:VARIABLE] DIR...}: a number keeps every EVERY-th image of
     *             each folder (default 1)
     * @throws IOException if an image or the kernels cannot be read
     */
    public static void main(String[] args) throws IOException {
        int every = 1;
        String kernelFile = "samples/kernels_12.mat:kernels";
        List<Path> images = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (String a : args) {
            if (a.matches("\\d+")) {
                every = Integer.parseInt(a);
            } else if (a.contains(".mat")) {
                kernelFile = a;
            } else {
                Path dir = Path.of(a);
                if (!Files.isDirectory(dir)) {
                    throw new IllegalArgumentException("bench noise " + dir + ": folder not found; pass folders "
                            + "of sharp 8-bit images (the README's figures are on ../shared/data/eval/*)");
                }
                dirs.add(dir);
            }
        }
        for (Path dir : dirs) {
            images.addAll(Evaluation.listImages(dir, every));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("usage: bench noise [EVERY] [KERNELS.mat:VARIABLE] DIR...");
        }
        List<Kernel> kernels = KernelFiles.readAll(kernelFile);
        System.out.printf(Locale.ROOT, "Noise level estimation: %d images, %d kernels (%s), s = 1..4, Table-1 "
                + "degradation + seeded noise; error of the estimate in [0, 255] units%n", images.size(),
                kernels.size(), kernelFile);
        long t0 = System.nanoTime();
        // errors[sigma][scale] over images and kernels
        List<List<List<Double>>> errors = new ArrayList<>();
        for (int i = 0; i < SIGMAS.length; i++) {
            List<List<Double>> row = new ArrayList<>();
            for (int s = 0; s < SCALES.length; s++) {
                row.add(new ArrayList<>());
            }
            errors.add(row);
        }
        int done = 0;
        for (Path file : images) {
            Image hr = ImageFiles.readImage(file);
            if (hr.channels() == 1) {
                hr = hr.toRgb();
            }
            String name = file.getFileName().toString();
            for (int si = 0; si < SCALES.length; si++) {
                for (int k = 0; k < kernels.size(); k++) {
                    Image clean = Degradations.table1(hr, kernels.get(k), SCALES[si]);
                    for (int n = 0; n < SIGMAS.length; n++) {
                        // = Evaluation.degrade, the blur computed once for all noise levels
                        Setting setting = new Setting(SCALES[si], SIGMAS[n]);
                        Image lr = Degradations.addGaussianNoise(clean, SIGMAS[n],
                                Evaluation.noiseSeed(name, k + 1, setting));
                        errors.get(n).get(si).add(NoiseEstimator.DEFAULT.estimate(lr).sigma() - SIGMAS[n]);
                    }
                }
            }
            done++;
            System.err.printf(Locale.ROOT, "bench noise: %d/%d images (%.0f s)%n", done, images.size(),
                    (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf(Locale.ROOT, "%6s %6s %7s %6s %7s %7s %7s %7s%n", "sigma", "MAE", "bias", "max", "MAE x1",
                "MAE x2", "MAE x3", "MAE x4");
        for (int n = 0; n < SIGMAS.length; n++) {
            List<Double> all = new ArrayList<>();
            errors.get(n).forEach(all::addAll);
            StringBuilder perScale = new StringBuilder();
            for (List<Double> e : errors.get(n)) {
                perScale.append(String.format(Locale.ROOT, " %7.3f", meanAbs(e)));
            }
            System.out.printf(Locale.ROOT, "%6s %6.3f %+7.3f %6.2f%s%n", new Setting(1, SIGMAS[n]).sigmaText(),
                    meanAbs(all), all.stream().mapToDouble(Double::doubleValue).average().orElse(0),
                    all.stream().mapToDouble(Math::abs).max().orElse(0), perScale);
        }
        System.out.printf(Locale.ROOT, "%d estimates in %.0f s%n", images.size() * SCALES.length * kernels.size()
                * SIGMAS.length, (System.nanoTime() - t0) / 1e9);
    }

    private static double meanAbs(List<Double> e) {
        return e.stream().mapToDouble(Math::abs).average().orElse(0);
    }
}
