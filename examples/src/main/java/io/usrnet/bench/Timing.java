package io.usrnet.bench;

import java.util.Arrays;

/** Timing helpers shared by the benchmarks. */
final class Timing {
    private Timing() {
    }

    /** Median of the values (the mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Runs {@code task} {@code warmup} times untimed, then {@code repeats} times; returns milliseconds. */
    static double[] time(Runnable task, int warmup, int repeats) {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }
}
