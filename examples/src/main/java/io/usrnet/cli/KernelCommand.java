package io.usrnet.cli;

import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code usrnet kernel}: synthesise a Gaussian, linear-motion or disk (defocus) kernel with
 * {@link Kernels}, write it for {@code --kernel} of restore, solve and degrade, and a preview picture.
 *
 * <p>Only odd sizes are accepted: the kernels are centred on tap ((N−1)/2, (N−1)/2), which is the
 * convolution centre ⌊N/2⌋ only for odd N; an even kernel would shift every image it blurs or
 * restores by half a pixel.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {
            "Synthesise a blur kernel, centred on the middle tap, summing to 1, for --kernel of restore, solve "
                    + "and degrade; and a picture of it for viewing.",
            "Angles are in degrees: 0 is horizontal, positive angles turn from right towards down as displayed "
                    + "(clockwise on screen)."})
final class KernelCommand implements Callable<Integer> {
    /** The largest kernel side written; wider blurs are not what the model is conditioned on. */
    static final int MAX_SIZE = 1023;
    /** The side the preview is enlarged to, about: each tap becomes a block of max(1, 256 / N) pixels. */
    static final int PREVIEW_SIDE = 256;

    /** Exactly one family of kernels. */
    static final class Family {
        @Option(names = "--gaussian", required = true, paramLabel = "SX,SY,ANGLE",
                description = "Gaussian of standard deviations SX along the direction ANGLE and SY across it "
                        + "(pixels); SX = SY gives an isotropic one.")
        String gaussian;

        @Option(names = "--motion", required = true, paramLabel = "LENGTH,ANGLE",
                description = "Uniform linear motion: a centred segment of LENGTH pixels in the direction ANGLE, "
                        + "anti-aliased.")
        String motion;

        @Option(names = "--disk", required = true, paramLabel = "RADIUS",
                description = "Defocus: a uniform disc of RADIUS pixels, each tap the area of its pixel inside "
                        + "the disc.")
        Double disk;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Family family;

    @Option(names = "--size", paramLabel = "N",
            description = "Odd side of the kernel, at most " + MAX_SIZE + " (an even kernel would shift images by "
                    + "half a pixel). Default: the smallest odd size that holds the kernel: 2*ceil(3*max(SX, SY)) + 1 "
                    + "for a Gaussian, LENGTH*max(|cos|, |sin|) + 1 rounded up for motion, 2*RADIUS rounded up "
                    + "for a disk.")
    Integer size;

    @Option(names = "--output", required = true, paramLabel = "K",
            description = "Output file, as --kernel reads it: .npy (a float64 H×W array) or .txt (one row per "
                    + "line).")
    Path output;

    @Option(names = "--preview", paramLabel = "PNG",
            description = "Preview picture, a PNG (default: beside the output, named like it): the kernel "
                    + "divided by its maximum, in grey, each tap a block of max(1, 256/N) pixels.")
    Path preview;

    @Option(names = "--no-preview", description = "Write no preview picture.")
    boolean noPreview;

    @Option(names = {"-q", "--quiet"}, description = "Do not say what was written.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (preview != null && noPreview) {
            throw new IllegalArgumentException("--preview and --no-preview exclude each other; pass one");
        }
        boolean text = isText(output);
        Path picture = noPreview ? null : preview != null ? preview : siblingPng(output);
        if (picture != null && !extension(picture).equals("png")) {
            throw new IllegalArgumentException("--preview " + picture + ": the preview is a PNG picture; name it .png");
        }
        Synthesis s = synthesise();
        requireWritable("--output", output);
        if (picture != null) {
            requireWritable("--preview", picture);
        }
        Kernel k = s.kernel();
        if (text) {
            AtomicFiles.write(output, tmp -> Files.writeString(tmp, asText(k, s.description()), StandardCharsets.UTF_8));
        } else {
            AtomicFiles.write(output, tmp -> NpyArray.writeKernel(tmp, k));
        }
        Image image = null;
        if (picture != null) {
            image = preview(k);
            ImageFiles.write(picture, ImageData.of(image, SampleFormat.UINT8));
        }
        if (!quiet) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "wrote %s (%s %s kernel, %s)%s%n", output, k.shape(), text ? "text" : "float64",
                    s.description(), picture == null ? ""
                            : " and " + picture + " (" + image.width() + "×" + image.height() + " preview, "
                                    + block(k.height()) + " px per tap)");
            err.flush();
        }
        return 0;
    }

    /** The kernel and the words that describe it, for the "wrote" line. */
    record Synthesis(Kernel kernel, String description) {
    }

    /** The chosen family's kernel at the chosen or default size, the arguments checked. */
    Synthesis synthesise() {
        if (family.gaussian != null) {
            double[] v = numbers("--gaussian", family.gaussian, "SX,SY,ANGLE", 3);
            requirePositive("--gaussian", "SX", v[0]);
            requirePositive("--gaussian", "SY", v[1]);
            double reach = Math.ceil(3 * Math.max(v[0], v[1]));
            int n = chooseSize("--gaussian " + family.gaussian, reach > MAX_SIZE ? Integer.MAX_VALUE : 2 * (int) reach + 1, 1);
            Kernel k = Kernels.anisotropicGaussian(n, v[0], v[1], Math.toRadians(v[2]));
            return new Synthesis(k, String.format(Locale.ROOT, "Gaussian SX %s SY %s at %s°",
                    CliText.number(v[0]), CliText.number(v[1]), CliText.number(v[2])));
        }
        if (family.motion != null) {
            double[] v = numbers("--motion", family.motion, "LENGTH,ANGLE", 2);
            if (v[0] < 0) {
                throw new IllegalArgumentException("--motion " + family.motion + ": LENGTH must be >= 0 (pixels), got "
                        + CliText.number(v[0]));
            }
            int needed = v[0] > 2 * MAX_SIZE ? Integer.MAX_VALUE : Kernels.linearMotionSize(v[0], Math.toRadians(v[1]));
            int n = chooseSize("--motion " + family.motion, needed, needed);
            Kernel k = Kernels.linearMotion(n, v[0], Math.toRadians(v[1]));
            return new Synthesis(k, String.format(Locale.ROOT, "linear motion of length %s at %s°",
                    CliText.number(v[0]), CliText.number(v[1])));
        }
        double radius = family.disk;
        if (!(radius >= 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("--disk: RADIUS must be a finite number >= 0 (pixels), got " + radius);
        }
        int needed = radius > MAX_SIZE ? Integer.MAX_VALUE : Kernels.diskSize(radius);
        int n = chooseSize("--disk " + CliText.number(radius), needed, needed);
        return new Synthesis(Kernels.disk(n, radius), "disk of radius " + CliText.number(radius));
    }

    /**
     * The --size given, checked (odd, at most {@link #MAX_SIZE}, at least {@code minimum}), or the
     * default.
     *
     * @param what     the family's option as given, for the messages
     * @param fallback the default size ({@code Integer.MAX_VALUE} where it would overflow)
     * @param minimum  the smallest size that holds the kernel
     */
    private int chooseSize(String what, int fallback, int minimum) {
        if (size == null) {
            if (fallback > MAX_SIZE) {
                throw new IllegalArgumentException(what + " needs a kernel larger than the largest written, "
                        + MAX_SIZE + "×" + MAX_SIZE);
            }
            return fallback;
        }
        int n = size;
        if (n < 1 || n > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be an odd number from 1 to " + MAX_SIZE + ", got " + n);
        }
        if (n % 2 == 0) {
            throw new IllegalArgumentException("--size must be odd, got " + n + ": restore and degrade centre a kernel "
                    + "on its tap N/2, so an even kernel would shift the image by half a pixel (try " + (n + 1) + ")");
        }
        if (n < minimum) {
            throw new IllegalArgumentException("--size " + n + " is too small for " + what + ": it needs at least "
                    + (minimum > MAX_SIZE ? "more than " + MAX_SIZE : Integer.toString(minimum)));
        }
        return n;
    }

    /** The comma-separated finite numbers of an option, exactly {@code count} of them. */
    static double[] numbers(String option, String value, String form, int count) {
        String[] parts = value.split(",", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException(option + " expects " + form + ", " + count + " numbers separated by "
                    + "commas, got '" + value + "'");
        }
        double[] v = new double[count];
        String[] names = form.split(",");
        for (int i = 0; i < count; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + value + ": " + names[i] + " '" + parts[i].strip()
                        + "' is not a number (expected " + form + ")");
            }
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(option + " " + value + ": " + names[i] + " must be finite, got "
                        + parts[i].strip());
            }
        }
        return v;
    }

    private static void requirePositive(String option, String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(option + ": " + name + " must be > 0 (a standard deviation in pixels), got "
                    + CliText.number(v));
        }
    }

    /** The preview: the kernel divided by its maximum, grey, each tap a square block. */
    static Image preview(Kernel k) {
        double max = 0;
        for (double v : k.toArray()) {
            max = Math.max(max, v);
        }
        int b = block(k.height());
        int h = k.height() * b;
        int w = k.width() * b;
        float[] pixels = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                pixels[i * w + j] = max > 0 ? (float) Math.max(0, k.get(i / b, j / b) / max) : 0;
            }
        }
        return Image.of(1, h, w, pixels);
    }

    /** Pixels per tap in the preview: max(1, 256 / N). */
    static int block(int n) {
        return Math.max(1, PREVIEW_SIDE / n);
    }

    /**
     * The kernel as a text matrix that {@code --kernel FILE.txt} reads back exactly: a comment line,
     * then one row per line, each value as Java's shortest round-tripping decimal.
     */
    private static String asText(Kernel k, String description) {
        StringBuilder sb = new StringBuilder("# usrnet kernel: ").append(description).append(", ").append(k.shape())
                .append('\n');
        for (int i = 0; i < k.height(); i++) {
            for (int j = 0; j < k.width(); j++) {
                sb.append(j == 0 ? "" : " ").append(k.get(i, j));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static boolean isText(Path output) {
        return switch (extension(output)) {
            case "npy" -> false;
            case "txt" -> true;
            default -> throw new IllegalArgumentException("--output " + output
                    + ": a kernel is written as FILE.npy (float64) or FILE.txt; name it so");
        };
    }

    private static String extension(Path p) {
        Path name = p.getFileName();
        String s = name == null ? "" : name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** {@code dir/k.npy} → {@code dir/k.png}. */
    private static Path siblingPng(Path output) {
        String name = output.getFileName().toString();
        return output.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".png");
    }

    /** Fails before anything is written if the file's folder is missing or the file is a folder. */
    private static void requireWritable(String option, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new FileSystemException(dir.toString(), null, "not a directory, so " + option + " cannot be written in it");
            }
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory, expected a file");
        }
    }
}
