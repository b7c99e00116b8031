package io.usrnet.cli.bench;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.prior.PriorEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up cost of a restoration, for a small image (32×32 at ×4):
 *
 * <pre>
 *   ./usrnet bench startup [RUNS] [WEIGHTS]
 * </pre>
 *
 * <p>First, in this process, the time from the process start to each milestone: the JVM up, this
 * benchmark entered (command line parsed), the DJL engine ready, the weights loaded into a
 * {@link Restorer}, the first restore done and its output written, and a second (warm) restore for
 * comparison. Then RUNS (default 5) fresh {@code usrnet restore} processes on the same files —
 * through the {@code usrnet} launcher when this process was started by it (so its JVM options,
 * class-data sharing included, are measured too), else with this JVM's command line — and
 * {@code usrnet --help}: the median whole-process wall time, the restore's own time (from reading
 * the image to the output written, as the command reports it) and their difference, the start-up
 * overhead. WEIGHTS defaults to seeded random tiny weights written to a temporary file.
 */
public final class StartupBenchmark {
    private static final Pattern WROTE = Pattern.compile("wrote .*, ([0-9.]+) s\\)");

    private StartupBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional number of child runs (default 5) and weights file
     * @throws IOException if the temporary files cannot be written or a child cannot start
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        long entered = System.currentTimeMillis();
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path dir = Files.createTempDirectory("usrnet-startup");
        Path weights = args.length > 1 ? Path.of(args[1]) : dir.resolve("tiny.safetensors");
        Path lr = dir.resolve("lr32.png");
        Path kernel = dir.resolve("kernel.txt");
        Path out = dir.resolve("sr.png");
        try {
            Image lrImage = BenchInputs.randomImage(3, 32, 32, 7);
            ImageFiles.write(lr, lrImage);
            Kernel k = Kernels.gaussian(25, 1.6);
            writeKernel(kernel, k);
            if (args.length <= 1) {
                ModelWeights.random(ModelConfig.usrnetTiny(), 42).writeSafeTensors(weights);
            }
            long prepared = System.currentTimeMillis();
            PriorEngine.start();
            long engine = System.currentTimeMillis();
            long weightsLoaded;
            long restored;
            long written;
            double warm;
            try (Restorer restorer = Restorer.builder().weights(ModelWeights.read(weights)).build()) {
                weightsLoaded = System.currentTimeMillis();
                Image sr = restorer.restore(ImageFiles.readImage(lr), Degradation.of(k, 4, 0));
                restored = System.currentTimeMillis();
                ImageFiles.write(out, sr);
                written = System.currentTimeMillis();
                long t0 = System.nanoTime();
                restorer.restore(ImageFiles.readImage(lr), Degradation.of(k, 4, 0));
                warm = (System.nanoTime() - t0) / 1e6;
            }
            long processStart = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                    .orElse(ManagementFactory.getRuntimeMXBean().getStartTime());
            String[] names = {"JVM up", "benchmark entered (CLI parsed)", "(benchmark's input files written)",
                "DJL engine ready", "weights loaded, restorer built", "first restore done", "output written"};
            long[] at = {ManagementFactory.getRuntimeMXBean().getStartTime(), entered, prepared, engine, weightsLoaded,
                restored, written};
            System.out.printf(Locale.ROOT, "start-up in this process (%s, 32² -> 128²): ms since the process "
                    + "started, (+ step)%n", weights.getFileName());
            long prev = processStart;
            for (int i = 0; i < names.length; i++) {
                System.out.printf(Locale.ROOT, "  %-34s %7d ms  (+%d)%n", names[i], at[i] - processStart, at[i] - prev);
                prev = at[i];
            }
            System.out.printf(Locale.ROOT, "  %-34s %7d ms  (all but the benchmark's own files)%n", "total",
                    written - processStart - (prepared - entered));
            System.out.printf(Locale.ROOT, "  %-34s %7.0f ms  (the same restore again, warm)%n", "second restore",
                    warm);

            List<String> restore = new ArrayList<>(List.of("restore", "--input", lr.toString(), "--kernel",
                    kernel.toString(), "--scale", "4", "--sigma", "0", "--weights", weights.toString(),
                    "--output", out.toString()));
            System.out.printf(Locale.ROOT, "%nwhole processes (%s; median of %d)%n", launcherDescription(), runs);
            System.out.printf(Locale.ROOT, "  %-34s %9s %12s %12s%n", "command", "wall (s)", "restore (s)",
                    "overhead (s)");
            double[] wall = new double[runs];
            double[] own = new double[runs];
            for (int i = 0; i < runs; i++) {
                double[] r = runChild(restore);
                wall[i] = r[0];
                own[i] = r[1];
            }
            double w = Timing.median(wall);
            double o = Timing.median(own);
            System.out.printf(Locale.ROOT, "  %-34s %9.2f %12.2f %12.2f%n", "usrnet restore (32² -> 128²)", w, o,
                    w - o);
            double[] help = new double[runs];
            for (int i = 0; i < runs; i++) {
                help[i] = runChild(List.of("--help"))[0];
            }
            System.out.printf(Locale.ROOT, "  %-34s %9.2f %12s %12s%n", "usrnet --help", Timing.median(help), "-", "-");
        } finally {
            for (Path p : new Path[] {lr, kernel, out, dir.resolve("tiny.safetensors"), dir}) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void writeKernel(Path file, Kernel k) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < k.height(); r++) {
            for (int c = 0; c < k.width(); c++) {
                text.append(c == 0 ? "" : " ").append(k.get(r, c));
            }
            text.append('\n');
        }
        Files.writeString(file, text);
    }

    /** The launcher script that started this process, from the environment it exports, if any. */
    private static Path launcher() {
        String home = System.getenv("USRNET_HOME");
        Path script = home == null ? null : Path.of(home, "usrnet");
        return script != null && Files.isExecutable(script) ? script : null;
    }

    private static String launcherDescription() {
        Path script = launcher();
        String opts = System.getenv("USRNET_JAVA_OPTS");
        return (script != null ? "through " + script : "java with this JVM's options")
                + (opts != null && !opts.isBlank() ? ", USRNET_JAVA_OPTS=" + opts : "");
    }

    /** Runs the command line tool with these arguments: {wall seconds, the restore's own seconds or NaN}. */
    private static double[] runChild(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        Path script = launcher();
        if (script != null) {
            cmd.add(script.toString());
        } else {
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("io.usrnet.cli.UsrnetCli");
        }
        cmd.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        double own = Double.NaN;
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                output.append(line).append('\n');
                Matcher m = WROTE.matcher(line);
                if (m.find()) {
                    own = Double.parseDouble(m.group(1));
                }
            }
        }
        int code = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e9;
        if (code != 0) {
            throw new IllegalStateException("usrnet " + String.join(" ", args) + " failed (" + code + "):\n" + output);
        }
        return new double[] {wall, own};
    }
}
