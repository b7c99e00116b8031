package io.usrnet.cli.bench;

import static io.usrnet.core.MemoryModel.formatBytes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Calibration table of the memory model: runs {@link TileBenchmark} ({@value #ITERATIONS}
 * iterations, random weights) in a fresh JVM per case — the peak RSS of a process only grows — and
 * prints the measured peak RSS next to {@link io.usrnet.core.MemoryModel}'s estimate. The children
 * inherit this process's environment and JVM options: run through {@code ./usrnet}, the launcher's
 * allocator settings; with them removed ({@code env -u MALLOC_ARENA_MAX -u MALLOC_MMAP_MAX_
 * -u MALLOC_TRIM_THRESHOLD_}), what a Java application gets (the library's own allocator setting,
 * see the prior module's {@code NativeAllocator}). The model must hold for both.
 *
 * <pre>
 *   ./usrnet bench memory [MODEL:SIZE:TILE|BUDGET ...]      e.g. tiny:2048:512 full:1024:1g
 * </pre>
 *
 * Without arguments it runs a grid of both configurations, whole and tiled (a few minutes).
 */
public final class MemoryBenchmark {
    /**
     * Iterations of each restoration: freed tensors are kept for reuse, and the peak grows over the
     * first passes (fragmentation) before it settles, by the third in the measurements.
     */
    static final int ITERATIONS = 4;

    private static final String[] DEFAULT_CASES = {
        "tiny:512:0", "tiny:1024:0", "tiny:2048:0", "tiny:2048:256", "tiny:2048:512",
        "full:256:0", "full:512:0", "full:1024:0", "full:1024:256", "full:1024:512",
    };

    private MemoryBenchmark() {
    }

    /**
     * Runs the cases.
     *
     * @param args cases {@code MODEL:SIZE:TILE} (tile 0 = whole) or {@code MODEL:SIZE:BUDGET}
     *     (e.g. {@code 1g}); none = the default grid
     * @throws IOException if a child process cannot be started
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        String[] cases = args.length == 0 ? DEFAULT_CASES : args;
        System.out.printf(Locale.ROOT, "memory model vs measured peak RSS (one process per case, %d iterations, "
                + "scale 4, random weights, MALLOC_ARENA_MAX=%s MALLOC_MMAP_MAX_=%s)%n", ITERATIONS,
                System.getenv("MALLOC_ARENA_MAX"), System.getenv("MALLOC_MMAP_MAX_"));
        System.out.printf(Locale.ROOT, "%-5s %-6s %-7s %-6s %11s %11s %9s %12s %9s%n", "model", "HR", "asked",
                "tile", "measured", "estimated", "est/meas", "heap (max)", "time (s)");
        for (String c : cases) {
            String[] p = c.split(":");
            if (p.length != 3) {
                throw new IllegalArgumentException("a case is MODEL:SIZE:TILE or MODEL:SIZE:BUDGET, got " + c);
            }
            String[] r = runCase(p[0], p[1], p[2]);
            if (r == null) {
                System.out.printf(Locale.ROOT, "%-5s %-6s %-7s failed (see above)%n", p[0], p[1], p[2]);
                continue;
            }
            long measured = Long.parseLong(r[2]);
            long estimated = Long.parseLong(r[3]);
            System.out.printf(Locale.ROOT, "%-5s %-6s %-7s %-6s %11s %11s %9.2f %12s %9s%n", p[0], p[1] + "²", p[2],
                    r[1].equals("0") ? "none" : r[1], formatBytes(measured), formatBytes(estimated),
                    estimated / (double) measured, formatBytes(Long.parseLong(r[4])), r[5]);
        }
    }

    /** The result fields of one child run, or null if it failed (its output is echoed then). */
    private static String[] runCase(String model, String size, String tile) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.usrnet.cli.UsrnetCli");
        cmd.addAll(List.of("bench", "large", size, tile, Integer.toString(ITERATIONS), model));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        String[] result = null;
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith(TileBenchmark.RESULT)) {
                    result = line.split(" ");
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            System.out.print(output);
            return null;
        }
        return result;
    }
}
