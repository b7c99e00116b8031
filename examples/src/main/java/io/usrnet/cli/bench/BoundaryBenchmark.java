package io.usrnet.cli.bench;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Boundary;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.PeriodicExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures {@link Boundary#PERIODIC} against {@link Boundary#SMOOTH} on real images: centre crops of
 * every 8th image of a directory (CBSD68), blurred with a <em>non-circular</em> (mirror-reflect)
 * convolution ({@link Degradations#blurReflect}), decimated by s = 2 and 4, σ = 0, restored by one
 * learning-free data step ({@link DataStep#solve}, α fixed, x = nearest upsampling). Prints the mean
 * PSNR (RGB, 8-bit, {@link Metrics#psnr}) of the whole image, of the border band (outer
 * {@value #BAND} px) and of the interior; a circular-blur control shows what smooth costs when the
 * model is exact. Usage: {@code BoundaryBenchmark DIR [crop] [alpha]} (default 128, 0.01).
 */
public final class BoundaryBenchmark {
    /** Width of the border band in HR pixels. */
    static final int BAND = 16;

    private BoundaryBenchmark() {
    }

    /**
     * Runs the measurement.
     *
     * @param args the image directory, then optionally the HR crop size and α
     * @throws IOException if an image cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: bench boundary DIR [crop] [alpha]");
        }
        Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("bench boundary " + dir + ": folder not found; pass a folder of PNG "
                    + "images (the README's figures are on CBSD68)");
        }
        int crop = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        double alpha = args.length > 2 ? Double.parseDouble(args[2]) : 0.01;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
            files = java.util.stream.IntStream.range(0, all.size()).filter(i -> i % 8 == 0).mapToObj(all::get).toList();
        }
        System.out.printf(Locale.ROOT, "Boundary benchmark: %d images of %s, %d×%d centre crops, one data step "
                + "alpha=%s, sigma=0, PSNR (RGB) in dB, border band = outer %d px%n", files.size(), dir, crop, crop,
                alpha, BAND);
        System.out.printf(Locale.ROOT, "%-8s %-2s %-9s %8s %8s %9s%n", "blur", "s", "boundary", "whole", "border",
                "interior");
        for (boolean reflect : new boolean[] {true, false}) {
            for (int s : new int[] {2, 4}) {
                // Real-application widths of PROTOCOL.md §4 ("others"): 0.7 for s = 2, 2.0 for s = 4.
                Kernel k = Kernels.gaussian(25, s == 2 ? 0.7 : 2.0);
                double[][] sums = new double[2][3];
                for (Path f : files) {
                    Image hr = centreCrop(ImageFiles.read(f).color(), crop);
                    Image blurred = reflect ? Degradations.blurReflect(hr, k) : Degradations.blur(hr, k);
                    Image y = Degradations.decimate(blurred, s);
                    for (Boundary b : Boundary.values()) {
                        Degradation d = Degradation.builder().kernel(k).scale(s).boundary(b).build();
                        double[] m = measure(DataStep.solve(d, y, null, alpha), hr);
                        for (int i = 0; i < 3; i++) {
                            sums[b.ordinal()][i] += m[i] / files.size();
                        }
                    }
                }
                for (Boundary b : Boundary.values()) {
                    double[] m = sums[b.ordinal()];
                    System.out.printf(Locale.ROOT, "%-8s %-2d %-9s %8.2f %8.2f %9.2f%n", reflect ? "reflect" : "circular",
                            s, b.name().toLowerCase(Locale.ROOT), m[0], m[1], m[2]);
                }
            }
        }
    }

    /** PSNR of the whole image, of the outer {@link #BAND} px, of the rest. */
    static double[] measure(Image out, Image ref) {
        double whole = Metrics.psnr(out, ref, 0);
        double inner = Metrics.psnr(out, ref, BAND);
        long n = (long) ref.height() * ref.width();
        long nInner = (long) (ref.height() - 2 * BAND) * (ref.width() - 2 * BAND);
        double mseBand = (mse(whole) * n - mse(inner) * nInner) / (n - nInner);
        return new double[] {whole, 10 * Math.log10(255.0 * 255.0 / mseBand), inner};
    }

    private static double mse(double psnr) {
        return 255.0 * 255.0 * Math.pow(10, -psnr / 10);
    }

    private static Image centreCrop(Image x, int size) {
        return Degradations.crop(x, (x.height() - size) / 2, (x.width() - size) / 2, size, size);
    }
}
