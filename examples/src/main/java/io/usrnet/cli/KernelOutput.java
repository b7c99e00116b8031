package io.usrnet.cli;

import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options and the writing of a kernel file, shared by the commands that make kernels ({@code kernel},
 * {@code estimate-kernel}): {@code --output} (.npy float64 or .txt, as {@code --kernel} reads it,
 * written atomically) and a preview picture ({@code --preview}, {@code --no-preview}).
 */
final class KernelOutput {
    /** The side the preview is enlarged to, about: each tap becomes a block of max(1, 256 / N) pixels. */
    static final int PREVIEW_SIDE = 256;

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

    /**
     * Checks the options before any work is done: a known output extension, a PNG preview, the two
     * preview options not both given, and folders that exist.
     */
    void check() throws IOException {
        if (preview != null && noPreview) {
            throw new IllegalArgumentException("--preview and --no-preview exclude each other; pass one");
        }
        isText(output);
        Path picture = picture();
        if (picture != null && !extension(picture).equals("png")) {
            throw new IllegalArgumentException("--preview " + picture + ": the preview is a PNG picture; name it .png");
        }
        requireWritable("--output", output);
        if (picture != null) {
            requireWritable("--preview", picture);
        }
    }

    /**
     * Writes {@code k} to {@code --output} and its preview picture (unless {@code --no-preview}), and
     * unless {@code --quiet} says so on {@code err}: {@code wrote k.npy (25×25 float64 kernel, …)}.
     *
     * @param description what the kernel is, for the text file's comment and the message
     */
    void write(Kernel k, String description, PrintWriter err) throws IOException {
        boolean text = isText(output);
        if (text) {
            AtomicFiles.write(output, tmp -> Files.writeString(tmp, asText(k, description), StandardCharsets.UTF_8));
        } else {
            AtomicFiles.write(output, tmp -> NpyArray.writeKernel(tmp, k));
        }
        Path picture = picture();
        Image image = null;
        if (picture != null) {
            image = preview(k);
            ImageFiles.write(picture, ImageData.of(image, SampleFormat.UINT8));
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "wrote %s (%s %s kernel, %s)%s%n", output, k.shape(), text ? "text" : "float64",
                    description, picture == null ? ""
                            : " and " + picture + " (" + image.width() + "×" + image.height() + " preview, "
                                    + block(k.height()) + " px per tap)");
            err.flush();
        }
    }

    /** The preview file, or null for none. */
    private Path picture() {
        return noPreview ? null : preview != null ? preview : siblingPng(output);
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
