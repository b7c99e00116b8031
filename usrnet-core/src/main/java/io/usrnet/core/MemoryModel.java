package io.usrnet.core;

import io.usrnet.core.weights.ModelConfig;
import io.usrnet.prior.ResUNetConfig;
import io.usrnet.prior.Tiling;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimated peak memory (resident set size of the whole process) of a {@link Restorer#restore}
 * call, and the choice of the prior's tile size for a memory budget
 * ({@link RestoreOptions.Builder#maxMemoryBytes(long)}, {@code usrnet restore --max-memory}).
 *
 * <p>The estimate is the sum of four parts:
 * <ul>
 *   <li><b>runtime</b>: the JVM, DJL and the PyTorch native library, {@value #RUNTIME_BYTES} bytes;
 *   <li><b>weights</b>: {@value #WEIGHT_COPIES} float32 copies of every parameter (the file's bytes,
 *       the Java arrays read from them, the copy handed to the prior, the native tensors and the
 *       engine's while loading them);
 *   <li><b>images</b>: the O(H·W) arrays of the restoration at the restored size H×W, all on the
 *       Java heap — the estimates x and z (float), the data step's OTF and scratch spectra (double
 *       precision half spectra, {@link io.usrnet.data.DataStep}), its per-LR-pixel arrays, the
 *       tiling's weight sum and the transient arrays of the set-up — times {@value #HEAP_FACTOR}
 *       for the garbage the collector leaves between collections;
 *   <li><b>prior</b>: one pass of the ResUNet on one tile (or on the whole image),
 *       {@link ResUNetConfig#inferenceBytes}, plus, when tiled, the tile's Java arrays.
 * </ul>
 * The constants were calibrated on the reference machine (2 cores, PyTorch 2.7.1 CPU through DJL,
 * G1 with the heap settings below) against the measured peak RSS of whole restorations of both
 * published configurations, untiled and tiled; the estimate was 1.1–1.5× the measurement
 * ({@code usrnet bench memory} prints both; README, "Speed"). It assumes the process settings of
 * {@code usrnet restore --max-memory}: glibc returns large blocks to the system when they are freed
 * ({@code MALLOC_MMAP_THRESHOLD_=1048576}; the launcher's default speed settings keep freed tensors
 * in the process, where they fragment and the peak grows over repeated passes), and the Java heap
 * is kept close to what is live ({@code -Xms16m -XX:GCTimeRatio=1 -XX:MinHeapFreeRatio=10
 * -XX:MaxHeapFreeRatio=20}; with the JVM's defaults G1 commits two to three times the live arrays,
 * differently from run to run). It is an estimate: keep some headroom.
 *
 * <p>Immutable and thread-safe.
 */
public final class MemoryModel {
    /** JVM, DJL and libtorch, measured with the tiny model on a small image. */
    public static final long RUNTIME_BYTES = 190L << 20;
    /**
     * Float32 copies of the weights in the process at the peak: the file's bytes, the arrays read
     * from them, the copy handed to the prior, the native tensors and what the engine allocated while
     * loading them (4 fitted the full model's weights made in memory; a file adds its bytes).
     */
    public static final int WEIGHT_COPIES = 5;
    /**
     * Committed (and touched) heap per live byte of the images' arrays with the heap settings of
     * {@code usrnet restore --max-memory} (measured 1.2×; with the JVM's defaults G1 commits 2–3×).
     */
    public static final double HEAP_FACTOR = 1.3;

    /** Bytes of live arrays per restored (HR) pixel: x, z; the OTF; 3 scratch spectra; the tiling's weight sum. */
    private static final double BYTES_PER_HR_PIXEL = 2 * 3 * Float.BYTES + Double.BYTES + 3 * Double.BYTES
            + Float.BYTES;
    /** Transient per HR pixel while the restoration is set up: the upsampled copy and the PSF plane. */
    private static final double SETUP_BYTES_PER_HR_PIXEL = 2 * 3 * Float.BYTES + Double.BYTES;
    /** Per LR pixel: y, ⇓s|FB|², 3 complex LR spectra and 3 complex correction terms. */
    private static final double BYTES_PER_LR_PIXEL = 3 * Float.BYTES + Double.BYTES + 2 * 3 * 2 * Double.BYTES;

    /** A size: number, optional unit, optional "b" or "ib". */
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?");

    private final ModelConfig config;
    private final ResUNetConfig prior;

    private MemoryModel(ModelConfig config) {
        this.config = config;
        this.prior = config.priorConfig();
    }

    /** The memory model of a network with this configuration. */
    public static MemoryModel of(ModelConfig config) {
        return new MemoryModel(Objects.requireNonNull(config, "config"));
    }

    /** The JVM, DJL and the native library: {@link #RUNTIME_BYTES}. */
    public long runtimeBytes() {
        return RUNTIME_BYTES;
    }

    /** The weights: {@link #WEIGHT_COPIES} float32 copies of every parameter. */
    public long weightBytes() {
        return WEIGHT_COPIES * Float.BYTES * config.parameterCount();
    }

    /**
     * The O(H·W) arrays of restoring an {@code lrHeight × lrWidth} image at this scale (Java heap,
     * including the collector's slack).
     */
    public long imageBytes(int lrHeight, int lrWidth, int scale) {
        checkedPixels(lrHeight, lrWidth, scale);
        double lr = (double) lrHeight * lrWidth;
        double hr = lr * scale * scale;
        double live = (BYTES_PER_HR_PIXEL + SETUP_BYTES_PER_HR_PIXEL) * hr + BYTES_PER_LR_PIXEL * lr;
        return (long) Math.ceil(HEAP_FACTOR * live);
    }

    /**
     * One pass of the prior on a {@code height × width} tile of a larger image:
     * {@link ResUNetConfig#inferenceBytes} plus the tile's input and output arrays on the Java heap
     * (an untiled pass works on the restoration's own arrays: {@link ResUNetConfig#inferenceBytes}
     * alone).
     */
    public long priorBytes(int height, int width) {
        return prior.inferenceBytes(height, width) + 2L * prior.imageChannels() * Float.BYTES * height * width;
    }

    /**
     * Estimated peak of restoring an {@code lrHeight × lrWidth} image at scale {@code scale} with the
     * prior on tiles of side {@code tile} (0 = the whole image).
     *
     * @throws IllegalArgumentException for sizes below 1 or an invalid tile size
     */
    public long peakBytes(int lrHeight, int lrWidth, int scale, int tile) {
        Tiling.requireTileSize(tile);
        checkedPixels(lrHeight, lrWidth, scale);
        long h = (long) lrHeight * scale;
        long w = (long) lrWidth * scale;
        boolean tiled = tile != 0 && (h > tile || w > tile);
        long prior = tiled ? priorBytes((int) Math.min(h, tile), (int) Math.min(w, tile))
                : this.prior.inferenceBytes(h, w);
        return runtimeBytes() + weightBytes() + imageBytes(lrHeight, lrWidth, scale) + prior;
    }

    /**
     * The prior's tile size for a memory budget: 0 (the whole image) if its estimated peak fits,
     * else the largest tile side (a multiple of {@value Tiling#ALIGN}, at least
     * {@value Tiling#MIN_TILE}) whose estimated peak fits.
     *
     * @param lrHeight height of the image to restore (for {@link io.usrnet.data.Boundary#SMOOTH},
     *     the extended one)
     * @param lrWidth its width
     * @param scale the scale factor
     * @param budgetBytes the memory budget for the whole process, in bytes
     * @return the tile side, or 0 for the whole image
     * @throws IllegalArgumentException if even the smallest tile does not fit (the message gives
     *     the estimate part by part), or for invalid sizes or a budget below 1
     */
    public int chooseTile(int lrHeight, int lrWidth, int scale, long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException("the memory budget must be positive, got " + budgetBytes + " bytes");
        }
        checkedPixels(lrHeight, lrWidth, scale);
        if (peakBytes(lrHeight, lrWidth, scale, 0) <= budgetBytes) {
            return 0;
        }
        long side = Math.max((long) lrHeight, lrWidth) * scale;
        for (long t = Math.min(side - 1, Integer.MAX_VALUE) / Tiling.ALIGN * Tiling.ALIGN; t >= Tiling.MIN_TILE;
                t -= Tiling.ALIGN) {
            if (peakBytes(lrHeight, lrWidth, scale, (int) t) <= budgetBytes) {
                return (int) t;
            }
        }
        long h = (long) lrHeight * scale;
        long w = (long) lrWidth * scale;
        boolean tiles = side > Tiling.MIN_TILE;
        int smallest = tiles ? Tiling.MIN_TILE : 0;
        int th = (int) Math.min(h, tiles ? Tiling.MIN_TILE : h);
        int tw = (int) Math.min(w, tiles ? Tiling.MIN_TILE : w);
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "a memory budget of %s is too small to restore %d×%d at scale %d (%d×%d out) with the %s prior: "
                        + "even %s needs an estimated %s (runtime %s, weights %s, O(H·W) image arrays %s, prior %s)",
                formatBytes(budgetBytes), lrHeight, lrWidth, scale, h, w, widths(),
                tiles ? "the smallest tile (" + th + "×" + tw + ")" : "the whole image",
                formatBytes(peakBytes(lrHeight, lrWidth, scale, smallest)), formatBytes(runtimeBytes()),
                formatBytes(weightBytes()), formatBytes(imageBytes(lrHeight, lrWidth, scale)),
                formatBytes(priorBytes(th, tw))));
    }

    /**
     * Bytes for people: {@code 512 B}, {@code 12.3 MB}, {@code 1.78 GB} (binary multiples,
     * 1 MB = 2^20 bytes, as in {@code -Xmx} and {@code --max-memory}).
     */
    public static String formatBytes(long bytes) {
        if (bytes < 1 << 10) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /**
     * Parses a size in bytes as the command line takes it: a number with an optional binary
     * suffix {@code k}, {@code m}, {@code g} or {@code t} (×2^10 … ×2^40, as {@code -Xmx};
     * case-insensitive, a trailing {@code b} or {@code ib} allowed): {@code 4g}, {@code 512m},
     * {@code 1.5G}, {@code 2GiB}, {@code 1000000}.
     *
     * @return the size in bytes, at least 1
     * @throws IllegalArgumentException if the text is not such a size or the size is below 1 byte
     */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(2).isEmpty() && "ib".equals(m.group(3)))) {
            throw new IllegalArgumentException("not a memory size: '" + text + "' (expected a number with an "
                    + "optional unit k, m, g or t, e.g. 4g or 512m)");
        }
        int power = m.group(2).isEmpty() ? 0 : "kmgt".indexOf(m.group(2)) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(1024, power);
        if (!(bytes >= 1) || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("memory size out of range: '" + text + "' (at least 1 byte)");
        }
        return (long) bytes;
    }

    private String widths() {
        int[] nc = prior.widths();
        return nc[0] + "-" + nc[1] + "-" + nc[2] + "-" + nc[3];
    }

    private static long checkedPixels(int lrHeight, int lrWidth, int scale) {
        if (lrHeight < 1 || lrWidth < 1 || scale < 1) {
            throw new IllegalArgumentException("image size and scale must be at least 1, got " + lrHeight + "×"
                    + lrWidth + " at scale " + scale);
        }
        return (long) lrHeight * lrWidth * scale * scale;
    }

    @Override
    public String toString() {
        return "MemoryModel[" + config + "]";
    }
}
