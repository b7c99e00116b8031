package io.usrnet.bench;

import io.usrnet.data.DataStep;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times the closed-form data step: precomputation ({@link DataStep#prepare}) and one step, for
 * random 3-channel images at scale 4 with a 25×25 Gaussian kernel, on the calling thread only and
 * with the common fork-join pool. Prints the median over several runs after a warm-up. Usage: {@code DataStepBenchmark [runs] [size ...]} (default 15 runs, HR 512
 * and 1024).
 */
public final class DataStepBenchmark {
    private static final int SCALE = 4;
    /** Untimed runs before timing, enough for the JIT to compile the hot loops. */
    private static final int WARMUP = 20;

    private DataStepBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: number of timed runs, then HR sizes
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int[] sizes = args.length > 1
                ? Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray()
                : new int[] {512, 1024};
        Kernel k = Kernels.gaussian(25, 2.0);
        System.out.printf(Locale.ROOT, "DataStep benchmark: scale %d, kernel %s, %d CPUs, median of %d runs%n",
                SCALE, k.shape(), Runtime.getRuntime().availableProcessors(), runs);
        System.out.printf(Locale.ROOT, "%-14s %-9s %14s %12s%n", "HR size", "threads", "prepare (ms)", "step (ms)");
        for (int size : sizes) {
            Image y = BenchInputs.randomImage(3, size / SCALE, size / SCALE, 1);
            Image x = BenchInputs.randomImage(3, size, size, 2);
            for (boolean parallel : new boolean[] {false, true}) {
                double[] prep = new double[runs];
                double[] step = new double[runs];
                DataStep d = null;
                for (int r = -WARMUP; r < runs; r++) {
                    long t0 = System.nanoTime();
                    d = DataStep.prepare(k, SCALE, y, parallel);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        prep[r] = (t1 - t0) / 1e6;
                    }
                }
                float[] xs = x.toArray();
                float[] out = new float[xs.length];
                for (int r = -WARMUP; r < runs; r++) {
                    long t0 = System.nanoTime();
                    d.step(xs, 0.1, out);
                    long t1 = System.nanoTime();
                    if (r >= 0) {
                        step[r] = (t1 - t0) / 1e6;
                    }
                }
                System.out.printf(Locale.ROOT, "%-14s %-9s %14.2f %12.2f%n", size + "×" + size + "×3",
                        parallel ? "pool" : "1", Timing.median(prep), Timing.median(step));
            }
        }
    }

}
