package io.usrnet.bench;

import io.usrnet.core.Restorer;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.hyper.Schedule;
import io.usrnet.prior.ResUNet;
import java.util.Locale;

/**
 * Times a whole {@link Restorer#restore} for the two cases the original PyTorch code was timed on
 * (2 threads, this machine): the tiny configuration on a 128×128 input at ×4 (original: 6.6 s) and
 * the full configuration (64-128-256-512, 8 iterations, 2 blocks) on a 64×64 input at ×4
 * (original: 20.6 s), with seeded random weights and a 25×25 Gaussian kernel. It also times the
 * parts alone — the data step (precomputation and all iterations) and the prior (all passes) — so
 * that the remainder (array conversions, the hyper-network, allocation) is visible.
 *
 * <pre>
 * ./usrnet bench restore [repeats]
 * </pre>
 */
public final class RestoreBenchmark {
    private RestoreBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: number of timed repeats (default 3)
     */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf(Locale.ROOT, "restore benchmark: %d CPUs, median of %d runs after 1 warm-up%n",
                Runtime.getRuntime().availableProcessors(), repeats);
        System.out.printf(Locale.ROOT, "%-6s %-16s %11s %14s %11s %12s %11s%n", "model", "LR -> HR", "restore (s)",
                "data step (s)", "prior (s)", "other (s)", "original (s)");
        run("tiny", ModelConfig.usrnetTiny(), 128, 4, 6.6, repeats);
        run("full", ModelConfig.usrnet(), 64, 4, 20.6, repeats);
    }

    private static void run(String name, ModelConfig config, int lrSize, int scale, double original, int repeats) {
        ModelWeights weights = ModelWeights.random(config, 42);
        Kernel k = Kernels.gaussian(25, 1.6);
        Image lr = BenchInputs.randomImage(3, lrSize, lrSize, 7);
        int hr = lrSize * scale;
        try (Restorer restorer = Restorer.builder().weights(weights).build();
                ResUNet prior = ResUNet.create(config.priorConfig(), weights.priorParameters())) {
            Schedule schedule = restorer.schedule(2.55, scale);
            int n = schedule.iterations();
            double whole = Timing.median(Timing.time(() -> restorer.restore(lr, k, scale, 2.55), 1, repeats)) / 1e3;
            float[] x = Degradation.upsampleNearest(lr, scale).toArray();
            float[] z = new float[x.length];
            double data = Timing.median(Timing.time(() -> {
                DataStep d = DataStep.prepare(k, scale, lr);
                for (int i = 0; i < n; i++) {
                    d.step(x, schedule.alpha(i), z);
                }
            }, 1, repeats)) / 1e3;
            float[] out = new float[x.length];
            double priorSeconds = Timing.median(Timing.time(() -> {
                for (int i = 0; i < n; i++) {
                    prior.denoise(x, 3, hr, hr, (float) schedule.beta(i), out);
                }
            }, 1, repeats)) / 1e3;
            System.out.printf(Locale.ROOT, "%-6s %-16s %11.2f %14.2f %11.2f %12.2f %11.1f%n", name,
                    lrSize + "² -> " + hr + "²", whole, data, priorSeconds, whole - data - priorSeconds, original);
        }
    }
}
