package io.usrnet.data;

import java.util.HashMap;
import java.util.Map;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Per-thread FFT plans and scratch buffers. JTransforms plans are not guaranteed to be thread-safe,
 * so each thread owns its plans; the cache is bounded so that a long-lived pool thread that saw
 * many image sizes does not hoard memory.
 */
final class FftScratch {
    private static final int MAX_PLANS = 16;
    private static final ThreadLocal<FftScratch> LOCAL = ThreadLocal.withInitial(FftScratch::new);

    private final Map<Integer, DoubleFFT_1D> plans = new HashMap<>();
    private double[] buffer = new double[0];

    private FftScratch() {
    }

    /** The calling thread's scratch. */
    static FftScratch get() {
        return LOCAL.get();
    }

    /** This thread's plan for 1-D transforms of length {@code n} (n ≥ 2). */
    DoubleFFT_1D plan(int n) {
        DoubleFFT_1D p = plans.get(n);
        if (p == null) {
            if (plans.size() >= MAX_PLANS) {
                plans.clear();
            }
            p = new DoubleFFT_1D(n);
            plans.put(n, p);
        }
        return p;
    }

    /** A scratch array of at least {@code n} doubles (contents undefined). */
    double[] buffer(int n) {
        if (buffer.length < n) {
            buffer = new double[n];
        }
        return buffer;
    }
}
