package io.usrnet.core;

import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Boundary;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.PeriodicExtension;
import io.usrnet.hyper.HyperNetwork;
import io.usrnet.hyper.Schedule;
import io.usrnet.prior.PriorEngine;
import io.usrnet.prior.ResUNet;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The USRNet restorer: undoes a known degradation {@code y = (x ⊗ k)↓s + n} by the unfolded
 * network of PROTOCOL.md §6 — the hyper-network gives the schedule α₁..αₙ, β₁..βₙ for (σ, s); from
 * x₀ = nearest-neighbour upsampling of y, each iteration runs the closed-form data step
 * {@code z = argmin ||(z⊗k)↓s − y||² + α||z − x||²} and then the ResUNet prior on {@code [z, β]}.
 *
 * <pre>{@code
 * try (Restorer restorer = Restorer.builder().build()) {           // the built-in model
 *     Image hr = restorer.restore(lr, kernel, 4, 2.55);
 * }
 * try (Restorer restorer = Restorer.builder().weights(Path.of("usrnet.pth")).build()) { ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe: one instance serves concurrent calls from any number of threads,
 * each giving bit for bit the result it would give alone (calls share only the read-only weights;
 * FFT plans and scratch are per thread). It holds the prior's weights in native memory: close it
 * when done; later calls fail with {@link IllegalStateException} ("this Restorer is closed"), and
 * {@link #close()} waits for calls in progress. DJL must start offline: the prior sets the system
 * property {@code ai.djl.offline=true} when absent.
 *
 * <p>Kernels: a kernel whose taps sum to a positive value other than 1 (by more than
 * {@link Kernel#SUM_TOLERANCE}) is normalised to sum 1 before use, and a warning
 * "kernel sums to X, normalised to 1" is logged to the SLF4J logger named
 * {@code io.usrnet.core.Restorer}; {@link #kernelFor(Kernel)} tells which kernel a call uses.
 */
public final class Restorer implements AutoCloseable {
    static {
        PriorEngine.ensureOffline(); // its SLF4J settings must come before the logger below
    }

    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final ModelConfig config;
    private final HyperNetwork hyper;
    private final ResUNet prior;
    private volatile boolean closed;
    private final MemoryModel memory;

    private Restorer(ModelWeights weights) {
        this.config = weights.config();
        this.hyper = weights.hyperNetwork();
        this.prior = ResUNet.create(config.priorConfig(), weights.priorParameters());
        this.memory = MemoryModel.of(config);
    }

    /**
     * A builder. Without {@link Builder#weights(Path)} or {@link Builder#weights(ModelWeights)} it
     * builds the model shipped with the library ({@link ModelWeights#builtIn()}).
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The architecture of the loaded model. */
    public ModelConfig config() {
        return config;
    }

    /** The memory model of this network, which {@link RestoreOptions.Builder#maxMemoryBytes} uses. */
    public MemoryModel memoryModel() {
        return memory;
    }

    /**
     * The prior's tile side that {@link #restore(Image, Kernel, int, double, RestoreOptions)} uses for
     * an {@code lrHeight × lrWidth} image: {@link RestoreOptions#tileSize()}, or with a memory
     * budget the choice of {@link MemoryModel#chooseTile} at the size actually restored (the
     * extended size for {@link Boundary#SMOOTH}).
     *
     * @return the tile side, or 0 for the whole image
     * @throws IllegalArgumentException if the budget is too small even for the smallest tile, or for
     *     sizes or a scale below 1
     */
    public int tileSize(int lrHeight, int lrWidth, int scale, RestoreOptions options) {
        if (options.maxMemoryBytes() == 0) {
            return options.tileSize();
        }
        if (options.boundary() == Boundary.SMOOTH) {
            lrHeight = ceilDiv(PeriodicExtension.paddedHr(lrHeight, scale), scale);
            lrWidth = ceilDiv(PeriodicExtension.paddedHr(lrWidth, scale), scale);
        }
        return memory.chooseTile(lrHeight, lrWidth, scale, options.maxMemoryBytes());
    }

    /**
     * The hyper-network's schedule for noise level {@code sigma255} (in [0, 255] units) and scale.
     *
     * @throws IllegalArgumentException if sigma is negative or not finite, or the scale is below 1
     */
    public Schedule schedule(double sigma255, int scale) {
        return hyper.schedule(sigma255, scale);
    }

    /**
     * Restores {@code lr} with the model's own schedule and all its iterations.
     *
     * @param lr the degraded image, 3 channels (RGB) or 1 (grey: restored as grey R=G=B, the result
     *     is the mean of the output channels); values nominally in [0, 1]
     * @param kernel the blur kernel, not flipped; used as given if its taps sum to 1 within
     *     {@link Kernel#SUM_TOLERANCE}, else normalised to sum 1 with a logged warning (see
     *     {@link #kernelFor(Kernel)})
     * @param scale the integer scale factor s ≥ 1 (1 = deblurring only)
     * @param sigma255 the noise level of {@code lr} in [0, 255] units (the network receives σ/255)
     * @return the restored image, {@code s·h × s·w}, same channel count as {@code lr}, not clamped
     * @throws IllegalArgumentException for invalid arguments (the message says which and why), among
     *     them a kernel whose taps sum to zero or to a negative value
     * @throws IllegalStateException if this restorer is closed
     */
    public Image restore(Image lr, Kernel kernel, int scale, double sigma255) {
        return restore(lr, kernel, scale, sigma255, RestoreOptions.defaults());
    }

    /**
     * Restores {@code lr} with per-call options: an explicit schedule, fewer iterations, a listener,
     * the boundary handling, the prior's tiling or a memory budget ({@link #tileSize(int, int, int,
     * RestoreOptions)}). With {@link Boundary#SMOOTH} the LR is first extended by
     * {@link PeriodicExtension#extendLr} (PROTOCOL.md §3.4), restored at that size and the result
     * cropped to its top-left s·h×s·w; {@link Boundary#PERIODIC} (default) restores it as it is.
     *
     * @see #restore(Image, Kernel, int, double)
     */
    public Image restore(Image lr, Kernel kernel, int scale, double sigma255, RestoreOptions options) {
        Objects.requireNonNull(lr, "lr");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(options, "options");
        if (closed) {
            throw new IllegalStateException("this Restorer is closed");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be a positive integer, got " + scale);
        }
        if (!(sigma255 >= 0) || !Double.isFinite(sigma255)) {
            throw new IllegalArgumentException("sigma must be a finite number >= 0 in [0, 255] units, got " + sigma255);
        }
        if (lr.channels() != 1 && lr.channels() != 3) {
            throw new IllegalArgumentException("the network restores RGB or grey images, got " + lr.channels()
                    + " channels (keep an alpha channel aside)");
        }
        Kernel used = kernelFor(kernel);
        if (used != kernel) {
            LOG.warn(normalisationMessage(kernel));
            kernel = used;
        }
        int tile = tileSize(lr.height(), lr.width(), scale, options); // a too small budget fails here, early
        if (options.boundary() == Boundary.SMOOTH) {
            Image padded = PeriodicExtension.extendLr(lr, scale);
            Image out = restore(padded, kernel, scale, sigma255, options.withBoundary(Boundary.PERIODIC));
            return PeriodicExtension.crop(out, scale * lr.height(), scale * lr.width());
        }
        Schedule schedule = options.schedule().orElseGet(() -> hyper.schedule(sigma255, scale));
        int n = options.iterations() == 0 ? schedule.iterations() : options.iterations();
        if (n > schedule.iterations()) {
            throw new IllegalArgumentException("asked for " + n + " iterations, the schedule has "
                    + schedule.iterations());
        }
        Image y = lr.channels() == 1 ? replicate(lr, 3) : lr;
        long preparing = System.nanoTime();
        DataStep data = DataStep.prepare(kernel, scale, y);
        long prepareNanos = System.nanoTime() - preparing;
        int c = y.channels();
        int h = data.hrHeight();
        int w = data.hrWidth();
        float[] x = Degradation.upsampleNearest(y, scale).toArray();
        float[] z = new float[x.length];
        IterationListener listener = options.listener().orElse(null);
        ProgressListener progress = options.progress().orElse(null);
        StageListener stages = options.stageListener().orElse(null);
        for (int i = 0; i < n; i++) {
            double alpha = schedule.alpha(i);
            double beta = schedule.beta(i);
            long t0 = System.nanoTime();
            data.step(x, alpha, z);
            long t1 = System.nanoTime();
            prior.denoiseTiled(z, c, h, w, (float) beta, tile, x);
            if (stages != null) {
                stages.onStages(i + 1, t1 - t0 + (i == 0 ? prepareNanos : 0), System.nanoTime() - t1);
            }
            if (listener != null) {
                listener.onIteration(new Iteration(i + 1, n, alpha, beta, Image.of(c, h, w, z), Image.of(c, h, w, x)));
            }
            if (progress != null) {
                progress.onProgress(i + 1, n);
            }
        }
        Image out = Image.wrap(c, h, w, x);
        return lr.channels() == 1 ? meanOfChannels(out) : out;
    }

    /**
     * The kernel {@link #restore} uses for {@code kernel}: {@code kernel} itself if its taps sum to
     * 1 within {@link Kernel#SUM_TOLERANCE} (the shipped bicubic kernels, 0.999898..1.000002, are
     * used exactly as stored), else {@link Kernel#normalized()}.
     *
     * @throws IllegalArgumentException if the taps sum to zero ({@link Kernel#requireBlur()}) or to a
     *                                  negative value (normalising would invert the image)
     */
    public static Kernel kernelFor(Kernel kernel) {
        kernel.requireBlur();
        if (kernel.sum() < 0) {
            throw new IllegalArgumentException("the " + kernel.shape() + " kernel sums to " + sumText(kernel)
                    + ": a blur kernel's taps must sum to a positive value (normally 1)");
        }
        return kernel.sumsToOne() ? kernel : kernel.normalized();
    }

    /**
     * The warning given when {@link #kernelFor} normalises {@code kernel}: "kernel sums to X,
     * normalised to 1", X to 6 significant digits.
     */
    public static String normalisationMessage(Kernel kernel) {
        return "kernel sums to " + sumText(kernel) + ", normalised to 1";
    }

    /** The sum of a kernel's taps to 6 significant digits ("2.5", "0.998"). */
    private static String sumText(Kernel kernel) {
        return new BigDecimal(kernel.sum()).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** Frees the prior's native memory; waits for calls in progress. Idempotent. */
    @Override
    public void close() {
        closed = true;
        prior.close();
    }

    @Override
    public String toString() {
        return "Restorer[" + config + "]";
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static Image replicate(Image grey, int channels) {
        int plane = grey.size();
        float[] v = new float[plane * channels];
        for (int ch = 0; ch < channels; ch++) {
            grey.copyTo(v, ch * plane);
        }
        return Image.wrap(channels, grey.height(), grey.width(), v);
    }

    private static Image meanOfChannels(Image rgb) {
        int plane = rgb.height() * rgb.width();
        float[] v = rgb.toArray();
        float[] g = new float[plane];
        for (int p = 0; p < plane; p++) {
            double s = 0;
            for (int ch = 0; ch < rgb.channels(); ch++) {
                s += v[ch * plane + p];
            }
            g[p] = (float) (s / rgb.channels());
        }
        return Image.wrap(1, rgb.height(), rgb.width(), g);
    }

    /** Builder of {@link Restorer}. */
    public static final class Builder {
        private ModelWeights weights;

        private Builder() {
        }

        /**
         * Loads the model from a weights file: {@code .safetensors} (ours) or the original PyTorch
         * {@code .pth} state_dict (read safely: nothing in the file is executed).
         *
         * @throws IOException if the file is missing, unreadable, corrupt or not a USRNet model
         */
        public Builder weights(Path file) throws IOException {
            this.weights = ModelWeights.read(file);
            return this;
        }

        /** Uses already loaded weights. */
        public Builder weights(ModelWeights weights) {
            this.weights = Objects.requireNonNull(weights, "weights");
            return this;
        }

        /**
         * Builds the restorer (loads the prior's weights into native memory): the given weights, or
         * the built-in model when none were given.
         *
         * @throws IllegalStateException if the engine cannot start
         */
        public Restorer build() {
            return new Restorer(weights != null ? weights : ModelWeights.builtIn());
        }
    }
}
