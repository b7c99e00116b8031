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
 *   <li><b>prior</b>: {@value #NATIVE_FACTOR} × the tensors alive at the peak of one pass of the
 *       ResUNet on one tile (or on the whole image), {@link ResUNetConfig#inferenceBytes}, plus, when
 *       tiled, the tile's Java arrays. The factor is the native memory the engine holds per byte of
 *       live tensors: freed tensors are kept by the allocator for the next ones (the prior module
 *       sets glibc so, see its {@code NativeAllocator}: otherwise every pass page-faults through
 *       fresh memory, several times slower), with the fragmentation that comes with reuse and the
 *       engine's own reordered copies of activations (measured 1.5–2.9×).
 * </ul>
 * The constants were calibrated on the reference machine (2 cores, PyTorch 2.7.1 CPU through DJL,
 * the JVM's default G1 heap) against the measured peak RSS of whole restorations of both published
 * configurations, untiled and tiled, over 4 iterations (the peak grows over the first passes and
 * then settles), with the {@code usrnet} launcher's allocator settings and with a plain {@code java}
 * process's (a Java application's); the estimate was 1.07–1.45× the measurement ({@code usrnet bench
 * memory} prints both; README, "Memory budget"). No process setting is assumed beyond what the
 * library applies itself. It is an estimate: keep some headroom.
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
     * Committed (and touched) heap per live byte of the images' arrays, the JVM's default G1 settings
     * (the peak heap used was 0.8–0.9× the live bytes counted here, the set-up's transient arrays
     * being collected before the prior's peak; the factor covers what G1 commits beyond that).
     */
    public static final double HEAP_FACTOR = 1.3;

    /**
     * Native memory held per byte of the prior's live tensors ({@link ResUNetConfig#inferenceBytes}),
     * freed tensors being kept for reuse: fitted 1.5× (tiny, 1024² whole) to 2.9× (tiny, 2048² in
     * tiles) on single runs, whose peaks vary from run to run by up to 40 %.
     */
    public static final double NATIVE_FACTOR = 3.0;

    /**
     * The size of the prior's widest activation up to which {@link #chooseTile} grows a tile: 60 MiB,
     * below glibc's 64 MiB per-thread heaps with room for the padding to multiples of 8.
     */
    public static final long FAST_TENSOR_BYTES = 60L << 20;

    /**
     * Bytes of live arrays per restored (HR) pixel: x, z; the OTF; the data step's one scratch
     * spectrum (channels take turns); the tiling's weight sum.
     */
    private static final double BYTES_PER_HR_PIXEL = 2 * 3 * Float.BYTES + Double.BYTES + Double.BYTES
            + Float.BYTES;
    /**
     * Transient per HR pixel while the restoration is set up, left for the collector: with the
     * smooth boundary the extension's upsampled and extended copies (x₀ itself is upsampled in
     * place, and the data step transforms the kernel's periodic grid one row block at a time).
     */
    private static final double SETUP_BYTES_PER_HR_PIXEL = 2 * 3 * Float.BYTES;
    /** Per LR pixel: y, ⇓s|FB|², 3 complex LR spectra and the one complex correction term. */
    private static final double BYTES_PER_LR_PIXEL = 3 * Float.BYTES + Double.BYTES + 3 * 2 * Double.BYTES
            + 2 * Double.BYTES;

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
     * The largest tile side that {@link #chooseTile} picks, even where more would fit: the side at
     * which the prior's widest activation ({@code nc0} channels of float32) reaches
     * {@value #FAST_TENSOR_BYTES} bytes (984 for the tiny model, 488 for the full one), a multiple
     * of {@value Tiling#ALIGN}. Larger tiles and whole large images were slower per pixel, not faster
     * (4 iterations, random weights: tiny model, 2048² output, whole image 22.3 s, tiles of 464–1056
     * 14.5–16.2 s; full model, 1024², whole 39.7 s, 3×3 tiles of 384 41.8 s, 5×5 of 256 50.4 s),
     * and a Java application's threads get tensors above 64 MiB as fresh mappings from glibc, which
     * page-fault on every pass (its per-thread arenas hold at most 64 MiB per block).
     */
    public int fastTile() {
        double pixels = (double) FAST_TENSOR_BYTES / (Float.BYTES * prior.widths()[0]);
        return Math.max(Tiling.MIN_TILE, (int) Math.sqrt(pixels) / Tiling.ALIGN * Tiling.ALIGN);
    }

    /**
     * The prior on {@code height × width} tiles of a larger image: {@value #NATIVE_FACTOR} ×
     * {@link ResUNetConfig#inferenceBytes} plus the tile's input and output arrays on the Java heap
     * (an untiled pass works on the restoration's own arrays: {@link #wholePriorBytes}).
     */
    public long priorBytes(int height, int width) {
        return wholePriorBytes(height, width) + 2L * prior.imageChannels() * Float.BYTES * height * width;
    }

    /**
     * The prior on a whole {@code height × width} image: {@value #NATIVE_FACTOR} ×
     * {@link ResUNetConfig#inferenceBytes}.
     */
    public long wholePriorBytes(long height, long width) {
        return (long) Math.ceil(NATIVE_FACTOR * prior.inferenceBytes(height, width));
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
        return runtimeBytes() + weightBytes() + imageBytes(lrHeight, lrWidth, scale)
                + priorPartBytes(lrHeight, lrWidth, scale, tile);
    }

    /**
     * The prior's part of {@link #peakBytes}: {@link #priorBytes} on the {@linkplain Tiling#side
     * balanced tiles} of at most {@code tile} (0 = the whole image), or {@link #wholePriorBytes}
     * when one tile covers the image.
     *
     * @throws IllegalArgumentException for sizes below 1 or an invalid tile size
     */
    public long priorPartBytes(int lrHeight, int lrWidth, int scale, int tile) {
        Tiling.requireTileSize(tile);
        checkedPixels(lrHeight, lrWidth, scale);
        long h = (long) lrHeight * scale;
        long w = (long) lrWidth * scale;
        boolean tiled = tile != 0 && (h > tile || w > tile);
        return tiled ? priorBytes(Tiling.side((int) h, tile), Tiling.side((int) w, tile)) : wholePriorBytes(h, w);
    }

    /**
     * The prior's tile size for a memory budget: 0 (the whole image) if its estimated peak fits and
     * it is {@linkplain #fastTile() no larger than the fastest tiles}, else the largest tile side (a
     * multiple of {@value Tiling#ALIGN}, at least {@value Tiling#MIN_TILE}, at most
     * {@link #fastTile()}) whose estimated peak fits. Tiles are {@linkplain Tiling#side balanced}, so
     * a larger tile side means fewer tiles and less overlap computed twice.
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
        long side = Math.max((long) lrHeight, lrWidth) * scale;
        if (side <= fastTile() && peakBytes(lrHeight, lrWidth, scale, 0) <= budgetBytes) {
            return 0;
        }
        for (long t = Math.min(Math.min(side - 1, fastTile()), Integer.MAX_VALUE) / Tiling.ALIGN * Tiling.ALIGN;
                t >= Tiling.MIN_TILE;
                t -= Tiling.ALIGN) {
            if (peakBytes(lrHeight, lrWidth, scale, (int) t) <= budgetBytes) {
                return (int) t;
            }
        }
        long h = (long) lrHeight * scale;
        long w = (long) lrWidth * scale;
        boolean tiles = side > Tiling.MIN_TILE;
        int smallest = tiles ? Tiling.MIN_TILE : 0;
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "a memory budget of %s is too small to restore %d×%d at scale %d (%d×%d out) with the %s prior: "
                        + "even %s needs an estimated %s (runtime %s, weights %s, O(H·W) image arrays %s, prior %s)",
                formatBytes(budgetBytes), lrHeight, lrWidth, scale, h, w, widths(),
                tiles ? "the smallest tile (" + Tiling.side((int) h, smallest) + "×" + Tiling.side((int) w, smallest)
                        + ")" : "the whole image",
                formatBytes(peakBytes(lrHeight, lrWidth, scale, smallest)), formatBytes(runtimeBytes()),
                formatBytes(weightBytes()), formatBytes(imageBytes(lrHeight, lrWidth, scale)),
                formatBytes(priorPartBytes(lrHeight, lrWidth, scale, smallest))));
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
