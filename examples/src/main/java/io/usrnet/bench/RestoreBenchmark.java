package io.usrnet.bench;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.StageListener;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Times a whole {@link Restorer#restore} for the two cases the original PyTorch code was timed on:
 * the tiny configuration on a 128×128 input at ×4 and the full configuration (64-128-256-512,
 * 8 iterations, 2 blocks) on a 64×64 input at ×4, with seeded random weights and a 25×25 Gaussian
 * kernel. (A ratio to the original is measured side by side by {@code benchmarks/side-by-side.sh};
 * this prints no figure measured elsewhere.) Each restoration is
 * split into the data step (precomputation and all iterations), the prior (all passes) and the
 * remainder (the hyper-network, upsampling, allocation), all measured inside that same call
 * ({@link StageListener}), so the parts add up to its time and the remainder is never negative.
 * The row shown is the restoration of median time.
 *
 * <pre>
 * ./usrnet bench restore [repeats]
 * </pre>
 */
public final class RestoreBenchmark {
    private RestoreBenchmark() {
    }

    /**
     * One timed restoration, in seconds: its wall time and what its data step and prior took in it.
     *
     * @param seconds the whole {@link Restorer#restore} call
     * @param dataStepSeconds the data step's precomputation and steps, inside the call
     * @param priorSeconds the prior's passes, inside the call
     */
    record Split(double seconds, double dataStepSeconds, double priorSeconds) {
        /** The rest of the call: the hyper-network, upsampling, allocation; at least 0. */
        double otherSeconds() {
            return seconds - dataStepSeconds - priorSeconds;
        }
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: number of timed repeats (default 3)
     */
    public static void main(String[] args) throws IOException {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf(Locale.ROOT, "restore benchmark: %d CPUs, the run of median time of %d after 1 warm-up%n",
                Runtime.getRuntime().availableProcessors(), repeats);
        System.out.printf(Locale.ROOT, "%-6s %-16s %11s %14s %11s %12s%n", "model", "LR -> HR", "restore (s)",
                "data step (s)", "prior (s)", "other (s)");
        run("tiny", ModelConfig.usrnetTiny(), 128, 4, repeats);
        run("full", ModelConfig.usrnet(), 64, 4, repeats);
    }

    private static void run(String name, ModelConfig config, int lrSize, int scale, int repeats) throws IOException {
        Kernel k = Kernels.gaussian(25, 1.6);
        Image lr = BenchInputs.randomImage(3, lrSize, lrSize, 7);
        try (Restorer restorer = Restorer.builder().weights(ModelWeights.random(config, 42)).build()) {
            time(restorer, lr, k, scale); // warm-up
            List<Split> runs = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                runs.add(time(restorer, lr, k, scale));
            }
            Split m = medianRun(runs);
            System.out.printf(Locale.ROOT, "%-6s %-16s %11.2f %14.2f %11.2f %12.2f%n", name,
                    lrSize + "² -> " + lrSize * scale + "²", m.seconds(), m.dataStepSeconds(), m.priorSeconds(),
                    m.otherSeconds());
        }
    }

    /** Restores once at σ = 2.55 and splits the call's time by its stages. */
    static Split time(Restorer restorer, Image lr, Kernel k, int scale) {
        long[] nanos = new long[2]; // data step, prior
        RestoreOptions options = RestoreOptions.builder().stageListener((index, data, prior) -> {
            nanos[0] += data;
            nanos[1] += prior;
        }).build();
        long t0 = System.nanoTime();
        restorer.restore(lr, Degradation.of(k, scale, 2.55), options);
        long whole = System.nanoTime() - t0;
        return new Split(whole / 1e9, nanos[0] / 1e9, nanos[1] / 1e9);
    }

    /**
     * The run of median wall time (the lower middle one for an even count): one whole run rather
     * than a median per column, whose differences need not add up and could be negative.
     */
    static Split medianRun(List<Split> runs) {
        List<Split> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Split::seconds));
        return sorted.get((sorted.size() - 1) / 2);
    }
}
