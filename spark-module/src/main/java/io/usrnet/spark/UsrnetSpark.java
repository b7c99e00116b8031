package io.usrnet.spark;

import io.usrnet.data.Boundary;
import io.usrnet.prior.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code usrnet-spark}: restores a collection of images on Apache Spark with the options of
 * {@code usrnet restore}. Locally: {@code ./usrnet-spark --master local[2] --input IN --output OUT …};
 * on a cluster: {@code spark-submit --class io.usrnet.spark.UsrnetSpark …} (README). Exit status 0 if
 * every image was restored or skipped, 1 if any failed (after all others were done), 2 for bad
 * options.
 */
@Command(name = "usrnet-spark", mixinStandardHelpOptions = true,
        description = {"Restore a collection of images on Apache Spark, one model per executor; each output written "
                + "to a temporary name and renamed, outputs that exist skipped (a re-run resumes), a bad image "
                + "failing alone. Writes a results table (CSV: input, output, status, seconds, error).",
            "The restore options mean what they mean for 'usrnet restore' (see usrnet restore --help)."})
public final class UsrnetSpark implements Callable<Integer> {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (this machine, 2 tasks at a time) or spark://host:7077; "
                    + "default: what spark-submit sets.")
    String master;

    @Option(names = "--input", required = true, paramLabel = "IN",
            description = "A folder, a glob (quoted: '/data/*.tif'), a .txt/.list file of paths, or one image.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path output;

    @Option(names = "--kernel", required = true, paramLabel = "K", description = "Blur kernel spec.")
    String kernel;

    @Option(names = "--scale", required = true, paramLabel = "S", description = "Scale factor (1 = deblurring).")
    int scale;

    @Option(names = "--sigma", required = true, paramLabel = "SIGMA",
            description = "Noise level in [0, 255] units, or auto (measured on each image).")
    String sigma;

    @Option(names = "--boundary", paramLabel = "B", defaultValue = "periodic",
            description = "periodic or smooth (default: ${DEFAULT-VALUE}).")
    String boundary;

    @Option(names = "--weights", paramLabel = "W", description = "Weights file (default: the built-in model).")
    Path weights;

    @Option(names = "--tile", paramLabel = "N", defaultValue = "0", description = "Prior tile side (0: whole).")
    int tile;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "0",
            description = "Iterations (0: all of the model's).")
    int iterations;

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1",
            description = "8: the x8 self-ensemble (eight times the time); 1 = off (default).")
    int ensemble;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32 (default) or bf16: the prior in bfloat16 on executors whose CPU has it, about 1.5x "
                    + "faster for about 0.004 dB (fp32 on the others).")
    String precision;

    @Option(names = "--format", paramLabel = "EXT", description = "Output format: png, tif, npy (default: the "
            + "input's).")
    String format;

    @Option(names = "--split", paramLabel = "N", defaultValue = "0",
            description = "Restore images larger than N×N (low-resolution pixels) in pieces of at most N×N, each on its "
                    + "own task, stitched into one file by another: for images larger than one machine's memory "
                    + "(0 = off, default; at least " + RestoreJob.MIN_SPLIT + ").")
    int split;

    @Option(names = "--split-margin", paramLabel = "M", defaultValue = "" + RestoreJob.DEFAULT_MARGIN,
            description = "Low-resolution pixels of context around each piece (default: ${DEFAULT-VALUE}; more: "
                    + "smaller seams, more work).")
    int splitMargin;

    @Option(names = "--overwrite", description = "Restore images whose output exists (default: skip them).")
    boolean overwrite;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Tasks (default: 4 per core of the cluster, at most one per image).")
    Integer partitions;

    @Option(names = "--threads-per-task", paramLabel = "N",
            description = "PyTorch threads per executor (default: local[N]: the cores / N; cluster: spark.task.cpus).")
    Integer threadsPerTask;

    @Option(names = "--results", paramLabel = "CSV", description = "Results table (default: OUT/usrnet-results.csv).")
    Path results;

    private static Precision parsePrecision(String text) {
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with one-line error messages (no stack traces) for bad input. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new UsrnetSpark());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("usrnet-spark: error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        double noise = sigma.strip().equalsIgnoreCase("auto") ? Double.NaN : parseSigma(sigma);
        Boundary b = switch (boundary.strip().toLowerCase(Locale.ROOT)) {
            case "periodic" -> Boundary.PERIODIC;
            case "smooth" -> Boundary.SMOOTH;
            default -> throw new IllegalArgumentException("--boundary must be periodic or smooth, got " + boundary);
        };
        RestoreJob job = new RestoreJob(kernel, scale, noise, b, weights == null ? null
                : weights.toAbsolutePath().toString(), tile, iterations, ensemble, parsePrecision(precision), format,
                overwrite, split, splitMargin);
        List<String> inputs = SparkRestore.listInputs(input);
        Files.createDirectories(output);
        SparkConf conf = new SparkConf().setAppName("usrnet-spark");
        if (master != null) {
            conf.setMaster(master);
        }
        long t0 = System.nanoTime();
        List<ImageResult> rows;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            int tasks = partitions != null ? partitions : 4 * sc.defaultParallelism();
            int threads = threadsPerTask != null ? threadsPerTask : defaultThreads(sc.getConf());
            rows = SparkRestore.run(sc, inputs, output, job, tasks, threads);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Path table = results != null ? results : output.resolve("usrnet-results.csv");
        SparkRestore.writeResults(table, rows);
        long restored = rows.stream().filter(r -> r.status() == ImageResult.Status.RESTORED).count();
        long skipped = rows.stream().filter(r -> r.status() == ImageResult.Status.SKIPPED).count();
        List<ImageResult> failed = rows.stream().filter(r -> r.status() == ImageResult.Status.FAILED).toList();
        for (ImageResult r : failed) {
            System.err.println("usrnet-spark: failed: " + r.error() + (r.error().contains(r.input()) ? "" : " (" + r.input() + ")"));
        }
        System.err.printf(Locale.ROOT, "usrnet-spark: %d restored, %d skipped, %d failed of %d images in %.1f s "
                + "(%.1f images/min); results in %s%n", restored, skipped, failed.size(), rows.size(), secs,
                restored / secs * 60, table);
        return failed.isEmpty() ? 0 : 1;
    }

    /** local[N]: the machine's cores divided by N; else spark.task.cpus (default 1). */
    static int defaultThreads(SparkConf conf) {
        String m = conf.get("spark.master", "");
        java.util.regex.Matcher local = java.util.regex.Pattern.compile("local\\[(\\d+)(,\\d+)?]").matcher(m);
        if (local.matches()) {
            return Math.max(1, Runtime.getRuntime().availableProcessors() / Integer.parseInt(local.group(1)));
        }
        if (m.equals("local")) {
            return Runtime.getRuntime().availableProcessors();
        }
        return Math.max(1, conf.getInt("spark.task.cpus", 1));
    }

    private static double parseSigma(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--sigma must be a number in [0, 255] units or auto, got '" + s + "'");
        }
    }
}
