package io.usrnet.core;

import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Boundary;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Dihedral;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.PeriodicExtension;
import io.usrnet.hyper.HyperNetwork;
import io.usrnet.hyper.Schedule;
import io.usrnet.prior.Precision;
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
 *     Image hr = restorer.restore(lr, Degradation.of(kernel, 4, 2.55));
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

    private Restorer(ModelWeights weights, Precision precision) {
        this.config = weights.config();
        this.hyper = weights.hyperNetwork();
        this.prior = ResUNet.create(config.priorConfig(), weights.priorParameters(), precision);
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

    /**
     * The precision the prior's convolutions run in: the one asked for with
     * {@link Builder#precision(Precision)}, or {@link Precision#FP32} where this CPU does not
     * support it.
     *
     * @return the effective precision
     */
    public Precision precision() {
        return prior.precision();
    }

    /** The memory model of this network, which {@link RestoreOptions.Builder#maxMemoryBytes} uses. */
    public MemoryModel memoryModel() {
        return memory;
    }

    /**
     * The prior's tile side that {@link #restore(Image, Degradation, RestoreOptions)} uses for an
     * {@code lrHeight × lrWidth} image degraded by {@code degradation}: {@link RestoreOptions#tileSize()},
     * or with a memory budget the choice of {@link MemoryModel#chooseTile} at the size actually
     * restored (the extended size for {@link Boundary#SMOOTH}).
     *
     * @return the tile side, or 0 for the whole image
     * @throws IllegalArgumentException if the budget is too small even for the smallest tile, or for
     *     sizes below 1
     */
    public int tileSize(int lrHeight, int lrWidth, Degradation degradation, RestoreOptions options) {
        if (options.maxMemoryBytes() == 0) {
            return options.tileSize();
        }
        int scale = degradation.scale();
        if (degradation.boundary() == Boundary.SMOOTH) {
            lrHeight = PeriodicExtension.extendedLr(lrHeight, scale);
            lrWidth = PeriodicExtension.extendedLr(lrWidth, scale);
        }
        return memory.chooseTile(lrHeight, lrWidth, scale, options.maxMemoryBytes());
    }

    /** The hyper-network's schedule α₁..αₙ, β₁..βₙ for the degradation's noise level and scale. */
    public Schedule schedule(Degradation degradation) {
        return hyper.schedule(degradation.sigma(), degradation.scale());
    }

    /**
     * Restores {@code lr} with the model's own schedule and all its iterations.
     *
     * @param lr          the degraded image, 3 channels (RGB) or 1 (grey: restored as grey R=G=B,
     *                    the result is the mean of the output channels); values nominally in [0, 1]
     * @param degradation how {@code lr} was degraded: the blur kernel (not flipped; used as given if
     *                    its taps sum to 1 within {@link Kernel#SUM_TOLERANCE}, else normalised to
     *                    sum 1 with a logged warning, see {@link #kernelFor(Kernel)}), the scale s
     *                    (1 = deblurring only), the noise level σ in [0, 255] units and the boundary
     *                    handling: {@link Boundary#PERIODIC} restores the image as it is;
     *                    {@link Boundary#SMOOTH} first extends it by {@link PeriodicExtension#extendLr}
     *                    (PROTOCOL.md §3.4), restores at that size and crops the result to its
     *                    top-left s·h×s·w
     * @return the restored image, {@code s·h × s·w}, same channel count as {@code lr}, not clamped
     * @throws IllegalArgumentException for invalid arguments (the message says which and why), among
     *     them a kernel whose taps sum to zero or to a negative value
     * @throws IllegalStateException if this restorer is closed
     */
    public Image restore(Image lr, Degradation degradation) {
        return restore(lr, degradation, RestoreOptions.defaults());
    }

    /**
     * Restores {@code lr} with per-call options: an explicit schedule, fewer iterations, listeners,
     * the prior's tiling or a memory budget ({@link #tileSize(int, int, Degradation, RestoreOptions)}),
     * the x8 self-ensemble ({@link RestoreOptions.Builder#ensemble(int)}: eight restorations, the
     * progress listener counting all their iterations).
     *
     * @see #restore(Image, Degradation)
     */
    public Image restore(Image lr, Degradation degradation, RestoreOptions options) {
        Objects.requireNonNull(lr, "lr");
        Objects.requireNonNull(degradation, "degradation");
        Objects.requireNonNull(options, "options");
        if (closed) {
            throw new IllegalStateException("this Restorer is closed");
        }
        if (lr.channels() != 1 && lr.channels() != 3) {
            throw new IllegalArgumentException("the network restores RGB or grey images, got " + lr.channels()
                    + " channels (keep an alpha channel aside)");
        }
        Kernel kernel = kernelFor(degradation.kernel());
        if (kernel != degradation.kernel()) {
            LOG.warn(normalisationMessage(degradation.kernel()));
        }
        if (options.ensemble() == 1) {
            return restoreOnce(lr, degradation, kernel, options);
        }
        return restoreEnsemble(lr, degradation, kernel, options);
    }

    /**
     * The x8 self-ensemble: each of the eight {@link Dihedral} transforms of lr restored with the
     * kernel transformed to match, transformed back, averaged. Progress counts all 8·J iterations.
     */
    private Image restoreEnsemble(Image lr, Degradation degradation, Kernel kernel, RestoreOptions options) {
        int scale = degradation.scale();
        ProgressListener progress = options.progress().orElse(null);
        Dihedral[] transforms = Dihedral.values();
        float[] sum = null;
        Image first = null;
        for (int m = 0; m < transforms.length; m++) {
            Dihedral g = transforms[m];
            int member = m;
            RestoreOptions.Builder b = options.toBuilder().ensemble(1);
            if (progress != null) {
                b.progress((i, n) -> progress.onProgress(member * n + i, transforms.length * n));
            }
            Degradation dg = degradation.toBuilder().kernel(g.kernel(kernel, scale)).build();
            Image out = g.inverse(restoreOnce(g.apply(lr), dg, dg.kernel(), b.build()));
            float[] v = out.toArray();
            if (sum == null) {
                sum = new float[v.length];
                first = out;
            }
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= transforms.length;
        }
        return Image.wrap(first.channels(), first.height(), first.width(), sum);
    }

    private Image restoreOnce(Image lr, Degradation degradation, Kernel kernel, RestoreOptions options) {
        int scale = degradation.scale();
        int tile = tileSize(lr.height(), lr.width(), degradation, options); // a too small budget fails here, early
        Image y = lr.toRgb(); // grey runs as R = G = B
        if (degradation.boundary() == Boundary.SMOOTH) {
            y = PeriodicExtension.extendLr(y, scale);
        }
        Schedule schedule = options.schedule().orElseGet(() -> schedule(degradation));
        int n = options.iterations() == 0 ? schedule.iterations() : options.iterations();
        if (n > schedule.iterations()) {
            throw new IllegalArgumentException("asked for " + n + " iterations, the schedule has "
                    + schedule.iterations());
        }
        long preparing = System.nanoTime();
        DataStep data = DataStep.prepare(kernel, scale, y);
        long prepareNanos = System.nanoTime() - preparing;
        int c = y.channels();
        int h = data.hrHeight();
        int w = data.hrWidth();
        float[] x = new float[c * h * w];
        Degradations.upsampleNearest(y, scale, x); // x₀, updated in place below
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
        Image out = PeriodicExtension.crop(Image.wrap(c, h, w, x), scale * lr.height(), scale * lr.width());
        return lr.channels() == 1 ? out.meanOfChannels() : out;
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

    /**
     * Builder of {@link Restorer}. Its setters only record what they are given; files are read and
     * native memory is taken by {@link #build()}.
     */
    public static final class Builder {
        private Path weightsFile;
        private ModelWeights weights;
        private Precision precision = Precision.FP32;

        private Builder() {
        }

        /**
         * The arithmetic of the prior's convolutions (default {@link Precision#FP32}, which matches
         * the original code to float precision). {@link Precision#BF16} runs the prior 2.2–3.1× faster on CPUs
         * with bfloat16 instructions at a small measured quality cost (README, "Speed"); on other
         * CPUs the restorer runs FP32 ({@link Restorer#precision()} says which runs).
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * The model of a weights file: {@code .safetensors} (ours) or the original PyTorch
         * {@code .pth} state_dict (read safely: nothing in the file is executed). The file is read
         * by {@link #build()}. Replaces weights given before.
         */
        public Builder weights(Path file) {
            this.weightsFile = Objects.requireNonNull(file, "file");
            this.weights = null;
            return this;
        }

        /** Uses already loaded weights. Replaces a file given before. */
        public Builder weights(ModelWeights weights) {
            this.weights = Objects.requireNonNull(weights, "weights");
            this.weightsFile = null;
            return this;
        }

        /**
         * Builds the restorer: reads the weights file if one was given, and loads the prior's
         * weights into native memory; the built-in model when no weights were given.
         *
         * @throws IOException           if the weights file is missing, unreadable, corrupt or not
         *                               a USRNet model
         * @throws IllegalStateException if the engine cannot start
         */
        public Restorer build() throws IOException {
            ModelWeights w = weightsFile != null ? ModelWeights.read(weightsFile)
                    : weights != null ? weights : ModelWeights.builtIn();
            return new Restorer(w, precision);
        }
    }
}
