package io.usrnet.train;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Decoded training images kept in memory as 8-bit RGB (planar), about 3 bytes per pixel, so a few
 * hundred images fit in a few hundred MB and patches are cut without touching the disk again.
 * Grey images are stored as R = G = B. Immutable and thread-safe.
 */
public final class TrainingImages {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".tif", ".tiff");

    private final List<Path> files;
    private final int[] heights;
    private final int[] widths;
    private final byte[][] pixels;

    private TrainingImages(List<Path> files, int[] heights, int[] widths, byte[][] pixels) {
        this.files = List.copyOf(files);
        this.heights = heights;
        this.widths = widths;
        this.pixels = pixels;
    }

    /** A split of a training folder into images to train on and held-out images to validate on. */
    public record Split(List<Path> training, List<Path> validation) {
        /** Copies the lists. */
        public Split {
            training = List.copyOf(training);
            validation = List.copyOf(validation);
        }
    }

    /**
     * Splits a training folder. Every image file under {@code dir} (recursively; PNG, JPEG, TIFF) is
     * used, in sorted path order. The {@code heldOut} validation images are the last ones of the
     * sub-folder {@code BSDS400} in sorted order when that folder exists (the data set shipped with
     * this project), otherwise the last ones overall; they are excluded from training.
     *
     * @param dir     the training folder (never an evaluation set)
     * @param heldOut the number of validation images, ≥ 0
     * @return the split
     * @throws IOException if the folder cannot be listed or holds too few images
     */
    public static Split split(Path dir, int heldOut) throws IOException {
        if (heldOut < 0) {
            throw new IllegalArgumentException("held-out count must be >= 0, got " + heldOut);
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "training folder not found");
        }
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.filter(Files::isRegularFile).filter(TrainingImages::isImage).sorted().collect(Collectors.toList());
        }
        Path bsds = dir.resolve("BSDS400");
        List<Path> pool = Files.isDirectory(bsds)
                ? all.stream().filter(p -> p.startsWith(bsds)).collect(Collectors.toList()) : all;
        if (pool.size() <= heldOut) {
            throw new IOException("training folder " + dir + " holds " + pool.size() + " candidate images, too few to "
                    + "hold out " + heldOut + " for validation");
        }
        List<Path> validation = new ArrayList<>(pool.subList(pool.size() - heldOut, pool.size()));
        List<Path> training = new ArrayList<>(all);
        training.removeAll(validation);
        return new Split(training, validation);
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /**
     * Decodes images into memory, in parallel on the common pool.
     *
     * @param files image files
     * @return the decoded images, in the order given
     * @throws IOException if a file cannot be read or decoded
     */
    public static TrainingImages load(List<Path> files) throws IOException {
        Objects.requireNonNull(files, "files");
        int n = files.size();
        int[] hs = new int[n];
        int[] ws = new int[n];
        byte[][] px = new byte[n][];
        try {
            IntStream.range(0, n).parallel().forEach(i -> {
                Image img;
                try {
                    img = ImageFiles.readImage(files.get(i));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                hs[i] = img.height();
                ws[i] = img.width();
                px[i] = toBytes(img);
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return new TrainingImages(files, hs, ws, px);
    }

    private static byte[] toBytes(Image img) {
        float[] v = img.toRgb().toArray();
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) Math.round(Math.min(1f, Math.max(0f, v[i])) * 255f);
        }
        return out;
    }

    /** @return the number of images */
    public int size() {
        return files.size();
    }

    /** @return the files, in order */
    public List<Path> files() {
        return files;
    }

    /** @return the height of image i */
    public int height(int i) {
        return heights[i];
    }

    /** @return the width of image i */
    public int width(int i) {
        return widths[i];
    }

    /** @return the bytes held in memory */
    public long memoryBytes() {
        long b = 0;
        for (byte[] p : pixels) {
            b += p.length;
        }
        return b;
    }

    /**
     * A square patch as float RGB in [0, 1], planar, transformed by one of the 8 symmetries of the
     * square.
     *
     * @param image     image index
     * @param top       top row of the patch in the image
     * @param left      left column of the patch in the image
     * @param size      side of the patch
     * @param transform 0..7: bits 0–1 = number of quarter turns (clockwise), bit 2 = mirror left-right
     *                  before turning
     * @param out       receives 3·size² values at {@code offset}
     * @param offset    where to write
     */
    public void patch(int image, int top, int left, int size, int transform, float[] out, int offset) {
        int h = heights[image];
        int w = widths[image];
        if (top < 0 || left < 0 || top + size > h || left + size > w) {
            throw new IllegalArgumentException("patch " + size + " at (" + top + ", " + left + ") outside image "
                    + h + "×" + w);
        }
        byte[] src = pixels[image];
        int turns = transform & 3;
        boolean mirror = (transform & 4) != 0;
        int last = size - 1;
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                // source coordinates (r, c) in the patch for output (i, j)
                int r;
                int c;
                switch (turns) {
                    case 0 -> { r = i; c = j; }
                    case 1 -> { r = last - j; c = i; }
                    case 2 -> { r = last - i; c = last - j; }
                    default -> { r = j; c = last - i; }
                }
                if (mirror) {
                    c = last - c;
                }
                int s = (top + r) * w + left + c;
                int d = offset + i * size + j;
                for (int ch = 0; ch < 3; ch++) {
                    out[d + ch * size * size] = (src[ch * h * w + s] & 0xff) / 255f;
                }
            }
        }
    }

    /** The whole image i as float RGB. */
    public Image image(int i) {
        float[] v = new float[3 * heights[i] * widths[i]];
        for (int k = 0; k < v.length; k++) {
            v[k] = (pixels[i][k] & 0xff) / 255f;
        }
        return Image.wrap(3, heights[i], widths[i], v);
    }
}
