package io.usrnet.prior;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import io.usrnet.prior.djl.DjlRuntime;
import io.usrnet.prior.djl.ResUNetBlock;
import io.usrnet.prior.djl.ScriptedResUNet;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The USRNet prior (ResUNet denoiser) ready for inference: fixed weights in native memory and a
 * thread-safe {@link #denoise} call on plain planar {@code float[]} images.
 *
 * <p>A call takes an image of {@code inChannels − 1} channels and a noise-level scalar β; the
 * network sees the image with a constant β map appended as its last channel. Any size
 * {@code H, W ≥ 1} works (the network replicate-pads to a multiple of 8 and crops back).
 * Each call runs in its own DJL {@link NDManager} scope, with PyTorch's autograd recording off, so
 * nothing outlives it; concurrent calls from several threads are safe. {@link #close()} frees the
 * native weights; it waits for calls in progress, and later calls fail with
 * {@link IllegalStateException}.
 *
 * <p>Runs on DJL's PyTorch engine (CPU). This class sets the system property
 * {@code ai.djl.offline=true} when it is absent before it touches DJL, so the engine starts without
 * network access; applications that start DJL themselves first should set it too. The number of
 * intra-op threads follows PyTorch's default (the physical cores) unless the system property
 * {@code ai.djl.pytorch.num_threads} is set before the engine starts.
 *
 * <p>This class only infers. Training uses the same network as a DJL block (package
 * {@code io.usrnet.prior.djl}, exported to the training module only); {@link PriorEngine} starts the
 * engine ahead of the first network.
 */
public final class ResUNet implements AutoCloseable {
    static {
        DjlRuntime.ensureOffline();
    }

    private final ResUNetConfig config;
    private final Precision precision;
    private final NDManager manager;
    /** float32 weights in parameterShapes() order (what {@link #parameters()} returns). */
    private final Map<String, NDArray> weights = new LinkedHashMap<>();
    private final ScriptedResUNet network;
    private final IValue networkWeights; // the weights as the network takes them
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    /** Runs in {@code precision} as given (no CPU check: tests run bf16 anywhere). */
    ResUNet(ResUNetConfig config, Map<String, float[]> parameters, Precision precision) {
        requireExactKernels(config);
        this.config = config;
        this.precision = precision;
        this.manager = DjlRuntime.newManager();
        try {
            for (Map.Entry<String, int[]> e : config.parameterShapes().entrySet()) {
                int[] s = e.getValue();
                weights.put(e.getKey(), manager.create(parameters.get(e.getKey()), new Shape(s[0], s[1], s[2], s[3])));
            }
            network = new ScriptedResUNet(config, precision, manager);
            networkWeights = network.prepare(List.copyOf(weights.values()));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A network with the given weights.
     *
     * @param config the architecture
     * @param parameters every weight of {@link ResUNetConfig#parameterShapes()}, keyed by its
     *     {@code state_dict} name without the {@code p.} prefix ({@code m_head.weight},
     *     {@code m_down1.0.res.0.weight}, {@code m_up3.0.weight}, ...), values in the PyTorch layout
     *     in C order (convolutions {@code [out, in, kh, kw]}, transposed convolutions
     *     {@code [in, out, 2, 2]}); copied, the caller keeps its arrays
     * @return the network; close it to free its native memory
     * @throws IllegalArgumentException if a weight is missing, unknown, of the wrong size or not finite
     * @throws IllegalStateException if DJL's PyTorch engine cannot be loaded
     */
    public static ResUNet create(ResUNetConfig config, Map<String, float[]> parameters) {
        return create(config, parameters, Precision.FP32);
    }

    /**
     * A network with the given weights whose convolutions run in the given precision where this
     * CPU supports it ({@link Precision#resolve()}: BF16 falls back to FP32 on CPUs without
     * bfloat16 instructions; {@link #precision()} tells which runs).
     *
     * @param config the architecture
     * @param parameters as for {@link #create(ResUNetConfig, Map)}
     * @param precision the requested precision
     * @return the network; close it to free its native memory
     * @throws IllegalArgumentException if a weight is missing, unknown, of the wrong size or not finite
     * @throws IllegalStateException if DJL's PyTorch engine cannot be loaded
     */
    public static ResUNet create(ResUNetConfig config, Map<String, float[]> parameters, Precision precision) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(parameters, "parameters");
        Objects.requireNonNull(precision, "precision");
        validateParameters(config, parameters);
        return new ResUNet(config, parameters, precision.resolve());
    }

    /** The oneDNN instruction-set cap under which widths that are not multiples of 16 compute exactly. */
    static final String EXACT_ISA = "SSE41";

    /** True if every width is a multiple of 16, the channel block of the engine's AVX-512 kernels. */
    public static boolean blockAligned(ResUNetConfig config) {
        return Arrays.stream(config.widths()).allMatch(w -> w % 16 == 0);
    }

    /**
     * Refuses widths that are not multiples of 16 unless oneDNN is limited to SSE4.1. Why: on AMD
     * EPYC Zen 5 (family 26) oneDNN's AVX, AVX2 and AVX-512 convolutions in PyTorch 2.7.1 give wrong
     * outputs for such widths (errors up to 17 % of the output range, sometimes NaN, depending on the
     * image size), while block-aligned widths (both published configurations) and the SSE4.1 kernels
     * are exact (issue 11, 2026-12-02). A start-up self-check against a reference missed size-dependent
     * cases, so the only safe rule is this one.
     *
     * <p>Called by every engine network's constructor (inference and training).
     *
     * @throws EngineFaultException for unaligned widths without {@code ONEDNN_MAX_CPU_ISA=SSE41}
     */
    public static void requireExactKernels(ResUNetConfig config) {
        if (blockAligned(config) || EXACT_ISA.equalsIgnoreCase(System.getenv("ONEDNN_MAX_CPU_ISA"))) {
            return;
        }
        throw EngineFaultException.unalignedWidths(config.widths());
    }

    /**
     * A network with seeded random weights ({@link #randomParameters}), for benchmarks and as a
     * starting point.
     *
     * @param config the architecture
     * @param seed the random seed; equal seeds give equal weights
     * @return the network; close it to free its native memory
     * @throws IllegalStateException if DJL's PyTorch engine cannot be loaded
     */
    public static ResUNet random(ResUNetConfig config, long seed) {
        Objects.requireNonNull(config, "config");
        return create(config, randomParameters(config, seed));
    }

    /**
     * Seeded random weights following PyTorch's default initialisation of these layers: each
     * weight uniform in {@code [−b, b]} with {@code b = 1/sqrt(fanIn)}, where PyTorch's
     * {@code fanIn = shape[1]·kh·kw} (for a transposed convolution {@code [in, out, 2, 2]} that is
     * {@code 4·out}, as in PyTorch). Drawn in Java ({@link SplittableRandom}) in
     * {@link ResUNetConfig#parameterShapes()} order, so the values depend only on the seed.
     *
     * @param config the architecture
     * @param seed the random seed
     * @return name (without {@code p.}) → values, PyTorch layout
     */
    public static Map<String, float[]> randomParameters(ResUNetConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : config.parameterShapes().entrySet()) {
            int[] s = e.getValue();
            float[] values = new float[s[0] * s[1] * s[2] * s[3]];
            double bound = 1 / Math.sqrt((double) s[1] * s[2] * s[3]);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            out.put(e.getKey(), values);
        }
        return out;
    }

    private static void validateParameters(ResUNetConfig config, Map<String, float[]> parameters) {
        Map<String, int[]> shapes = config.parameterShapes();
        List<String> unknown = new ArrayList<>();
        for (String name : parameters.keySet()) {
            if (!shapes.containsKey(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            String hint = unknown.stream().anyMatch(n -> n != null && n.startsWith("p."))
                    ? " (names are given without the 'p.' prefix of the full USRNet state_dict)" : "";
            throw new IllegalArgumentException("unknown ResUNet parameter(s) " + abbreviate(unknown) + " for "
                    + config + hint + "; expected names like " + shapes.keySet().iterator().next());
        }
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            String name = e.getKey();
            int[] s = e.getValue();
            float[] values = parameters.get(name);
            if (values == null) {
                throw new IllegalArgumentException("ResUNet parameter '" + name + "' (shape " + Arrays.toString(s)
                        + ") is missing for " + config);
            }
            int expected = s[0] * s[1] * s[2] * s[3];
            if (values.length != expected) {
                throw new IllegalArgumentException("ResUNet parameter '" + name + "' must have shape "
                        + Arrays.toString(s) + " = " + expected + " values, got " + values.length);
            }
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    throw new IllegalArgumentException("ResUNet parameter '" + name + "' holds a non-finite value ("
                            + values[i] + ") at index " + i);
                }
            }
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? names.toString()
                : names.subList(0, 5) + " and " + (names.size() - 5) + " more";
    }

    /** Number of native arrays held by this network (its weights, between calls); for tests. */
    int managedArrayCount() {
        return manager.getManagedArrays().size();
    }

    /** The float32 weights in native memory, for tests in this package. */
    Map<String, NDArray> weightArrays() {
        return weights;
    }

    /** @return the precision the convolutions run in (the requested one, or FP32 where it is not supported) */
    public Precision precision() {
        return precision;
    }

    /** @return the architecture */
    public ResUNetConfig config() {
        return config;
    }

    /**
     * Copies the weights out of native memory.
     *
     * @return name (without {@code p.}) → values in PyTorch layout, in {@code state_dict} order
     * @throws IllegalStateException if closed
     */
    public Map<String, float[]> parameters() {
        lock.readLock().lock();
        try {
            ensureOpen();
            Map<String, float[]> out = new LinkedHashMap<>();
            weights.forEach((name, array) -> out.put(name, array.toFloatArray()));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Denoises an image into a new array.
     *
     * @param imagePlanar the image, {@code channels × height × width} planar (C, then row-major)
     * @param channels must equal {@code config().imageChannels()} (3 for RGB)
     * @param height image height, at least 1
     * @param width image width, at least 1
     * @param beta the value of the constant noise-level map appended as the last input channel
     * @return the network output, {@code config().outChannels() × height × width} planar
     * @see #denoise(float[], int, int, int, float, float[])
     */
    public float[] denoise(float[] imagePlanar, int channels, int height, int width, float beta) {
        float[] out = new float[checkedSize(config.outChannels(), height, width, "output")];
        denoise(imagePlanar, channels, height, width, beta, out);
        return out;
    }

    /**
     * Denoises an image into a caller-supplied array: the ResUNet applied to
     * {@code concat[image, β·1]}. Thread-safe.
     *
     * @param imagePlanar the image, {@code channels × height × width} planar (C, then row-major),
     *     all values finite; not modified
     * @param channels must equal {@code config().imageChannels()} (3 for RGB)
     * @param height image height, at least 1
     * @param width image width, at least 1
     * @param beta the value of the constant noise-level map, finite
     * @param outPlanar receives the output, {@code config().outChannels() × height × width} planar;
     *     its length must be exactly that
     * @throws IllegalArgumentException for sizes that do not match, a too large image, or
     *     non-finite input values
     * @throws IllegalStateException if this network is closed or the engine fails (for instance
     *     out of memory)
     * @throws EngineFaultException if the engine returns a non-finite value (a fault of the engine
     *     on this CPU: the input and the weights are finite)
     */
    public void denoise(float[] imagePlanar, int channels, int height, int width, float beta, float[] outPlanar) {
        Objects.requireNonNull(imagePlanar, "imagePlanar");
        Objects.requireNonNull(outPlanar, "outPlanar");
        if (channels != config.imageChannels()) {
            throw new IllegalArgumentException("the ResUNet takes images of " + config.imageChannels()
                    + " channels (the β map is added inside), got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be at least 1×1, got " + height + "×" + width);
        }
        long hp = ResUNetBlock.paddedSize(height);
        long wp = ResUNetBlock.paddedSize(width);
        int maxChannels = Math.max(config.inChannels(), config.outChannels());
        // the padded input and output are addressed through int-indexed native buffers
        checkedSize(maxChannels, hp, wp, "padded network input");
        int inSize = channels * height * width;
        if (imagePlanar.length != inSize) {
            throw new IllegalArgumentException("image array holds " + imagePlanar.length + " values, but "
                    + channels + "×" + height + "×" + width + " needs " + inSize);
        }
        int outSize = checkedSize(config.outChannels(), height, width, "output");
        if (outPlanar.length != outSize) {
            throw new IllegalArgumentException("output array holds " + outPlanar.length + " values, but "
                    + config.outChannels() + "×" + height + "×" + width + " needs " + outSize);
        }
        if (!Float.isFinite(beta)) {
            throw new IllegalArgumentException("beta must be finite, got " + beta);
        }
        for (int i = 0; i < inSize; i++) {
            if (!Float.isFinite(imagePlanar[i])) {
                int plane = height * width;
                throw new IllegalArgumentException("image holds a non-finite value (" + imagePlanar[i]
                        + ") at channel " + i / plane + ", row " + i % plane / width + ", column " + i % width);
            }
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            run(imagePlanar, channels, height, width, (int) hp, (int) wp, beta, outPlanar);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Denoises an image tile by tile, so that only one tile's network activations are alive at a
     * time: overlapping tiles of at most {@code tile × tile} pixels, aligned to the network's
     * 8-pixel grid, blended across the overlaps ({@link Tiling} describes the overlap and the
     * blending). A tile at least as large as the image gives exactly {@link #denoise(float[], int,
     * int, int, float, float[])}. Thread-safe.
     *
     * @param imagePlanar the image, {@code channels × height × width} planar, all values finite;
     *     not modified
     * @param channels must equal {@code config().imageChannels()}
     * @param height image height, at least 1
     * @param width image width, at least 1
     * @param beta the value of the constant noise-level map, finite
     * @param tile the tile side: 0 for the whole image, else at least {@link Tiling#MIN_TILE} and a
     *     multiple of {@link Tiling#ALIGN}
     * @param outPlanar receives the output, {@code config().outChannels() × height × width} planar;
     *     must not be {@code imagePlanar}
     * @throws IllegalArgumentException for an invalid tile size, sizes that do not match, or
     *     non-finite values
     * @throws IllegalStateException if this network is closed or the engine fails
     * @throws EngineFaultException if the engine returns a non-finite value
     */
    public void denoiseTiled(float[] imagePlanar, int channels, int height, int width, float beta, int tile,
            float[] outPlanar) {
        Tiling.requireTileSize(tile);
        if (tile == 0 || (height <= tile && width <= tile)) {
            denoise(imagePlanar, channels, height, width, beta, outPlanar);
            return;
        }
        Objects.requireNonNull(imagePlanar, "imagePlanar");
        Objects.requireNonNull(outPlanar, "outPlanar");
        if (imagePlanar == outPlanar) {
            throw new IllegalArgumentException("tiled denoising needs distinct input and output arrays");
        }
        int plane = checkedSize(1, height, width, "output");
        int outChannels = config.outChannels();
        if (imagePlanar.length != (long) channels * plane || outPlanar.length != (long) outChannels * plane) {
            throw new IllegalArgumentException("image/output arrays hold " + imagePlanar.length + "/"
                    + outPlanar.length + " values, but " + channels + "/" + outChannels + "×" + height + "×"
                    + width + " needs " + (long) channels * plane + "/" + (long) outChannels * plane);
        }
        int overlap = Tiling.overlap(tile);
        float[] weightSum = new float[plane];
        Arrays.fill(outPlanar, 0f);
        // one input and one output array per tile shape (at most four: inner, right, bottom, corner),
        // reused: no garbage per tile, so the heap does not grow with the number of tiles
        Map<Long, float[][]> buffers = new HashMap<>();
        int tileHeight = Tiling.side(height, tile);
        int tileWidth = Tiling.side(width, tile);
        int[] columns = Tiling.origins(width, tile);
        for (int y0 : Tiling.origins(height, tile)) {
            int y1 = Math.min(height, y0 + tileHeight);
            float[] wy = Tiling.weights(y0, y1, height, overlap);
            for (int x0 : columns) {
                int x1 = Math.min(width, x0 + tileWidth);
                float[] wx = Tiling.weights(x0, x1, width, overlap);
                int th = y1 - y0;
                int tw = x1 - x0;
                float[][] io = buffers.computeIfAbsent((long) th << 32 | tw,
                        key -> new float[][] {new float[channels * th * tw], new float[outChannels * th * tw]});
                float[] in = io[0];
                float[] result = io[1];
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < th; y++) {
                        System.arraycopy(imagePlanar, c * plane + (y0 + y) * width + x0, in, (c * th + y) * tw, tw);
                    }
                }
                denoise(in, channels, th, tw, beta, result);
                for (int y = 0; y < th; y++) {
                    for (int x = 0; x < tw; x++) {
                        float wgt = wy[y] * wx[x];
                        if (wgt == 0) {
                            continue;
                        }
                        int p = (y0 + y) * width + x0 + x;
                        weightSum[p] += wgt;
                        for (int c = 0; c < outChannels; c++) {
                            outPlanar[c * plane + p] += wgt * result[(c * th + y) * tw + x];
                        }
                    }
                }
            }
        }
        for (int p = 0; p < plane; p++) {
            float inv = 1 / weightSum[p];
            for (int c = 0; c < outChannels; c++) {
                outPlanar[c * plane + p] *= inv;
            }
        }
    }

    private void run(float[] image, int channels, int height, int width, int hp, int wp, float beta, float[] out) {
        boolean gradMode = DjlRuntime.setGradMode(false);
        try (NDManager call = manager.newSubManager()) {
            // the padded network input is written straight into the native tensor's memory: the
            // image with replicated bottom rows / right columns, then the constant β plane
            NDArray input = call.create(new Shape(1, config.inChannels(), hp, wp), DataType.FLOAT32);
            FloatBuffer in = input.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            int plane = hp * wp;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < hp; y++) {
                    int src = c * height * width + Math.min(y, height - 1) * width;
                    int dst = c * plane + y * wp;
                    in.put(dst, image, src, width);
                    float edge = image[src + width - 1];
                    for (int x = width; x < wp; x++) {
                        in.put(dst + x, edge);
                    }
                }
            }
            float[] betaRow = new float[wp];
            Arrays.fill(betaRow, beta);
            for (int y = 0; y < hp; y++) {
                in.put(channels * plane + y * wp, betaRow, 0, wp);
            }
            NDArray output = network.forward(input, networkWeights, call);
            FloatBuffer result = output.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (int c = 0; c < config.outChannels(); c++) {
                for (int y = 0; y < height; y++) {
                    result.get(c * plane + y * wp, out, (c * height + y) * width, width);
                }
            }
            // finite input and weights (both validated) give a finite output; anything else is an
            // engine fault (issue 11), reported as such rather than passed on as an image
            EngineFaultException.requireFinite(out, "the ResUNet output (" + config + ", " + height + "×" + width
                    + ")", new int[] {height, width});
        } catch (EngineException e) {
            throw new IllegalStateException("the PyTorch engine failed on a " + config.inChannels() + "×" + hp + "×"
                    + wp + " (padded) ResUNet input: " + e.getMessage(), e);
        } finally {
            DjlRuntime.setGradMode(gradMode);
        }
    }

    private static int checkedSize(long channels, long height, long width, String what) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be at least 1×1, got " + height + "×" + width);
        }
        long n = channels * height * width;
        if (n > (Integer.MAX_VALUE - 8) / Float.BYTES) {
            throw new IllegalArgumentException("image too large for the ResUNet: the " + what + " would hold "
                    + channels + "×" + height + "×" + width + " values");
        }
        return (int) n;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ResUNet is closed");
        }
    }

    /**
     * Frees the native memory of the weights. Waits for calls in progress; idempotent. Any later
     * use throws {@link IllegalStateException}.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                networkWeights.close();
                network.close();
                manager.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "ResUNet[" + config + (precision == Precision.FP32 ? "" : ", " + precision.label()) + "]";
    }
}
