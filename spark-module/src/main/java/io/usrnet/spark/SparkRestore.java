package io.usrnet.spark;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.PixelSize;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.NoiseEstimator;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Restores a collection of images on Apache Spark: one task per group of images, one model per
 * executor JVM ({@link ExecutorModel}), each output written to a temporary name and renamed
 * ({@link ImageFiles#write}), so that a killed or retried task leaves a complete file or none.
 * Outputs that exist are skipped unless {@link RestoreJob#overwrite()}, so a re-run resumes a crashed
 * job. A bad image fails that image alone: {@link #restoreOne} never throws, it returns a
 * {@link ImageResult.Status#FAILED} row.
 *
 * <p>Paths are file-system paths that every executor can read and write (a shared or network file
 * system mounted at the same place on every node).
 */
public final class SparkRestore {
    private SparkRestore() {
    }

    /**
     * The input images a spec names: a folder (its readable images, sorted), a glob in a folder
     * ({@code /data/plate1/*.tif}), a text file listing one path per line ({@code .txt} or
     * {@code .list}; blank lines and {@code #} comments skipped; relative paths against the list's
     * folder), or one image.
     *
     * @throws NoSuchFileException      if the spec names nothing that exists
     * @throws IllegalArgumentException if it names no image
     */
    public static List<String> listInputs(String spec) throws IOException {
        Path p = Path.of(spec);
        List<String> inputs = new ArrayList<>();
        if (Files.isDirectory(p)) {
            try (Stream<Path> files = Files.list(p)) {
                files.filter(f -> Files.isRegularFile(f) && ImageFormat.isReadable(f)).sorted()
                        .forEach(f -> inputs.add(f.toString()));
            }
        } else if (Files.isRegularFile(p) && spec.matches("(?i).*\\.(txt|list)")) {
            Path base = p.toAbsolutePath().getParent();
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    inputs.add(base.resolve(t).toString());
                }
            }
        } else if (spec.matches(".*[*?\\[{].*")) {
            Path dir = p.getParent() == null ? Path.of(".") : p.getParent();
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString(), null, "the folder of the glob does not exist");
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p.getFileName().toString())) {
                for (Path f : files) {
                    if (Files.isRegularFile(f)) {
                        inputs.add(f.toString());
                    }
                }
            }
            inputs.sort(null);
        } else if (Files.isRegularFile(p)) {
            inputs.add(spec);
        } else {
            throw new NoSuchFileException(spec, null, "no such folder, list or image");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("--input " + spec + " names no image");
        }
        return inputs;
    }

    /**
     * The output of {@code input}: in {@code outputDir}, the input's name with the job's format's
     * extension, or its own (PNG for inputs in a format that is read but not written).
     */
    public static Path outputFor(String input, Path outputDir, String format) {
        Path in = Path.of(input);
        String name = in.getFileName().toString();
        String stem = name.replaceFirst("\\.[^.]*$", "");
        if (format != null) {
            return outputDir.resolve(stem + "." + format);
        }
        return outputDir.resolve(ImageFormat.forPath(in).isWritable() ? name : stem + ".png");
    }

    /**
     * Restores one image as {@code usrnet restore} does and writes it atomically; never throws for a
     * bad image, a bad kernel or a failed write: the row says what happened.
     *
     * @param threadsPerTask PyTorch threads for this JVM's engine (see {@link ExecutorModel#get})
     */
    public static ImageResult restoreOne(String input, String outputDir, RestoreJob job, int threadsPerTask) {
        long t0 = System.nanoTime();
        Path out = outputFor(input, Path.of(outputDir), job.format());
        try {
            if (!job.overwrite() && Files.exists(out)) {
                return new ImageResult(input, out.toString(), ImageResult.Status.SKIPPED, seconds(t0), "");
            }
            ImageFormat.forWriting(out); // an unwritable format fails before any work
            Restorer restorer = ExecutorModel.get(job.weights(), job.precision(), threadsPerTask);
            ImageData lr = ImageFiles.read(Path.of(input));
            double sigma = job.sigmaAuto() ? NoiseEstimator.DEFAULT.estimate(lr.color()).sigma() : job.sigma();
            Image hr = restorer.restore(lr.color(), job.degradation(sigma, job.boundary()), job.options());
            Image alpha = lr.hasAlpha() ? Degradations.upsampleNearest(lr.alpha(), job.scale()) : null;
            PixelSize size = lr.hasPixelSize() ? lr.pixelSize().dividedBy(job.scale()) : null;
            ImageFiles.write(out, ImageFiles.forOutput(out, hr, alpha, lr.format(), size));
            return new ImageResult(input, out.toString(), ImageResult.Status.RESTORED, seconds(t0), "");
        } catch (Exception e) {
            return new ImageResult(input, out.toString(), ImageResult.Status.FAILED, seconds(t0),
                    SplitRestore.message(e));
        }
    }

    /**
     * Restores every input on the cluster of {@code sc} and returns one row per input, in input order.
     * Images larger than {@link RestoreJob#split()} (when on) are restored in pieces across tasks and
     * stitched ({@link SplitRestore}); the others by one task each.
     *
     * @param partitions     the number of tasks for the whole images (each restores its share in turn)
     * @param threadsPerTask PyTorch threads per executor JVM's engine
     */
    public static List<ImageResult> run(JavaSparkContext sc, List<String> inputs, Path outputDir, RestoreJob job,
            int partitions, int threadsPerTask) {
        String out = outputDir.toAbsolutePath().toString();
        List<Outcome> outcomes = sc.parallelize(inputs, Math.max(1, Math.min(partitions, inputs.size())))
                .map(input -> restoreOrPlan(input, out, job, threadsPerTask)).collect();
        List<SplitRestore.Plan> plans = outcomes.stream().map(Outcome::plan).filter(Objects::nonNull).toList();
        List<ImageResult> split = plans.isEmpty() ? List.of() : SplitRestore.run(sc, plans, job, threadsPerTask);
        List<ImageResult> rows = new ArrayList<>(inputs.size());
        int next = 0;
        for (Outcome o : outcomes) {
            rows.add(o.plan() == null ? o.row() : split.get(next++));
        }
        return rows;
    }

    /** What the first pass over an input gave: its row, or the plan to restore it in pieces. */
    record Outcome(ImageResult row, SplitRestore.Plan plan) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Restores an input as {@link #restoreOne} does, unless its output exists (skipped) or the job
     * splits images of its size: then the plan of its pieces, for {@link SplitRestore#run}.
     */
    static Outcome restoreOrPlan(String input, String outputDir, RestoreJob job, int threadsPerTask) {
        Path out = outputFor(input, Path.of(outputDir), job.format());
        if (job.split() > 0 && (job.overwrite() || !Files.exists(out))) {
            int[] size = ImageFiles.headerSize(Path.of(input));
            if (size != null && job.splits(size[0], size[1])) {
                try {
                    return new Outcome(null, SplitRestore.plan(input, out, size[0], size[1], job));
                } catch (IOException | RuntimeException e) {
                    return new Outcome(new ImageResult(input, out.toString(), ImageResult.Status.FAILED, 0,
                            SplitRestore.message(e)), null);
                }
            }
        }
        return new Outcome(restoreOne(input, outputDir, job, threadsPerTask), null);
    }

    /** Writes the rows as CSV ({@code input,output,status,seconds,error}), atomically. */
    public static void writeResults(Path csv, List<ImageResult> rows) throws IOException {
        StringBuilder sb = new StringBuilder("input,output,status,seconds,error\n");
        for (ImageResult r : rows) {
            sb.append(quote(r.input())).append(',').append(quote(r.output())).append(',')
                    .append(r.status().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(String.format(Locale.ROOT, "%.3f", r.seconds())).append(',').append(quote(r.error()))
                    .append('\n');
        }
        AtomicFiles.write(csv, tmp -> Files.writeString(tmp, sb, StandardCharsets.UTF_8));
    }

    private static String quote(String s) {
        return s.matches("[^\",\\n\\r]*") ? s : '"' + s.replace("\"", "\"\"") + '"';
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
