package io.usrnet.cli.bench;

import static io.usrnet.core.MemoryModel.formatBytes;

import io.usrnet.core.MemoryModel;
import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.prior.Tiling;
import java.io.IOException;
import java.util.Locale;

/**
 * Times one large restoration with random weights, tiled or not, and compares the process's
 * peak memory (VmHWM, what {@code /usr/bin/time} reports) with the {@link MemoryModel}'s estimate:
 *
 * <pre>
 *   ./usrnet bench large SIZE TILE|BUDGET [ITERATIONS] [full|tiny]
 * </pre>
 *
 * SIZE is the HR side (the LR image is SIZE/4 squared, scale 4); TILE the prior's tile (0 = whole),
 * or a memory budget such as {@code 1g} from which the tile is chosen. The last line,
 * {@value #RESULT}, gives the figures in bytes for {@link MemoryBenchmark}.
 */
public final class TileBenchmark {
    /** Prefix of the machine-readable result line. */
    static final String RESULT = "memory-result:";

    private TileBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args HR size, tile size or memory budget, optional iteration count (default all),
     *     optional model ({@code full}, default, or {@code tiny})
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: bench large SIZE TILE|BUDGET [ITERATIONS] [full|tiny]");
        }
        int size = Integer.parseInt(args[0]);
        boolean budget = !args[1].matches("\\d+");
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        boolean tiny = args.length > 3 && args[3].equals("tiny");
        ModelConfig config = tiny ? ModelConfig.usrnetTiny() : ModelConfig.usrnet();
        ModelWeights weights = ModelWeights.random(config, 42);
        Kernel k = Kernels.gaussian(25, 1.6);
        int lrSize = size / 4;
        Image lr = BenchInputs.randomImage(3, lrSize, lrSize, 7);
        RestoreOptions.Builder builder = RestoreOptions.builder().iterations(iterations);
        if (budget) {
            builder.maxMemoryBytes(MemoryModel.parseBytes(args[1]));
        } else {
            builder.tileSize(Integer.parseInt(args[1]));
        }
        RestoreOptions options = builder.build();
        try (Restorer restorer = Restorer.builder().weights(weights).build()) {
            Degradation d = Degradation.of(k, 4, 2.55);
            int tile = restorer.tileSize(lrSize, lrSize, d, options);
            long t0 = System.nanoTime();
            Image hr = restorer.restore(lr, d, options);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s %d² -> %d², tile %s%s, %s iterations: %.1f s%n",
                    tiny ? "tiny" : "full", lrSize, hr.width(), tile == 0 ? "none"
                            : Tiling.count(hr.width(), tile) + "² of " + Tiling.side(hr.width(), tile),
                    budget ? " (chosen for " + formatBytes(options.maxMemoryBytes()) + ")" : "",
                    iterations == 0 ? "all" : iterations, seconds);
            MemoryModel model = restorer.memoryModel();
            long estimate = model.peakBytes(lrSize, lrSize, 4, tile);
            long measured = ProcessStats.peakRssBytes();
            long heap = ProcessStats.peakHeapUsedBytes();
            System.out.printf(Locale.ROOT, "peak RSS %s measured, %s estimated (runtime %s + weights %s + images %s"
                    + " + prior %s); heap used at most %s%n", formatBytes(measured), formatBytes(estimate),
                    formatBytes(model.runtimeBytes()), formatBytes(model.weightBytes()),
                    formatBytes(model.imageBytes(lrSize, lrSize, 4)),
                    formatBytes(model.priorPartBytes(lrSize, lrSize, 4, tile)),
                    formatBytes(heap));
            System.out.printf(Locale.ROOT, "%s %d %d %d %d %.3f%n", RESULT, tile, measured, estimate, heap, seconds);
        }
    }
}
