package io.usrnet.data;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs independent numbered tasks, on the common fork-join pool or on the calling thread. */
final class Parallel {
    /** Images with fewer samples than this are processed on the calling thread. */
    static final int MIN_PARALLEL_SAMPLES = 1 << 15;

    private Parallel() {
    }

    /** True if work of {@code samples} samples is worth splitting across threads. */
    static boolean worthIt(long samples) {
        return samples >= MIN_PARALLEL_SAMPLES && Runtime.getRuntime().availableProcessors() > 1;
    }

    /** Runs {@code task.accept(0 .. n-1)}, in parallel if {@code parallel}; returns when all are done. */
    static void forEach(boolean parallel, int n, IntConsumer task) {
        if (parallel && n > 1) {
            IntStream.range(0, n).parallel().forEach(task);
        } else {
            for (int i = 0; i < n; i++) {
                task.accept(i);
            }
        }
    }
}
