package io.usrnet.cli;

import io.usrnet.train.LearningRate;
import io.usrnet.train.Trainer;
import io.usrnet.train.TrainingConfig;
import io.usrnet.core.weights.ModelConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usrnet train}: train a USRNet model in Java on synthetic degradations, or resume a run. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {
            "Train USRNet (Adam, L1 loss) on synthetic degradations of the images in DATA: denoiser pre-training "
                    + "of the ResUNet, a fit of the hyper-network to a hand-made schedule, then end-to-end training "
                    + "of the unfolded network. Held-out training images validate; never point DATA at an "
                    + "evaluation set.",
            "OUT receives config.json, train.log, checkpoints/ (weights + optimizer state), model.safetensors "
                    + "(latest weights) and best.safetensors. With --resume the run in OUT continues exactly where "
                    + "its last checkpoint left it; only --steps, the --lr options and the intervals may change."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "OUT", description = "Output folder of the run.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in OUT from its latest checkpoint.")
    boolean resume;

    @Option(names = "--data", paramLabel = "DATA", description = "Training image folder (required for a new run).")
    Path data;

    @Option(names = "--model", paramLabel = "NAME", description = "Base architecture: tiny (default) or usrnet.")
    String model;

    @Option(names = "--widths", paramLabel = "A,B,C,D", split = ",", description = "ResUNet widths (overrides the model's).")
    int[] widths;

    @Option(names = "--blocks", paramLabel = "N", description = "Residual blocks per level (overrides the model's).")
    Integer blocks;

    @Option(names = "--iterations", paramLabel = "N", description = "Unfolded iterations (overrides the model's).")
    Integer iterations;

    @Option(names = "--hyper-width", paramLabel = "N", description = "Hyper-network width (overrides the model's).")
    Integer hyperWidth;

    @Option(names = "--init", paramLabel = "W", description = "Start from these weights instead of random ones.")
    Path init;

    @Option(names = "--steps", paramLabel = "N", description = "End-to-end steps (default 20000).")
    Integer steps;

    @Option(names = "--denoiser-steps", paramLabel = "N", description = "Denoiser pre-training steps (default 2000; 0 with --init).")
    Integer denoiserSteps;

    @Option(names = "--hyper-fit-steps", paramLabel = "N", description = "Hyper-network fitting updates (default 2000; 0 with --init).")
    Integer hyperFitSteps;

    @Option(names = "--patch", paramLabel = "P", description = "HR patch side (default 96).")
    Integer patch;

    @Option(names = "--batch", paramLabel = "B", description = "Samples per step (default 8).")
    Integer batch;

    @Option(names = "--kernel-size", paramLabel = "K", description = "Blur kernel side (default 25).")
    Integer kernelSize;

    @Option(names = "--scales", paramLabel = "S,..", split = ",", description = "Scale factors (default 1,2,3,4).")
    int[] scales;

    @Option(names = "--lr", paramLabel = "R", description = "End-to-end learning rate (default 1e-4).")
    Double lr;

    @Option(names = "--lr-milestones", paramLabel = "N,..", split = ",",
            description = "End-to-end steps where the rate is multiplied by --lr-gamma (default 50%% and 75%% of --steps).")
    int[] lrMilestones;

    @Option(names = "--lr-gamma", paramLabel = "G", description = "Decay factor at the milestones (default 0.5).")
    Double lrGamma;

    @Option(names = "--denoiser-lr", paramLabel = "R", description = "Denoiser learning rate, halved at 50%% and 75%% of the denoiser steps (default 1e-3).")
    Double denoiserLr;

    @Option(names = "--grad-clip", paramLabel = "X", description = "Clip the global gradient norm to X (default off).")
    Double gradClip;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of weights and batches (default 0).")
    Long seed;

    @Option(names = "--validation-images", paramLabel = "N", description = "Held-out training images (default 8).")
    Integer validationImages;

    @Option(names = "--validation-patch", paramLabel = "P", description = "Validation crop side (default 96).")
    Integer validationPatch;

    @Option(names = "--max-images", paramLabel = "N", description = "Train on the first N images only (default all).")
    Integer maxImages;

    @Option(names = "--log-every", paramLabel = "N", description = "Steps between log lines (default 10).")
    Integer logEvery;

    @Option(names = "--validate-every", paramLabel = "N", description = "Steps between validations (default 500).")
    Integer validateEvery;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (default 100).")
    Integer checkpointEvery;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "PyTorch threads per operation (default ${DEFAULT-VALUE}). On a machine shared with busy "
                    + "processes 1 is safest: several threads spin-wait for each other and can run many times slower; "
                    + "with the environment variable OMP_WAIT_POLICY=PASSIVE, 2 threads are about as fast as 1 under "
                    + "contention and faster when idle. Keep the same value when resuming: results may differ in the "
                    + "last bits between thread counts.")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        TrainingConfig config = resume ? resumedConfig() : newConfig();
        Trainer.setEngineThreads(threads);
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> console = line -> {
            err.println(line);
            err.flush();
        };
        try (Trainer trainer = resume ? Trainer.resume(config, console) : Trainer.start(config, console)) {
            trainer.run();
            spec.commandLine().getOut().println(out.resolve("model.safetensors"));
        }
        return 0;
    }

    private TrainingConfig newConfig() {
        if (data == null) {
            throw new IllegalArgumentException("--data is required for a new run (or pass --resume)");
        }
        CliText.requireFolder("--data", data, "a folder of training images (never an evaluation set)");
        ModelConfig base = model == null || model.equals("tiny") ? ModelConfig.usrnetTiny()
                : model.equals("usrnet") ? ModelConfig.usrnet() : null;
        if (base == null) {
            throw new IllegalArgumentException("--model must be tiny or usrnet, got " + model);
        }
        ModelConfig m = ModelConfig.of(iterations != null ? iterations : base.iterations(),
                hyperWidth != null ? hyperWidth : base.hyperWidth(), base.inChannels(), base.outChannels(),
                widths != null ? widths : base.widths(), blocks != null ? blocks : base.blocks());
        TrainingConfig.Builder b = TrainingConfig.builder().model(m).trainDir(data.toAbsolutePath().normalize()).outDir(out);
        if (init != null) {
            b.initialWeights(init.toAbsolutePath().normalize()).denoiserSteps(0).hyperFitSteps(0);
        }
        set(b, denoiserSteps, b::denoiserSteps);
        set(b, hyperFitSteps, b::hyperFitSteps);
        set(b, patch, b::patchSize);
        set(b, batch, b::batchSize);
        set(b, kernelSize, b::kernelSize);
        if (scales != null) {
            b.scales(scales);
        }
        if (gradClip != null) {
            b.gradientClip(gradClip);
        }
        if (seed != null) {
            b.seed(seed);
        }
        set(b, validationImages, b::validationImages);
        set(b, validationPatch, b::validationPatch);
        set(b, maxImages, b::maxImages);
        int pre = b.build().denoiserSteps();
        b.denoiserRate(LearningRate.halvedAt(denoiserLr != null ? denoiserLr : 1e-3, pre, 0.5, 0.75));
        int e2e = steps != null ? steps : b.build().steps();
        b.steps(e2e);
        // default: halve at 50 % and 75 % of the end-to-end steps
        LearningRate halved = LearningRate.halvedAt(lr != null ? lr : 1e-4, e2e, 0.5, 0.75);
        b.rate(new LearningRate(halved.initial(), lrMilestones != null ? lrMilestones : halved.milestones(),
                lrGamma != null ? lrGamma : halved.gamma()));
        applyIntervals(b);
        return b.build();
    }

    private TrainingConfig resumedConfig() throws Exception {
        Path saved = out.resolve("config.json");
        if (!Files.exists(saved)) {
            throw new NoSuchFileException(saved.toString(), null, "no training run to resume in " + out);
        }
        for (Object o : new Object[] {data, model, widths, blocks, iterations, hyperWidth, init, denoiserSteps,
            hyperFitSteps, patch, batch, kernelSize, scales, denoiserLr, gradClip, seed, validationImages,
            validationPatch, maxImages}) {
            if (o != null) {
                throw new IllegalArgumentException("with --resume only --steps, --lr, --lr-milestones, --lr-gamma, "
                        + "--log-every, --validate-every, --checkpoint-every and --threads may be given; the rest "
                        + "comes from " + saved);
            }
        }
        TrainingConfig c = TrainingConfig.read(saved);
        TrainingConfig.Builder b = c.toBuilder().outDir(out);
        if (steps != null) {
            b.steps(steps);
        }
        if (lr != null || lrMilestones != null || lrGamma != null) {
            LearningRate r = c.rate();
            b.rate(new LearningRate(lr != null ? lr : r.initial(), lrMilestones != null ? lrMilestones : r.milestones(),
                    lrGamma != null ? lrGamma : r.gamma()));
        }
        applyIntervals(b);
        return b.build();
    }

    private void applyIntervals(TrainingConfig.Builder b) {
        set(b, logEvery, b::logEvery);
        set(b, validateEvery, b::validateEvery);
        set(b, checkpointEvery, b::checkpointEvery);
    }

    private static void set(TrainingConfig.Builder b, Integer value, java.util.function.IntConsumer setter) {
        if (value != null) {
            setter.accept(value);
        }
    }
}
