package io.usrnet.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import io.usrnet.core.Restorer;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.prior.PriorEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Consecutive restorations with one {@link Restorer}, printing the process's resident memory and
 * the Java heap as they go, so that a leak (native tensors or Java objects kept per call) shows as
 * growth. Tiny configuration with seeded random weights, a 48×48 RGB input at ×2, a 25×25 Gaussian,
 * one engine thread (what is measured does not depend on it, and on a busy machine several threads
 * make many small calls very slow).
 *
 * <pre>
 * ./usrnet bench leak [RESTORES]
 * </pre>
 *
 * RSS is VmRSS of {@code /proc/self/status} (Linux; "n/a" elsewhere); heap is what is used after
 * {@code System.gc()}. Both are printed after a tenth, half and all of the restorations (20, 100 and
 * 200 by default), with the growth from the first of these to the last.
 */
public final class LeakBenchmark {
    private static final double MB = 1 << 20;

    private LeakBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: the number of restorations (default 200, at least 10)
     */
    public static void main(String[] args) throws IOException {
        int restores = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        if (restores < 10) {
            throw new IllegalArgumentException("bench leak needs at least 10 restorations, got " + restores);
        }
        Set<Integer> report = Set.of(restores / 10, restores / 2, restores); // 20, 100, 200 by default
        Kernel k = Kernels.gaussian(25, 1.6);
        Image lr = BenchInputs.randomImage(3, 48, 48, 7);
        PriorEngine.start();
        int engineThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        System.out.printf(Locale.ROOT, "leak benchmark: %d restorations, tiny model, 48² -> 96² (×2), 1 engine "
                + "thread%n", restores);
        System.out.printf(Locale.ROOT, "%9s %10s %16s %10s%n", "restore", "RSS (MB)", "heap used (MB)", "time (s)");
        double[] first = null;
        double[] last = null;
        long t0 = System.nanoTime();
        try (Restorer restorer = Restorer.builder().weights(ModelWeights.random(ModelConfig.usrnetTiny(), 42))
                .build()) {
            for (int i = 1; i <= restores; i++) {
                restorer.restore(lr, Degradation.of(k, 2, 2.55));
                if (report.contains(i)) {
                    last = new double[] {rss(), heapAfterGc()};
                    first = first == null ? last : first;
                    System.out.printf(Locale.ROOT, "%9d %10s %16.1f %10.1f%n", i,
                            last[0] < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", last[0]), last[1],
                            (System.nanoTime() - t0) / 1e9);
                }
            }
        } finally {
            JniUtils.setNumThreads(engineThreads);
        }
        System.out.printf(Locale.ROOT, "growth from restore %d to %d: RSS %s MB, heap %+.1f MB%n",
                restores / 10, restores,
                first[0] < 0 ? "n/a" : String.format(Locale.ROOT, "%+.1f", last[0] - first[0]), last[1] - first[1]);
    }

    /** Resident set size in MB (VmRSS of /proc/self/status), or -1 where there is none. */
    private static double rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 / MB;
                }
            }
        }
        return -1;
    }

    /** Heap in use after a few collections, in MB. */
    private static double heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return (rt.totalMemory() - rt.freeMemory()) / MB;
    }
}
