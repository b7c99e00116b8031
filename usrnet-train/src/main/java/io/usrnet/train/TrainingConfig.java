package io.usrnet.train;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that defines a training run of {@link Trainer}. Immutable; build with
 * {@link #builder()}. Saved as {@code config.json} in the output folder, so a run can be resumed
 * with exactly its settings.
 *
 * <p>A run has up to three parts, on one step axis: {@code denoiserSteps} steps pre-training the
 * prior alone as a noise-level-conditioned Gaussian denoiser (σ uniform in
 * [0, {@code denoiserMaxSigma255}]/255, input {@code [noisy, σ·1]}); then, when the end-to-end part
 * begins, {@code hyperFitSteps} quick updates fitting the hyper-network to a hand-made schedule
 * (not counted as steps; see {@link Trainer}); then {@code steps} end-to-end steps of the unfolded
 * network on synthetic degradations ({@link TrainingSampler}). Adam, L1 loss.
 *
 * @param model               the architecture
 * @param trainDir            the training image folder (never an evaluation set)
 * @param outDir              where checkpoints, logs and the final weights go
 * @param patchSize           HR patch side (multiple of every scale, ≥ kernel size)
 * @param batchSize           samples per step
 * @param kernelSize          blur kernel side
 * @param scales              scale factors drawn per batch
 * @param denoiserSteps       steps of denoiser pre-training (0 to skip)
 * @param denoiserMaxSigma255 largest denoiser noise level, [0, 255] units
 * @param denoiserRate        learning rate of the denoiser part
 * @param hyperFitSteps       updates fitting the hyper-network at the start of the end-to-end part (0 to skip)
 * @param steps               end-to-end steps
 * @param rate                learning rate of the end-to-end part
 * @param gradientClip        largest global gradient L2 norm (0: no clipping)
 * @param seed                the seed of everything random (weights, batches)
 * @param logEvery            steps between loss log lines
 * @param validateEvery       steps between validations (0: only at the end of each part)
 * @param checkpointEvery     steps between checkpoints (0: only at the end of each part)
 * @param keepCheckpoints     how many checkpoints to keep (older ones are deleted), ≥ 1
 * @param validationImages    held-out training images for validation
 * @param validationPatch     side of the centre crop validated on (multiple of every scale)
 * @param maxImages           use only the first this many training images (0: all)
 * @param initialWeights      weights to start from instead of random ones (null: random)
 */
public record TrainingConfig(ModelConfig model, Path trainDir, Path outDir, int patchSize, int batchSize,
        int kernelSize, int[] scales, int denoiserSteps, double denoiserMaxSigma255, LearningRate denoiserRate,
        int hyperFitSteps, int steps, LearningRate rate, double gradientClip, long seed, int logEvery,
        int validateEvery, int checkpointEvery, int keepCheckpoints, int validationImages, int validationPatch,
        int maxImages, Path initialWeights) {

    /** Validates and copies. */
    public TrainingConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(trainDir, "trainDir");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(denoiserRate, "denoiserRate");
        Objects.requireNonNull(rate, "rate");
        scales = scales.clone();
        TrainingSampler.Settings.usrnet(patchSize, batchSize, kernelSize, scales); // validates
        for (int s : scales) {
            if (validationPatch % s != 0 || validationPatch < kernelSize) {
                throw new IllegalArgumentException("validation patch " + validationPatch
                        + " must be a multiple of every scale and at least the kernel size");
            }
        }
        if (denoiserSteps < 0 || hyperFitSteps < 0 || steps < 0 || logEvery < 1 || validateEvery < 0
                || checkpointEvery < 0 || keepCheckpoints < 1 || validationImages < 0 || maxImages < 0
                || !(denoiserMaxSigma255 >= 0) || !(gradientClip >= 0)) {
            throw new IllegalArgumentException("invalid training configuration: step counts and intervals must be "
                    + ">= 0 (logEvery, keepCheckpoints >= 1), noise levels and clipping >= 0");
        }
    }

    /** The total number of steps (denoiser + end-to-end). */
    public long totalSteps() {
        return (long) denoiserSteps + steps;
    }

    @Override
    public int[] scales() {
        return scales.clone();
    }

    /** The sampler recipe of this run (USRNet's, with this patch, batch, kernel size and scales). */
    public TrainingSampler.Settings samplerSettings() {
        return TrainingSampler.Settings.usrnet(patchSize, batchSize, kernelSize, scales);
    }

    /** A builder with the defaults of a long CPU run of the tiny model. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.trainDir = trainDir;
        b.outDir = outDir;
        b.patchSize = patchSize;
        b.batchSize = batchSize;
        b.kernelSize = kernelSize;
        b.scales = scales.clone();
        b.denoiserSteps = denoiserSteps;
        b.denoiserMaxSigma255 = denoiserMaxSigma255;
        b.denoiserRate = denoiserRate;
        b.hyperFitSteps = hyperFitSteps;
        b.steps = steps;
        b.rate = rate;
        b.gradientClip = gradientClip;
        b.seed = seed;
        b.logEvery = logEvery;
        b.validateEvery = validateEvery;
        b.checkpointEvery = checkpointEvery;
        b.keepCheckpoints = keepCheckpoints;
        b.validationImages = validationImages;
        b.validationPatch = validationPatch;
        b.maxImages = maxImages;
        b.initialWeights = initialWeights;
        return b;
    }

    /**
     * The settings that must not change when a run is resumed (they determine the batches, the
     * weights and the optimizer trajectory up to the checkpoint), as JSON.
     */
    JsonObject identity() {
        JsonObject o = toJson();
        for (String mutable : List.of("outDir", "steps", "rate", "logEvery", "validateEvery", "checkpointEvery",
                "keepCheckpoints")) {
            o.remove(mutable);
        }
        return o;
    }

    /** Names of the identity settings that differ between two configurations. */
    List<String> identityDifferences(TrainingConfig other) {
        JsonObject a = identity();
        JsonObject b = other.identity();
        List<String> diff = new ArrayList<>();
        for (String key : a.keySet()) {
            if (!Objects.equals(a.get(key), b.get(key))) {
                diff.add(key + " (" + a.get(key) + " vs " + b.get(key) + ")");
            }
        }
        return diff;
    }

    /** This configuration as JSON. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        JsonObject m = new JsonObject();
        model.toMetadata().forEach(m::addProperty);
        o.add("model", m);
        o.addProperty("trainDir", trainDir.toString());
        o.addProperty("outDir", outDir.toString());
        o.addProperty("patchSize", patchSize);
        o.addProperty("batchSize", batchSize);
        o.addProperty("kernelSize", kernelSize);
        o.add("scales", ints(scales));
        o.addProperty("denoiserSteps", denoiserSteps);
        o.addProperty("denoiserMaxSigma255", denoiserMaxSigma255);
        o.add("denoiserRate", rate(denoiserRate));
        o.addProperty("hyperFitSteps", hyperFitSteps);
        o.addProperty("steps", steps);
        o.add("rate", rate(rate));
        o.addProperty("gradientClip", gradientClip);
        o.addProperty("seed", seed);
        o.addProperty("logEvery", logEvery);
        o.addProperty("validateEvery", validateEvery);
        o.addProperty("checkpointEvery", checkpointEvery);
        o.addProperty("keepCheckpoints", keepCheckpoints);
        o.addProperty("validationImages", validationImages);
        o.addProperty("validationPatch", validationPatch);
        o.addProperty("maxImages", maxImages);
        if (initialWeights != null) {
            o.addProperty("initialWeights", initialWeights.toString());
        }
        return o;
    }

    /**
     * Reads a configuration written by {@link #write}.
     *
     * @throws InvalidFileException if the file is not a valid configuration
     * @throws IOException          if it cannot be read
     */
    public static TrainingConfig read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            JsonObject o = JsonParser.parseString(text).getAsJsonObject();
            JsonObject m = o.getAsJsonObject("model");
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
            m.entrySet().forEach(e -> meta.put(e.getKey(), e.getValue().getAsString()));
            Builder b = builder()
                    .model(ModelConfig.fromMetadata(meta))
                    .trainDir(Path.of(o.get("trainDir").getAsString()))
                    .outDir(Path.of(o.get("outDir").getAsString()))
                    .patchSize(o.get("patchSize").getAsInt())
                    .batchSize(o.get("batchSize").getAsInt())
                    .kernelSize(o.get("kernelSize").getAsInt())
                    .scales(toInts(o.getAsJsonArray("scales")))
                    .denoiserSteps(o.get("denoiserSteps").getAsInt())
                    .denoiserMaxSigma255(o.get("denoiserMaxSigma255").getAsDouble())
                    .denoiserRate(toRate(o.getAsJsonObject("denoiserRate")))
                    .hyperFitSteps(o.get("hyperFitSteps").getAsInt())
                    .steps(o.get("steps").getAsInt())
                    .rate(toRate(o.getAsJsonObject("rate")))
                    .gradientClip(o.get("gradientClip").getAsDouble())
                    .seed(o.get("seed").getAsLong())
                    .logEvery(o.get("logEvery").getAsInt())
                    .validateEvery(o.get("validateEvery").getAsInt())
                    .checkpointEvery(o.get("checkpointEvery").getAsInt())
                    .keepCheckpoints(o.get("keepCheckpoints").getAsInt())
                    .validationImages(o.get("validationImages").getAsInt())
                    .validationPatch(o.get("validationPatch").getAsInt())
                    .maxImages(o.get("maxImages").getAsInt());
            if (o.has("initialWeights")) {
                b.initialWeights(Path.of(o.get("initialWeights").getAsString()));
            }
            return b.build();
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "not a training configuration: " + e.getMessage(), e);
        }
    }

    /** Writes this configuration as JSON, atomically. */
    public void write(Path file) throws IOException {
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJson());
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8));
    }

    private static JsonArray ints(int[] v) {
        JsonArray a = new JsonArray();
        for (int x : v) {
            a.add(x);
        }
        return a;
    }

    private static int[] toInts(JsonArray a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsInt();
        }
        return v;
    }

    private static JsonObject rate(LearningRate r) {
        JsonObject o = new JsonObject();
        o.addProperty("initial", r.initial());
        o.add("milestones", ints(r.milestones()));
        o.addProperty("gamma", r.gamma());
        return o;
    }

    private static LearningRate toRate(JsonElement e) {
        JsonObject o = e.getAsJsonObject();
        return new LearningRate(o.get("initial").getAsDouble(), toInts(o.getAsJsonArray("milestones")),
                o.get("gamma").getAsDouble());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c && toJson().equals(c.toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return "TrainingConfig" + toJson();
    }

    /** Builder of {@link TrainingConfig}; every setter returns the builder. */
    public static final class Builder {
        private ModelConfig model = ModelConfig.usrnetTiny();
        private Path trainDir;
        private Path outDir;
        private int patchSize = 96;
        private int batchSize = 8;
        private int kernelSize = 25;
        private int[] scales = {1, 2, 3, 4};
        private int denoiserSteps = 2000;
        private double denoiserMaxSigma255 = 50;
        private LearningRate denoiserRate = LearningRate.halvedAt(1e-3, 2000, 0.5, 0.75);
        private int hyperFitSteps = 2000;
        private int steps = 20000;
        private LearningRate rate = LearningRate.halvedAt(1e-4, 20000, 0.5, 0.75);
        private double gradientClip = 0;
        private long seed = 0;
        private int logEvery = 10;
        private int validateEvery = 500;
        private int checkpointEvery = 100;
        private int keepCheckpoints = 3;
        private int validationImages = 8;
        private int validationPatch = 96;
        private int maxImages = 0;
        private Path initialWeights;

        private Builder() {
        }

        /** Architecture (default USRNet-tiny). */
        public Builder model(ModelConfig v) {
            model = v;
            return this;
        }

        /** Training image folder (required). */
        public Builder trainDir(Path v) {
            trainDir = v;
            return this;
        }

        /** Output folder (required). */
        public Builder outDir(Path v) {
            outDir = v;
            return this;
        }

        /** HR patch side (default 96). */
        public Builder patchSize(int v) {
            patchSize = v;
            return this;
        }

        /** Samples per step (default 8). */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** Blur kernel side (default 25). */
        public Builder kernelSize(int v) {
            kernelSize = v;
            return this;
        }

        /** Scale factors (default 1, 2, 3, 4). */
        public Builder scales(int... v) {
            scales = v.clone();
            return this;
        }

        /** Denoiser pre-training steps (default 2000). */
        public Builder denoiserSteps(int v) {
            denoiserSteps = v;
            return this;
        }

        /** Largest denoiser noise level in [0, 255] units (default 50). */
        public Builder denoiserMaxSigma255(double v) {
            denoiserMaxSigma255 = v;
            return this;
        }

        /** Denoiser learning rate (default 1e-3 halved at 50 % and 75 % of 2000 steps). */
        public Builder denoiserRate(LearningRate v) {
            denoiserRate = v;
            return this;
        }

        /** Hyper-network fitting updates (default 2000). */
        public Builder hyperFitSteps(int v) {
            hyperFitSteps = v;
            return this;
        }

        /** End-to-end steps (default 20000). */
        public Builder steps(int v) {
            steps = v;
            return this;
        }

        /** End-to-end learning rate (default 1e-4 halved at 50 % and 75 % of 20000 steps). */
        public Builder rate(LearningRate v) {
            rate = v;
            return this;
        }

        /** Gradient clipping norm (default 0 = off). */
        public Builder gradientClip(double v) {
            gradientClip = v;
            return this;
        }

        /** Seed (default 0). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Steps between log lines (default 10). */
        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        /** Steps between validations (default 500). */
        public Builder validateEvery(int v) {
            validateEvery = v;
            return this;
        }

        /** Steps between checkpoints (default 100). */
        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        /** Checkpoints kept (default 3). */
        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        /** Held-out validation images (default 8). */
        public Builder validationImages(int v) {
            validationImages = v;
            return this;
        }

        /** Validation crop side (default 96). */
        public Builder validationPatch(int v) {
            validationPatch = v;
            return this;
        }

        /** Limit on training images, 0 = all (default 0). */
        public Builder maxImages(int v) {
            maxImages = v;
            return this;
        }

        /** Starting weights (default none: seeded random initialisation). */
        public Builder initialWeights(Path v) {
            initialWeights = v;
            return this;
        }

        /**
         * Builds the configuration.
         *
         * @throws IllegalArgumentException if a value is invalid
         * @throws NullPointerException     if the training or output folder is missing
         */
        public TrainingConfig build() {
            return new TrainingConfig(model, trainDir, outDir, patchSize, batchSize, kernelSize, scales, denoiserSteps,
                    denoiserMaxSigma255, denoiserRate, hyperFitSteps, steps, rate, gradientClip, seed, logEvery,
                    validateEvery, checkpointEvery, keepCheckpoints, validationImages, validationPatch, maxImages,
                    initialWeights);
        }
    }
}
