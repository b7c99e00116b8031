package io.usrnet.bench;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.util.Locale;

/**
 * Times one large restoration with random weights, tiled or not, for measuring wall time and peak
 * memory (run under {@code /usr/bin/time -f %M}):
 *
 * <pre>
 *   ./usrnet bench large SIZE TILE [ITERATIONS] [full|tiny]
 * </pre>
 *
 * SIZE is the HR side (the LR image is SIZE/4 squared, scale 4), TILE the prior's tile (0 = whole).
 */
public final class TileBenchmark {
    private TileBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args HR size, tile size, optional iteration count (default all), optional model
     *     ({@code full}, default, or {@code tiny})
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: bench large SIZE TILE [ITERATIONS] [full|tiny]");
        }
        int size = Integer.parseInt(args[0]);
        int tile = Integer.parseInt(args[1]);
        int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        boolean tiny = args.length > 3 && args[3].equals("tiny");
        ModelConfig config = tiny ? ModelConfig.usrnetTiny() : ModelConfig.usrnet();
        ModelWeights weights = BenchInputs.randomWeights(config, 42);
        Kernel k = Kernels.gaussian(25, 1.6);
        int lrSize = size / 4;
        Image lr = BenchInputs.randomImage(3, lrSize, lrSize, 7);
        RestoreOptions options = RestoreOptions.builder().iterations(iterations).tileSize(tile).build();
        try (Restorer restorer = Restorer.builder().weights(weights).build()) {
            long t0 = System.nanoTime();
            Image hr = restorer.restore(lr, k, 4, 2.55, options);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s %d² -> %d², tile %s, %s iterations: %.1f s (heap used %d MB)%n",
                    tiny ? "tiny" : "full", lrSize, hr.width(), tile == 0 ? "none" : tile,
                    iterations == 0 ? "all" : iterations, seconds,
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        }
    }
}
