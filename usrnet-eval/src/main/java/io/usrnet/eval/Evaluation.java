package io.usrnet.eval;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.NoiseEstimator;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The Table-1 evaluation harness (PROTOCOL.md §2): measures restoration methods on a set of
 * high-resolution images for every setting (scale s, noise level σ) and blur kernel.
 *
 * <p>For every image, setting and kernel:
 * <ol>
 * <li>the HR image is read; a grey image becomes RGB with R = G = B (as the reference reads it);
 * <li>the LR image is {@link Degradations#table1}: crop to a multiple of lcm(s, 8), blur of the
 *     8-bit image truncated to 8 bits, upper-left decimation by s;
 * <li>for σ &gt; 0, Gaussian noise of standard deviation σ/255 is added with
 *     {@link Degradations#addGaussianNoise} and the seed {@link #noiseSeed}; σ = 0 adds none;
 * <li>every method restores the LR image (the network receives the true σ);
 * <li>the result is compared with the cropped HR image on 8 bits (clamp, ×255, round) by
 *     {@link Metrics}: RGB PSNR with a border of s² (the Table-1 number), Y-PSNR and SSIM with a
 *     border of s.
 * </ol>
 * Nothing is trained or tuned here: the data-step baseline uses a fixed α given to the builder
 * (default {@value #DEFAULT_DATA_STEP_ALPHA}, chosen a priori, not on any evaluation set).
 *
 * <p>Instances are immutable; {@link #run()} may be called more than once.
 */
public final class Evaluation {
    /** The default α of the data-step baseline. */
    public static final double DEFAULT_DATA_STEP_ALPHA = 0.01;

    /** The methods evaluated unless others are chosen: all but {@link Method#USRNET_AUTO_SIGMA}. */
    public static final List<Method> DEFAULT_METHODS = List.of(Method.USRNET, Method.NEAREST, Method.BICUBIC,
            Method.DATA_STEP);

    private final List<Path> images;
    private final Map<Integer, Kernel> kernels;
    private final List<Setting> settings;
    private final List<Method> methods;
    private final Path weights;
    private final double dataStepAlpha;
    private final Consumer<Progress> listener;
    private final Consumer<Sample> sampleListener;

    private Evaluation(Builder b) {
        this.images = List.copyOf(b.images);
        this.kernels = new LinkedHashMap<>(b.kernels);
        this.settings = List.copyOf(b.settings);
        this.methods = List.copyOf(b.methods);
        this.weights = b.weights;
        this.dataStepAlpha = b.dataStepAlpha;
        this.listener = b.listener;
        this.sampleListener = b.sampleListener;
    }

    /** A builder: images, kernels and weights (when {@link Method#USRNET} is evaluated) are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The readable image files of a directory, sorted by name, keeping every {@code every}-th one
     * (the 1st, the (every+1)-th, …).
     *
     * @throws IllegalArgumentException if every &lt; 1 or the directory holds no image
     * @throws IOException              if the directory cannot be listed
     */
    public static List<Path> listImages(Path dir, int every) throws IOException {
        if (every < 1) {
            throw new IllegalArgumentException("every must be >= 1, got " + every);
        }
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "not a directory");
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile).filter(ImageFormat::isReadable).sorted().forEach(all::add);
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no images in " + dir + " (looked for "
                    + String.join(", ", ImageFormat.readableExtensions()) + ")");
        }
        List<Path> kept = new ArrayList<>();
        for (int i = 0; i < all.size(); i += every) {
            kept.add(all.get(i));
        }
        return kept;
    }

    /**
     * The noise seed of one item, fixed so that every method and every run sees the same noise:
     * {@code ((name.hashCode()·31 + kernel)·31 + s)·31 + round(100·σ)} in 64-bit arithmetic, with
     * {@link String#hashCode()} of the image's file name and the 1-based kernel index.
     */
    public static long noiseSeed(String imageName, int kernel, Setting setting) {
        long seed = imageName.hashCode();
        seed = seed * 31 + kernel;
        seed = seed * 31 + setting.scale();
        return seed * 31 + Math.round(100 * setting.sigma());
    }

    /**
     * The LR image of one item: {@link Degradations#table1} plus seeded noise for σ &gt; 0.
     *
     * @param hr 8-bit valued RGB (or grey) image
     */
    public static Image degrade(Image hr, Kernel kernel, Setting setting, long seed) {
        Image lr = Degradations.table1(hr, kernel, setting.scale());
        return setting.sigma() > 0 ? Degradations.addGaussianNoise(lr, setting.sigma(), seed) : lr;
    }

    /** The network of the given precision, or null if no method in this evaluation runs it. */
    private Restorer restorer(Precision precision) throws IOException {
        boolean bf16 = precision == Precision.BF16;
        if (methods.stream().noneMatch(m -> m.usesNetwork() && (m == Method.USRNET_BF16) == bf16)) {
            return null;
        }
        if (!precision.isSupported()) {
            throw new IllegalArgumentException("method " + Method.USRNET_BF16 + ": " + Precision.bf16Unsupported());
        }
        Restorer.Builder b = Restorer.builder().precision(precision);
        if (weights != null) {
            b.weights(weights);
        }
        return b.build();
    }

    /**
     * Runs the evaluation.
     *
     * @throws IOException              if an image or the weights cannot be read
     * @throws IllegalArgumentException if an image is not 8-bit valued or too small for a scale
     */
    public EvaluationResult run() throws IOException {
        long t0 = System.nanoTime();
        int total = images.size() * settings.size() * kernels.size();
        List<Score> scores = new ArrayList<>();
        List<String> names = new ArrayList<>();
        int done = 0;
        try (Restorer restorer = restorer(Precision.FP32); Restorer bf16 = restorer(Precision.BF16)) {
            for (Path file : images) {
                String name = file.getFileName().toString();
                names.add(name);
                Image hr = asRgb(ImageFiles.readImage(file));
                for (Setting setting : settings) {
                    int s = setting.scale();
                    Image reference = Degradations.table1Crop(hr, s);
                    for (Map.Entry<Integer, Kernel> e : kernels.entrySet()) {
                        int k = e.getKey();
                        Image lr = degrade(hr, e.getValue(), setting, noiseSeed(name, k, setting));
                        List<Score> item = new ArrayList<>();
                        Map<Method, Image> outputs = new LinkedHashMap<>();
                        for (Method m : methods) {
                            Image out = restore(m, m == Method.USRNET_BF16 ? bf16 : restorer, lr, e.getValue(),
                                    setting);
                            outputs.put(m, out);
                            item.add(new Score(m, setting, k, name, Metrics.psnr(out, reference, s * s),
                                    Metrics.psnrY(out, reference, s), Metrics.ssim(out, reference, s)));
                        }
                        if (sampleListener != null) {
                            sampleListener.accept(new Sample(name, setting, k, lr, outputs, reference));
                        }
                        scores.addAll(item);
                        done++;
                        if (listener != null) {
                            listener.accept(new Progress(done, total, item, (System.nanoTime() - t0) / 1e9));
                        }
                    }
                }
            }
        }
        return new EvaluationResult(methods, settings, List.copyOf(kernels.keySet()), names, scores,
                (System.nanoTime() - t0) / 1e9);
    }

    private Image restore(Method m, Restorer restorer, Image lr, Kernel k, Setting setting) {
        int s = setting.scale();
        return switch (m) {
            case USRNET, USRNET_BF16 -> restorer.restore(lr, setting.degradation(k));
            case USRNET_AUTO_SIGMA -> restorer.restore(lr,
                    Degradation.of(k, s, NoiseEstimator.DEFAULT.estimate(lr).sigma()));
            case USRNET_X8 -> restorer.restore(lr, setting.degradation(k), RestoreOptions.builder().ensemble(8).build());
            case NEAREST -> Degradations.upsampleNearest(lr, s);
            case BICUBIC -> Bicubic.upsample(lr, s);
            case DATA_STEP -> DataStep.prepare(k, s, lr).step(Degradations.upsampleNearest(lr, s), dataStepAlpha);
        };
    }

    /** A grey image as R = G = B; other images unchanged. */
    static Image asRgb(Image img) {
        if (img.channels() != 1) {
            return img;
        }
        int plane = img.size();
        float[] v = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            img.copyTo(v, c * plane);
        }
        return Image.wrap(3, img.height(), img.width(), v);
    }

    /** Builder of {@link Evaluation}. */
    public static final class Builder {
        private final List<Path> images = new ArrayList<>();
        private final Map<Integer, Kernel> kernels = new LinkedHashMap<>();
        private List<Setting> settings = Setting.TABLE1;
        private Set<Method> methods = new LinkedHashSet<>(DEFAULT_METHODS);
        private Path weights;
        private double dataStepAlpha = DEFAULT_DATA_STEP_ALPHA;
        private Consumer<Progress> listener;
        private Consumer<Sample> sampleListener;

        private Builder() {
        }

        /** The HR image files, evaluated in the given order (see {@link Evaluation#listImages}). */
        public Builder images(List<Path> files) {
            images.clear();
            images.addAll(files);
            return this;
        }

        /**
         * Adds a kernel under its 1-based index (the k-number of the table).
         *
         * @throws IllegalArgumentException if the index is below 1, already used, or the kernel
         *                                  cannot be a blur (all zero or summing to zero)
         */
        public Builder kernel(int index, Kernel kernel) {
            if (index < 1) {
                throw new IllegalArgumentException("kernel index must be >= 1, got " + index);
            }
            if (kernels.containsKey(index)) {
                throw new IllegalArgumentException("kernel k" + index + " given twice");
            }
            kernels.put(index, Objects.requireNonNull(kernel, "kernel").requireBlur());
            return this;
        }

        /**
         * Adds the kernels of {@code all} (element i has index i + 1) that {@code indices} names, in
         * that order; an empty list selects all.
         *
         * @throws IllegalArgumentException if an index is out of range or repeated
         */
        public Builder kernels(List<Kernel> all, List<Integer> indices) {
            List<Integer> chosen = new ArrayList<>(indices);
            if (chosen.isEmpty()) {
                for (int i = 1; i <= all.size(); i++) {
                    chosen.add(i);
                }
            }
            for (int i : chosen) {
                if (i < 1 || i > all.size()) {
                    throw new IllegalArgumentException("kernel index " + i + " out of range: the kernel file holds "
                            + all.size() + " kernel" + (all.size() == 1 ? "" : "s") + " (1-based)");
                }
                kernel(i, all.get(i - 1));
            }
            return this;
        }

        /** The 1-based indices of the kernels added so far, in order. */
        public List<Integer> kernelIndices() {
            return List.copyOf(kernels.keySet());
        }

        /** The settings, in order (default: {@link Setting#TABLE1}). */
        public Builder settings(List<Setting> list) {
            settings = List.copyOf(list);
            return this;
        }

        /** The methods, in order, duplicates dropped (default: {@link Evaluation#DEFAULT_METHODS}). */
        public Builder methods(List<Method> list) {
            methods = new LinkedHashSet<>(list);
            return this;
        }

        /**
         * The model weights for {@link Method#USRNET} (.safetensors or .pth); {@code null} (the default)
         * evaluates the built-in model.
         */
        public Builder weights(Path file) {
            weights = file;
            return this;
        }

        /** The fixed α of the {@link Method#DATA_STEP} baseline (default {@value #DEFAULT_DATA_STEP_ALPHA}). */
        public Builder dataStepAlpha(double alpha) {
            if (!(alpha > 0) || !Double.isFinite(alpha)) {
                throw new IllegalArgumentException("data-step alpha must be a finite number > 0, got " + alpha);
            }
            dataStepAlpha = alpha;
            return this;
        }

        /**
         * Given the images of every (image, setting, kernel) item on the evaluating thread, e.g. a
         * {@link ContactSheet}; it must not keep more than it needs (a grid has many items).
         */
        public Builder sampleListener(Consumer<Sample> samples) {
            sampleListener = samples;
            return this;
        }

        /** Called after every (image, setting, kernel) item on the evaluating thread. */
        public Builder listener(Consumer<Progress> progress) {
            listener = progress;
            return this;
        }

        /**
         * Builds the evaluation.
         *
         * @throws IllegalArgumentException if there are no images, kernels, settings or methods
         */
        public Evaluation build() {
            if (images.isEmpty()) {
                throw new IllegalArgumentException("no images to evaluate");
            }
            if (kernels.isEmpty()) {
                throw new IllegalArgumentException("no kernels to evaluate");
            }
            if (settings.isEmpty()) {
                throw new IllegalArgumentException("no settings (scale, sigma) to evaluate");
            }
            if (methods.isEmpty()) {
                throw new IllegalArgumentException("no methods to evaluate");
            }
            return new Evaluation(this);
        }
    }
}
