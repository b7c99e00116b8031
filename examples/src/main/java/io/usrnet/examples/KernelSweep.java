package io.usrnet.examples;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.eval.Bicubic;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A kernel-conditioned experiment: degrade one sharp image with a family of synthetic kernels
 * ({@link Kernels}), restore each with USRNet (the built-in model) and tabulate and plot the PSNR
 * against the kernel's parameter, with the nearest-neighbour and bicubic upsamplings of the LR image
 * as baselines.
 *
 * <pre>
 * java -cp "examples/target/usrnet-examples.jar:examples/target/lib/*" io.usrnet.examples.KernelSweep \
 *     [--family gaussian|motion|disk] [--values V,V,...] [--image HR] [--crop N] [--scale S] \
 *     [--sigma SIGMA] [--out DIR]
 * </pre>
 *
 * <p>Defaults: isotropic Gaussians of width 0.5, 1.0, …, 4.0 (motion: lengths 3, 6, …, 21 at 0°; disk:
 * radii 1, 2, …, 6), the centre 128×128 of {@code samples/butterfly.png}, s = 2, σ = 2.55, output in
 * {@code kernel-sweep/}. Every kernel gets the same noise (seed 0), so the rows differ by the blur
 * alone. PSNR is the Table-1 one ({@link Metrics#psnr} on RGB, border s²). Written: {@code sweep.csv},
 * {@code sweep.md} (the same table in Markdown) and {@code sweep.png} (the plot).
 */
public final class KernelSweep {
    /** The kernel families swept, each with its parameter and default values. */
    public enum Family {
        /** Isotropic Gaussians ({@link Kernels#anisotropicGaussian} with equal widths), parameter: σ in pixels. */
        GAUSSIAN("Gaussian width (px)", "gaussian_width", 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0),
        /** Horizontal linear motion ({@link Kernels#linearMotion} at 0°), parameter: length in pixels. */
        MOTION("motion length (px)", "motion_length", 3, 6, 9, 12, 15, 18, 21),
        /** Defocus discs ({@link Kernels#disk}), parameter: radius in pixels. */
        DISK("disk radius (px)", "disk_radius", 1, 2, 3, 4, 5, 6);

        private final String axis;
        private final String column;
        private final double[] defaults;

        Family(String axis, String column, double... defaults) {
            this.axis = axis;
            this.column = column;
            this.defaults = defaults;
        }

        /** The default parameter values (a copy). */
        public double[] defaults() {
            return defaults.clone();
        }

        /** The kernel of this family with parameter {@code p}, at the smallest odd size that holds it. */
        public Kernel kernel(double p) {
            return switch (this) {
                case GAUSSIAN -> Kernels.anisotropicGaussian(2 * (int) Math.ceil(3 * p) + 1, p, p, 0);
                case MOTION -> Kernels.linearMotion(Kernels.linearMotionSize(p, 0), p, 0);
                case DISK -> Kernels.disk(Kernels.diskSize(p), p);
            };
        }
    }

    /** One kernel's results: PSNR in dB of the restoration and of the two upsampling baselines. */
    public record Row(double parameter, String kernelShape, double usrnet, double bicubic, double nearest) {
    }

    private KernelSweep() {
    }

    /**
     * Degrades {@code hr} with each kernel of the family, restores it and measures the PSNRs.
     *
     * @param hr       the sharp image; its height and width must be multiples of {@code scale}
     * @param family   the kernels
     * @param values   the family's parameter values, one row each
     * @param scale    the scale factor s
     * @param sigma    the noise level in [0, 255] units
     * @param restorer the model
     */
    public static List<Row> sweep(Image hr, Family family, double[] values, int scale, double sigma,
            Restorer restorer) {
        List<Row> rows = new ArrayList<>();
        int border = scale * scale;
        for (double p : values) {
            Kernel k = family.kernel(p);
            Degradation d = Degradation.of(k, scale, sigma);
            Image lr = d.apply(hr, 0);
            Image sr = restorer.restore(lr, d);
            rows.add(new Row(p, k.shape(), Metrics.psnr(sr, hr, border),
                    Metrics.psnr(Bicubic.upsample(lr, scale), hr, border),
                    Metrics.psnr(Degradations.upsampleNearest(lr, scale), hr, border)));
        }
        return rows;
    }

    /** The centre {@code size}×{@code size} of an image (its whole side where smaller), cut to a multiple of s. */
    public static Image centreCrop(Image x, int size, int scale) {
        int h = Math.min(size, x.height()) / scale * scale;
        int w = Math.min(size, x.width()) / scale * scale;
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("a " + size + "-pixel crop of a " + x.height() + "×" + x.width()
                    + " image holds no multiple of the scale " + scale);
        }
        return Degradations.crop(x, (x.height() - h) / 2, (x.width() - w) / 2, h, w);
    }

    /** The table as CSV: the parameter, the kernel's shape and the three PSNRs (dB, 2 decimals). */
    public static String csv(Family family, List<Row> rows) {
        StringBuilder sb = new StringBuilder(family.column + ",kernel_size,usrnet_psnr,bicubic_psnr,nearest_psnr\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%.2f,%.2f,%.2f%n", number(r.parameter()),
                    r.kernelShape().replace('×', 'x'), r.usrnet(), r.bicubic(), r.nearest()));
        }
        return sb.toString();
    }

    /** The table in Markdown. */
    public static String markdown(Family family, List<Row> rows) {
        StringBuilder sb = new StringBuilder("| " + family.axis + " | kernel | USRNet PSNR (dB) | bicubic | nearest |\n"
                + "|---:|:---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f |%n", number(r.parameter()),
                    r.kernelShape(), r.usrnet(), r.bicubic(), r.nearest()));
        }
        return sb.toString();
    }

    /**
     * The plot: PSNR against the parameter, one line with markers per method, axes with ticks and
     * labels, a legend, and {@code title} above.
     */
    public static BufferedImage plot(Family family, List<Row> rows, String title) {
        int width = 720;
        int height = 440;
        int left = 70;
        int right = 20;
        int top = 40;
        int bottom = 55;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            double xMin = Double.POSITIVE_INFINITY;
            double xMax = Double.NEGATIVE_INFINITY;
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (Row r : rows) {
                xMin = Math.min(xMin, r.parameter());
                xMax = Math.max(xMax, r.parameter());
                for (double v : new double[] {r.usrnet(), r.bicubic(), r.nearest()}) {
                    if (Double.isFinite(v)) {
                        yMin = Math.min(yMin, v);
                        yMax = Math.max(yMax, v);
                    }
                }
            }
            if (xMax == xMin) { // one kernel: a unit-wide axis around it
                xMin -= 0.5;
                xMax += 0.5;
            }
            double yStep = niceStep((yMax - yMin) / 6);
            yMin = Math.floor(yMin / yStep) * yStep;
            yMax = Math.max(Math.ceil(yMax / yStep) * yStep, yMin + yStep);
            double xPad = (xMax - xMin) * 0.05;
            Axis x = new Axis(xMin - xPad, xMax + xPad, left, width - right);
            Axis y = new Axis(yMin, yMax, height - bottom, top);

            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            // grid and y ticks
            for (double v = yMin; v <= yMax + yStep / 2; v += yStep) {
                int py = y.pixel(v);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left, py, width - right, py);
                g.setColor(Color.BLACK);
                g.drawLine(left - 4, py, left, py);
                String label = String.format(Locale.ROOT, yStep < 1 ? "%.1f" : "%.0f", v);
                g.drawString(label, left - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
            }
            // x ticks at the swept values
            for (Row r : rows) {
                int px = x.pixel(r.parameter());
                g.drawLine(px, height - bottom, px, height - bottom + 4);
                String label = number(r.parameter());
                g.drawString(label, px - fm.stringWidth(label) / 2, height - bottom + 6 + fm.getAscent());
            }
            g.drawRect(left, top, width - left - right, height - top - bottom);
            // axis labels and title
            String xLabel = family.axis;
            g.drawString(xLabel, left + (width - left - right - fm.stringWidth(xLabel)) / 2, height - 12);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            String yLabel = "PSNR (dB)";
            rotated.drawString(yLabel, -(top + (height - top - bottom + fm.stringWidth(yLabel)) / 2), 18);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, left, top - 14);
            // the series, then the legend
            String[] names = {"USRNet", "bicubic", "nearest"};
            Color[] colors = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44)};
            g.setStroke(new BasicStroke(2f));
            for (int m = 0; m < 3; m++) {
                g.setColor(colors[m]);
                int prevX = -1;
                int prevY = -1;
                for (Row r : rows) {
                    double v = m == 0 ? r.usrnet() : m == 1 ? r.bicubic() : r.nearest();
                    if (!Double.isFinite(v)) {
                        prevX = -1;
                        continue;
                    }
                    int px = x.pixel(r.parameter());
                    int py = y.pixel(v);
                    if (prevX >= 0) {
                        g.drawLine(prevX, prevY, px, py);
                    }
                    g.fillOval(px - 4, py - 4, 8, 8);
                    prevX = px;
                    prevY = py;
                }
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int lx = width - right - 110;
            int ly = top + 10;
            g.setColor(Color.WHITE);
            g.fillRect(lx, ly, 100, 3 * 18 + 8);
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(lx, ly, 100, 3 * 18 + 8);
            for (int m = 0; m < 3; m++) {
                int cy = ly + 14 + m * 18;
                g.setColor(colors[m]);
                g.setStroke(new BasicStroke(2f));
                g.drawLine(lx + 8, cy, lx + 32, cy);
                g.fillOval(lx + 16, cy - 4, 8, 8);
                g.setColor(Color.BLACK);
                g.drawString(names[m], lx + 40, cy + fm.getAscent() / 2 - 1);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Maps data values linearly onto pixels. */
    private record Axis(double from, double to, int pixelFrom, int pixelTo) {
        int pixel(double v) {
            return (int) Math.round(pixelFrom + (v - from) / (to - from) * (pixelTo - pixelFrom));
        }
    }

    /** 1, 2 or 5 times a power of ten, the smallest at least {@code raw}. */
    private static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /**
     * Writes {@code sweep.csv}, {@code sweep.md} and {@code sweep.png} into {@code out} (created if
     * missing), each atomically.
     */
    public static void write(Path out, Family family, List<Row> rows, String title) throws IOException {
        Files.createDirectories(out);
        String csv = csv(family, rows);
        String md = "**" + title + "**\n\n" + markdown(family, rows);
        AtomicFiles.write(out.resolve("sweep.csv"), tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
        AtomicFiles.write(out.resolve("sweep.md"), tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
        BufferedImage plot = plot(family, rows, title);
        AtomicFiles.write(out.resolve("sweep.png"), tmp -> {
            if (!ImageIO.write(plot, "png", tmp.toFile())) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    /**
     * Runs the sweep (see the class comment for the options) and prints the Markdown table.
     *
     * @throws IOException if the image cannot be read or the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        // DJL's start-up messages at INFO would bury the table; an explicit setting is kept
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Family family = Family.GAUSSIAN;
        double[] values = null;
        Path image = Path.of("samples/butterfly.png");
        int crop = 128;
        int scale = 2;
        double sigma = 2.55;
        Path out = Path.of("kernel-sweep");
        try {
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--family" -> family = Family.valueOf(v.toUpperCase(Locale.ROOT));
                    case "--values" -> values = parseValues(v);
                    case "--image" -> image = Path.of(v);
                    case "--crop" -> crop = Integer.parseInt(v);
                    case "--scale" -> scale = Integer.parseInt(v);
                    case "--sigma" -> sigma = Double.parseDouble(v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("KernelSweep: " + e.getMessage());
            System.err.println("usage: KernelSweep [--family gaussian|motion|disk] [--values V,V,...] [--image HR] "
                    + "[--crop N] [--scale S] [--sigma SIGMA] [--out DIR]");
            System.exit(2);
            return;
        }
        if (values == null) {
            values = family.defaults();
        }
        Image hr = centreCrop(ImageFiles.readImage(image), crop, scale);
        String title = String.format(Locale.ROOT, "%s, %d×%d crop, s = %d, σ = %s", image.getFileName(),
                hr.width(), hr.height(), scale, number(sigma));
        long start = System.nanoTime();
        List<Row> rows;
        try (Restorer restorer = Restorer.builder().build()) {
            rows = sweep(hr, family, values, scale, sigma, restorer);
        }
        write(out, family, rows, title);
        System.out.print(markdown(family, rows));
        System.out.printf(Locale.ROOT, "%d kernels in %.1f s; wrote %s, %s and %s%n", rows.size(),
                (System.nanoTime() - start) / 1e9, out.resolve("sweep.csv"), out.resolve("sweep.md"),
                out.resolve("sweep.png"));
    }

    private static double[] parseValues(String text) {
        String[] parts = text.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            v[i] = Double.parseDouble(parts[i].strip());
        }
        return v;
    }

    /** 2 rather than 2.0. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
