package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.core.weights.SafeTensors;
import io.usrnet.core.weights.StateDict;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.prior.djl.DjlRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Trains USRNet in Java (DJL, PyTorch engine, CPU): Adam, L1 loss, seeded synthetic degradations,
 * regular validation on held-out training images, checkpoints and exact resumption.
 *
 * <h2>The run</h2>
 * Steps {@code 0 … denoiserSteps−1} pre-train the ResUNet alone as a Gaussian denoiser
 * conditioned on the noise level (input {@code [noisy, σ·1]}, σ uniform in
 * [0, {@code denoiserMaxSigma255}]/255). When the end-to-end part begins, the hyper-network is first
 * fitted for {@code hyperFitSteps} quick Adam updates (batches of 64 random (σ, s), L1 on logarithms)
 * to a hand-made schedule in the spirit of half-quadratic splitting with a learned denoiser:
 * β<sub>i</sub> log-spaced from 49/255 down to max(s, σ₂₅₅)/255 and α<sub>i</sub> = 0.23·σ²/β<sub>i</sub>²
 * with σ at least 0.255/255. Then steps {@code denoiserSteps … denoiserSteps+steps−1} train the whole
 * unfolded network end to end on {@link TrainingSampler} batches. Each part has its own Adam
 * moments and learning-rate schedule (counted from the part's first step).
 *
 * <h2>Output folder</h2>
 * {@code config.json} (the configuration), {@code train.log} (loss and validation lines, also echoed
 * to the console), {@code checkpoints/step-NNNNNNNN.safetensors} (weights in the original
 * layout, usable by {@link io.usrnet.core.Restorer}) with {@code step-NNNNNNNN.state.safetensors}
 * beside it (the Adam moments and the step), {@code checkpoint.json} (pointer to the latest pair,
 * replaced atomically after both files are complete), {@code model.safetensors} (the latest weights)
 * and {@code best.safetensors} (the end-to-end weights with the best validation PSNR).
 *
 * <h2>Exact resumption</h2>
 * The batch of step t is a pure function of (seed, t) ({@link TrainingSampler}); the weights and Adam
 * moments are saved bit-exactly in float32; the learning rate is a function of the step. So
 * {@link #resume} continues with the same numbers an uninterrupted run computes, as long as
 * PyTorch's CPU kernels are deterministic for the same inputs and thread count (they are in our
 * tests; a different number of threads or another machine may change results in the last bits).
 * The resumed configuration may change only the number of end-to-end steps, their learning rate
 * and the log, validation and checkpoint intervals.
 *
 * <p>Not thread-safe; one trainer per JVM at a time (DJL allows one gradient collector at a time).
 */
public final class Trainer implements AutoCloseable {
    static {
        DjlRuntime.ensureOffline();
    }

    /** Name of the denoiser pre-training part. */
    public static final String DENOISER = "denoiser";
    /** Name of the end-to-end part. */
    public static final String END_TO_END = "end-to-end";
    private static final String POINTER = "checkpoint.json";
    private static final String CONFIG = "config.json";
    private static final long VALIDATION_SEED = 0x7A11DA7EL;
    private static final double VALIDATION_DENOISE_SIGMA255 = 25;
    private static final double[] VALIDATION_SIGMAS255 = {0, 2.55, 7.65};
    private static final int HYPER_FIT_BATCH = 64;
    private static final double HYPER_FIT_RATE = 1e-3;

    private final TrainingConfig config;
    private final NDManager root;
    private final UsrnetTrainingBlock net;
    private final TrainingImages images;
    private final TrainingSampler sampler;
    private final List<ValidationCase> validation;
    private final TrainLog log;
    private AdamState adam;
    private long step;
    private double bestPsnr = Double.NEGATIVE_INFINITY;
    private double lastGradientNorm;

    private record ValidationCase(Image hr, Image lr, Kernel kernel, int scale, double sigma255, Image noisy) {
    }

    private Trainer(TrainingConfig config, Consumer<String> console) throws IOException {
        this.config = config;
        Files.createDirectories(config.outDir().resolve("checkpoints"));
        TrainingImages.Split split = TrainingImages.split(config.trainDir(), config.validationImages());
        List<Path> training = split.training();
        if (config.maxImages() > 0 && training.size() > config.maxImages()) {
            training = training.subList(0, config.maxImages());
        }
        this.images = TrainingImages.load(training);
        this.sampler = new TrainingSampler(images, config.samplerSettings());
        this.validation = validationCases(TrainingImages.load(split.validation()));
        this.root = DjlRuntime.newManager();
        TrainLog opened = null;
        try {
            this.net = new UsrnetTrainingBlock(config.model());
            net.initialize(root);
            if (config.initialWeights() != null) {
                ModelWeights w = ModelWeights.read(config.initialWeights());
                if (!w.config().equals(config.model())) {
                    throw new IllegalArgumentException("initial weights " + config.initialWeights() + " are a "
                            + w.config() + ", the run trains a " + config.model());
                }
                net.setWeights(w.stateDict());
            } else {
                net.initializeRandomly(config.seed());
            }
            opened = new TrainLog(config.outDir().resolve("train.log"), console);
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
        this.log = opened;
    }

    /**
     * Starts a new run in an output folder that holds no checkpoint yet.
     *
     * @param config  the run
     * @param console receives every log line (e.g. {@code System.err::println}), or null
     * @return the trainer, at step 0
     * @throws IOException if the data cannot be read, or the folder already holds a run
     */
    public static Trainer start(TrainingConfig config, Consumer<String> console) throws IOException {
        if (Files.exists(config.outDir().resolve(POINTER))) {
            throw new IOException(config.outDir() + " already holds a training run (" + POINTER
                    + "); resume it or choose another output folder");
        }
        Trainer t = new Trainer(config, console);
        config.write(config.outDir().resolve(CONFIG));
        t.log.line("start " + config.toJson());
        return t;
    }

    /**
     * Resumes the run in {@code config.outDir()} from its latest checkpoint.
     *
     * @param config  the run's configuration (as saved in its {@code config.json}, optionally with
     *                more steps, another end-to-end learning rate or other intervals)
     * @param console receives every log line, or null
     * @return the trainer, at the checkpoint's step
     * @throws NoSuchFileException      if the folder holds no checkpoint
     * @throws IllegalArgumentException if the configuration differs from the saved one in a setting
     *                                  that determines the trajectory
     * @throws IOException              if the checkpoint cannot be read
     */
    public static Trainer resume(TrainingConfig config, Consumer<String> console) throws IOException {
        Path pointer = config.outDir().resolve(POINTER);
        if (!Files.exists(pointer)) {
            throw new NoSuchFileException(pointer.toString(), null, "no checkpoint to resume from");
        }
        TrainingConfig saved = TrainingConfig.read(config.outDir().resolve(CONFIG));
        List<String> diff = saved.identityDifferences(config);
        if (!diff.isEmpty()) {
            throw new IllegalArgumentException("cannot resume with different settings: " + String.join(", ", diff));
        }
        JsonObject p;
        try {
            p = JsonParser.parseString(Files.readString(pointer, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new InvalidFileException(pointer, "corrupt checkpoint pointer: " + e.getMessage(), e);
        }
        Path dir = config.outDir();
        Path weights = dir.resolve(p.get("weights").getAsString());
        Path state = dir.resolve(p.get("state").getAsString());
        Trainer t = new Trainer(config, console);
        try {
            t.restore(weights, state);
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
        config.write(dir.resolve(CONFIG));
        t.log.line("resume at step " + t.step + " from " + weights.getFileName() + " " + config.toJson());
        return t;
    }

    private void restore(Path weightsFile, Path stateFile) throws IOException {
        ModelWeights w = ModelWeights.read(weightsFile);
        if (!w.config().equals(config.model())) {
            throw new InvalidFileException(weightsFile, "checkpoint holds a " + w.config() + ", expected "
                    + config.model());
        }
        net.setWeights(w.stateDict());
        StateDict state = SafeTensors.read(stateFile);
        Map<String, String> meta = state.metadata();
        try {
            step = Long.parseLong(meta.get("step"));
            bestPsnr = Double.parseDouble(meta.getOrDefault("best_psnr", "-Infinity"));
            String phase = meta.get("phase");
            if (!phase.equals("none")) {
                adam = new AdamState(phase, parameters(phase), root);
                adam.restore(state.tensors(), Long.parseLong(meta.get("adam_updates")));
            }
        } catch (RuntimeException e) {
            throw new InvalidFileException(stateFile, "corrupt training state: " + e.getMessage(), e);
        }
    }

    /** @return the configuration */
    public TrainingConfig config() {
        return config;
    }

    /** @return the number of steps done */
    public long step() {
        return step;
    }

    /** @return the network being trained */
    public UsrnetTrainingBlock network() {
        return net;
    }

    /** @return the sampler of training batches */
    public TrainingSampler sampler() {
        return sampler;
    }

    /** @return the part of the run the next step belongs to */
    public String phase() {
        return step < config.denoiserSteps() ? DENOISER : END_TO_END;
    }

    /** @return the global gradient norm of the last step (before clipping) */
    public double lastGradientNorm() {
        return lastGradientNorm;
    }

    private Map<String, Parameter> parameters(String phase) {
        Map<String, Parameter> all = net.stateDictParameters();
        if (phase.equals(END_TO_END)) {
            return all;
        }
        return all.entrySet().stream().filter(e -> e.getKey().startsWith("p."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /**
     * Runs one training step (beginning a new part of the run first if needed).
     *
     * @return the step's L1 loss
     * @throws IllegalStateException if the run is complete or the loss is not finite
     */
    public double trainStep() {
        if (step >= config.totalSteps()) {
            throw new IllegalStateException("the run is complete (" + step + " steps)");
        }
        String phase = phase();
        if (adam == null || !adam.phase().equals(phase)) {
            beginPhase(phase);
        }
        boolean denoising = phase.equals(DENOISER);
        long phaseStep = denoising ? step : step - config.denoiserSteps();
        double rate = (denoising ? config.denoiserRate() : config.rate()).at(phaseStep);
        double loss;
        try (NDManager scope = root.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                NDArray output;
                NDArray target;
                if (denoising) {
                    TrainingSampler.DenoisingBatch b = sampler.denoisingBatch(config.seed(), step,
                            config.denoiserMaxSigma255());
                    Shape shape = new Shape(b.size(), 3, b.patch(), b.patch());
                    target = scope.create(b.clean(), shape);
                    output = net.denoise(ps, scope.create(b.noisy(), shape), scope.create(b.sigmas()), true);
                } else {
                    TrainingSampler.Batch b = sampler.batch(config.seed(), step);
                    int l = b.patch() / b.scale();
                    target = scope.create(b.hr(), new Shape(b.size(), 3, b.patch(), b.patch()));
                    NDArray y = scope.create(b.lr(), new Shape(b.size(), 3, l, l));
                    output = net.restore(ps, y, b.kernels(), b.scale(), scope.create(b.sigmas()), true);
                }
                // mean(), not sum().div(n): see the package documentation (issue 11)
                NDArray l1 = output.sub(target).abs().mean();
                loss = l1.getFloat();
                if (!Double.isFinite(loss)) {
                    adam.discardGradients();
                    // the weights are finite here (every update checks its gradients), so this is a run
                    // that diverged until float32 overflowed, or, early in a run, an engine fault
                    throw new IllegalStateException("the loss is not finite (" + loss + ") at step " + step
                            + "; lower the learning rate or enable gradient clipping. If this happens in the first "
                            + "steps of a run, it is more likely a fault of the PyTorch engine on this CPU: try "
                            + "the environment variable ONEDNN_MAX_CPU_ISA=AVX2 and report it");
                }
                gc.backward(l1);
            }
            lastGradientNorm = adam.update(rate, config.gradientClip(), "of step " + step);
        }
        step++;
        return loss;
    }

    private void beginPhase(String phase) {
        if (adam != null) {
            adam.close();
        }
        if (phase.equals(END_TO_END) && step == config.denoiserSteps() && config.hyperFitSteps() > 0) {
            fitHyperNetwork();
        }
        adam = new AdamState(phase, parameters(phase), root);
        log.line("begin " + phase + " at step " + step);
    }

    /** The hand-made schedule the hyper-network is fitted to: α₁..αₙ then β₁..βₙ. */
    static double[] heuristicSchedule(double sigma255, int scale, int n) {
        double sigma = Math.max(0.255, sigma255) / 255;
        double first = 49.0 / 255;
        double last = Math.max(scale, sigma255) / 255;
        double[] out = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double beta = n == 1 ? last : first * Math.pow(last / first, (double) i / (n - 1));
            out[n + i] = beta;
            out[i] = 0.23 * sigma * sigma / (beta * beta);
        }
        return out;
    }

    private void fitHyperNetwork() {
        Map<String, Parameter> hyper = net.stateDictParameters().entrySet().stream()
                .filter(e -> e.getKey().startsWith("h."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
        int n = config.model().iterations();
        int[] scales = config.scales();
        double last = Double.NaN;
        try (AdamState fit = new AdamState("hyper-fit", hyper, root)) {
            for (int it = 0; it < config.hyperFitSteps(); it++) {
                SplittableRandom rnd = new SplittableRandom(TrainingSampler.mix(config.seed(), -1 - it, 7));
                float[] sigmas = new float[HYPER_FIT_BATCH];
                float[] targets = new float[HYPER_FIT_BATCH * 2 * n];
                int scale = scales[rnd.nextInt(scales.length)];
                for (int i = 0; i < HYPER_FIT_BATCH; i++) {
                    double s255 = rnd.nextDouble() < 0.125 ? 0 : rnd.nextDouble() * 50;
                    sigmas[i] = (float) (s255 / 255);
                    double[] t = heuristicSchedule(s255, scale, n);
                    for (int j = 0; j < 2 * n; j++) {
                        targets[i * 2 * n + j] = (float) Math.log(t[j]);
                    }
                }
                try (NDManager scope = root.newSubManager()) {
                    ParameterStore ps = new ParameterStore(scope, false);
                    try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                        NDArray out = net.schedule(ps, scope.create(sigmas), scale, true);
                        NDArray target = scope.create(targets, new Shape(HYPER_FIT_BATCH, 2L * n));
                        NDArray loss = out.log().sub(target).abs().mean();
                        last = loss.getFloat();
                        gc.backward(loss);
                    }
                    fit.update(HYPER_FIT_RATE, 0, "of hyper-network fitting update " + it);
                }
            }
        }
        log.line(String.format(Locale.ROOT, "hyper-network fitted to the heuristic schedule: %d updates, "
                + "mean |log error| %.4f", config.hyperFitSteps(), last));
    }

    /**
     * Runs the remaining steps with logging, validation and checkpoints, then writes
     * {@code model.safetensors}.
     *
     * @throws IOException if a checkpoint cannot be written
     */
    public void run() throws IOException {
        long total = config.totalSteps();
        log.line(String.format(Locale.ROOT, "%d training images (%.0f MB in memory), %d validation images, "
                + "%d parameters, steps %d..%d, %d engine threads", sampler.imageCount(), images.memoryBytes() / 1e6,
                validation.size(), config.model().parameterCount(), step, total, TrainEngine.threads()));
        if (step == 0 && !validation.isEmpty()) {
            logValidation(validate());
        }
        double lossSum = 0;
        int lossCount = 0;
        long windowStart = System.nanoTime();
        while (step < total) {
            if (step == config.denoiserSteps() && step > 0 && adam != null && adam.phase().equals(DENOISER)) {
                // begin the end-to-end part now, to validate the pre-trained prior with the fitted schedule
                beginPhase(END_TO_END);
                if (!validation.isEmpty()) {
                    logValidation(validate());
                }
            }
            lossSum += trainStep();
            lossCount++;
            boolean partEnd = step == config.denoiserSteps() || step == total;
            if (step % config.logEvery() == 0 || partEnd) {
                long now = System.nanoTime();
                double perStep = (now - windowStart) / 1e9 / lossCount;
                log.line(String.format(Locale.ROOT, "step %d/%d %s loss %.5f lr %.3g grad %.3g %.2f s/step "
                        + "(left at this speed: %s)", step, total, step <= config.denoiserSteps() ? DENOISER : END_TO_END,
                        lossSum / lossCount, currentRate(step - 1), lastGradientNorm, perStep,
                        duration((long) (perStep * (total - step)))));
                lossSum = 0;
                lossCount = 0;
                windowStart = now;
            }
            if (!validation.isEmpty() && ((config.validateEvery() > 0 && step % config.validateEvery() == 0)
                    || partEnd)) {
                logValidation(validate());
            }
            if ((config.checkpointEvery() > 0 && step % config.checkpointEvery() == 0) || partEnd) {
                checkpoint();
            }
        }
        net.toWeights(provenance()).writeSafeTensors(config.outDir().resolve("model.safetensors"));
        log.line("done: " + step + " steps; weights in " + config.outDir().resolve("model.safetensors"));
    }

    private double currentRate(long s) {
        return s < config.denoiserSteps() ? config.denoiserRate().at(s) : config.rate().at(s - config.denoiserSteps());
    }

    private static String duration(long seconds) {
        return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60);
    }

    private void logValidation(Validation v) throws IOException {
        log.line(String.format(Locale.ROOT, "validation step %d %s psnr %.3f dB (baseline %.3f dB) on %d images",
                v.step(), v.phase(), v.psnr(), v.baseline(), v.cases()));
        if (v.phase().equals(END_TO_END) && v.step() > config.denoiserSteps() && v.psnr() > bestPsnr) {
            bestPsnr = v.psnr();
            net.toWeights(provenance()).writeSafeTensors(config.outDir().resolve("best.safetensors"));
        }
    }

    private List<ValidationCase> validationCases(TrainingImages held) {
        List<ValidationCase> out = new ArrayList<>();
        int v = config.validationPatch();
        int[] scales = config.scales();
        for (int i = 0; i < held.size(); i++) {
            if (held.height(i) < v || held.width(i) < v) {
                continue;
            }
            float[] crop = new float[3 * v * v];
            held.patch(i, (held.height(i) - v) / 2, (held.width(i) - v) / 2, v, 0, crop, 0);
            Image hr = Image.wrap(3, v, v, crop);
            SplittableRandom rnd = new SplittableRandom(TrainingSampler.mix(VALIDATION_SEED, i, 0));
            int scale = scales[i % scales.length];
            Kernel k = sampler.kernel(rnd, scale);
            double sigma = VALIDATION_SIGMAS255[i % VALIDATION_SIGMAS255.length];
            Image lr = Degradation.of(k, scale, sigma).apply(hr, rnd.nextLong());
            Image noisy = Degradations.addGaussianNoise(hr, VALIDATION_DENOISE_SIGMA255, rnd.nextLong());
            out.add(new ValidationCase(hr, lr, k, scale, sigma, noisy));
        }
        return out;
    }

    /**
     * Validates the current weights on the held-out images: denoising PSNR at σ = 25 during the
     * denoiser part, restoration PSNR of fixed synthetic degradations (every scale, Gaussian and
     * camera-shake kernels, σ ∈ {0, 2.55, 7.65}) during the end-to-end part.
     *
     * @return the mean PSNRs
     */
    public Validation validate() {
        // the denoiser part owns its last step until the end-to-end part has begun
        boolean denoiserPart = step < config.denoiserSteps() || (step == config.denoiserSteps() && step > 0
                && (adam == null || adam.phase().equals(DENOISER)));
        String phase = denoiserPart ? DENOISER : END_TO_END;
        double sum = 0;
        double base = 0;
        boolean grad = DjlRuntime.setGradMode(false);
        try (NDManager scope = root.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            for (ValidationCase c : validation) {
                Image out;
                Image trivial;
                int border;
                if (phase.equals(DENOISER)) {
                    NDArray in = scope.create(c.noisy().toArray(), new Shape(1, 3, c.hr().height(), c.hr().width()));
                    NDArray o = net.denoise(ps, in, scope.create(new float[] {(float) (VALIDATION_DENOISE_SIGMA255 / 255)}),
                            false);
                    out = Image.wrap(3, c.hr().height(), c.hr().width(), o.toFloatArray());
                    trivial = c.noisy();
                    border = 0;
                } else {
                    Image lr = c.lr();
                    NDArray y = scope.create(lr.toArray(), new Shape(1, 3, lr.height(), lr.width()));
                    NDArray o = net.restore(ps, y, List.of(c.kernel()), c.scale(),
                            scope.create(new float[] {(float) (c.sigma255() / 255)}), false);
                    out = Image.wrap(3, c.hr().height(), c.hr().width(), o.toFloatArray());
                    trivial = Degradations.upsampleNearest(lr, c.scale());
                    border = c.scale();
                }
                sum += Metrics.psnr(out, c.hr(), border);
                base += Metrics.psnr(trivial, c.hr(), border);
            }
        } finally {
            DjlRuntime.setGradMode(grad);
        }
        int n = validation.size();
        return new Validation(step, phase, sum / n, base / n, n);
    }

    /**
     * Writes a checkpoint of the current step (weights, optimizer state, pointer), updates
     * {@code model.safetensors} and deletes checkpoints beyond {@code keepCheckpoints}.
     *
     * @return the weights file of the checkpoint
     * @throws IOException if writing fails (the previous checkpoint then stays the valid one)
     */
    public Path checkpoint() throws IOException {
        Path dir = config.outDir().resolve("checkpoints");
        Files.createDirectories(dir);
        String tag = String.format(Locale.ROOT, "step-%08d", step);
        Path weights = dir.resolve(tag + ".safetensors");
        Path state = dir.resolve(tag + ".state.safetensors");
        ModelWeights w = net.toWeights(provenance());
        w.writeSafeTensors(weights);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "usrnet-train-state");
        meta.put("step", Long.toString(step));
        meta.put("phase", adam == null ? "none" : adam.phase());
        meta.put("adam_updates", Long.toString(adam == null ? 0 : adam.updates()));
        meta.put("best_psnr", Double.toString(bestPsnr));
        meta.put("seed", Long.toString(config.seed()));
        SafeTensors.write(state, new StateDict(adam == null ? Map.of() : adam.toTensors(), meta));
        JsonObject pointer = new JsonObject();
        pointer.addProperty("step", step);
        pointer.addProperty("weights", config.outDir().relativize(weights).toString());
        pointer.addProperty("state", config.outDir().relativize(state).toString());
        String json = new GsonBuilder().setPrettyPrinting().create().toJson(pointer) + "\n";
        AtomicFiles.write(config.outDir().resolve(POINTER), tmp -> Files.writeString(tmp, json, StandardCharsets.UTF_8));
        w.writeSafeTensors(config.outDir().resolve("model.safetensors"));
        pruneCheckpoints(dir);
        return weights;
    }

    private void pruneCheckpoints(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("step-") && n.endsWith(".safetensors") && !n.endsWith(".state.safetensors");
            }).sorted().collect(Collectors.toList());
        }
        for (int i = 0; i < all.size() - config.keepCheckpoints(); i++) {
            Path w = all.get(i);
            String name = w.getFileName().toString();
            Files.deleteIfExists(w);
            Files.deleteIfExists(dir.resolve(name.replace(".safetensors", ".state.safetensors")));
        }
    }

    private Map<String, String> provenance() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("trained_by", "usrnet-java Trainer");
        m.put("step", Long.toString(step));
        m.put("seed", Long.toString(config.seed()));
        m.put("train_data", config.trainDir().toString());
        m.put("training_config", config.toJson().toString());
        return m;
    }

    /**
     * Sets the number of threads PyTorch uses inside each operation, for the whole process. On a
     * machine shared with other busy processes one thread is often much faster than several (the
     * engine's OpenMP threads wait for each other at every operation).
     *
     * @param threads at least 1
     */
    public static void setEngineThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        TrainEngine.setThreads(threads);
    }

    /** Frees the engine memory and closes the log. */
    @Override
    public void close() throws IOException {
        if (adam != null) {
            adam.close();
        }
        root.close();
        log.close();
    }
}
