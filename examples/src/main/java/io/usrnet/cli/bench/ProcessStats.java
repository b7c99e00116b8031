package io.usrnet.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory and time figures of this process, for the benchmarks. */
final class ProcessStats {
    private ProcessStats() {
    }

    /**
     * Peak resident set size of this process so far (VmHWM of /proc/self/status, the figure
     * {@code /usr/bin/time} reports as maximum resident set size), or -1 where it is not available.
     */
    static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    /** Sum over the heap pools of their peak used bytes (an upper bound of the live heap at any moment). */
    static long peakHeapUsedBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Milliseconds since the JVM started (its start time as the JVM records it). */
    static double msSinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }
}
