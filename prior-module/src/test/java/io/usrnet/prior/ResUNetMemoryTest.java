package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Consecutive calls must not grow native or heap memory: every call frees what it allocates. */
class ResUNetMemoryTest {
    private static final long MB = 1 << 20;

    /** Resident set size of this process (VmRSS of /proc/self/status), in bytes. */
    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static long heapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void thousandCallsDoNotGrowMemory() throws Exception {
        int h = 21, w = 19; // padded to 24×24: exercises the padding path too
        float[] img = ResUNetTest.randomImage(1, 3 * h * w);
        float[] out = new float[3 * h * w];
        // One intra-op thread: on a shared, oversubscribed machine OpenMP's barriers make thousands
        // of small calls with several threads very slow; what is measured here does not depend on it.
        int threads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        try (ResUNet net = ResUNet.random(ResUNetConfig.USRNET_TINY, 3)) {
            for (int i = 0; i < 100; i++) { // warm-up: JIT, allocator pools, thread pools
                net.denoise(img, 3, h, w, 0.02f, out);
            }
            int arrays = net.managedArrayCount();
            assertThat(arrays).as("native arrays held between calls: the weights").isEqualTo(36);
            long rss0 = rss();
            long heap0 = heapAfterGc();
            for (int i = 0; i < 1000; i++) {
                net.denoise(img, 3, h, w, 0.02f, out);
            }
            long heap1 = heapAfterGc();
            long rss1 = rss();
            System.out.printf("ResUNet memory over 1000 calls (tiny, %dx%d): RSS %+.1f MB (%.1f -> %.1f), "
                    + "heap %+.1f MB%n", h, w, (rss1 - rss0) / (double) MB, rss0 / (double) MB,
                    rss1 / (double) MB, (heap1 - heap0) / (double) MB);
            assertThat(net.managedArrayCount()).as("native arrays held after 1000 calls").isEqualTo(arrays);
            // One call allocates about 1 MB of native tensors at this size (the intermediates of 36
            // convolutions), so a per-call leak of a tenth of them would add about 100 MB.
            assertThat(rss1 - rss0).as("RSS growth").isLessThan(48 * MB);
            assertThat(heap1 - heap0).as("heap growth").isLessThan(16 * MB);
        } finally {
            JniUtils.setNumThreads(threads);
        }
    }
}
