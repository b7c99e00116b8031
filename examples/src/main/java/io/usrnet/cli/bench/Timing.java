package io.usrnet.cli.bench;

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
}
