package io.usrnet.cli;

import io.usrnet.core.MemoryModel;
import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.TiffStack;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.NoiseEstimate;
import io.usrnet.data.NoiseEstimator;
import io.usrnet.data.PeriodicExtension;
import io.usrnet.prior.Precision;
import io.usrnet.prior.Tiling;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usrnet restore}: the USRNet restoration of one image or a directory of images. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {
            "Restore images degraded by a known blur kernel K, integer scale S and noise level SIGMA with "
                    + "the USRNet unfolded network (data step + ResUNet prior, schedule from the hyper-network).",
            "IN and OUT are files, or directories (batch mode: every image in IN is restored into OUT under "
                    + "the same file name; the model is loaded once, and the next image is read and the previous "
                    + "one written while the current one is restored). Progress goes to stderr.",
            "A multi-page TIFF (a stack or an ImageJ hyperstack: 8/16/32-bit, grey or RGB) is restored page by "
                    + "page into a TIFF stack of the same sample type, channels, slices and frames, a few pages in "
                    + "memory at a time."})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "IN",
            description = "Degraded image (.png, .tif/.tiff, .jpg, .npy) or a directory of them.")
    Path input;

    @Mixin
    DegradationOptions degradation;

    @Mixin
    BoundaryOption boundary;

    @Mixin
    CompressionOption compression;

    @Option(names = "--sigma", required = true, paramLabel = "SIGMA", converter = NoiseLevelOption.Converter.class,
            description = "Noise level of the input in [0, 255] units (the network receives SIGMA/255), or auto: "
                    + "measured in each input (as estimate-noise does) and printed.")
    NoiseLevelOption sigma;

    @Option(names = "--weights", paramLabel = "W",
            description = "Model weights: a .safetensors file or a .pth state_dict of the original PyTorch code "
                    + "(loaded safely). Default: the built-in model (tiny configuration, see MODEL.md).")
    Path weights;

    @Option(names = "--output", required = true, paramLabel = "OUT",
            description = "Output file (format from its extension; .npy is float32, unclamped) or an existing "
                    + "directory in batch mode.")
    Path output;

    @Option(names = "--format", paramLabel = "EXT",
            description = "Batch mode: write this format (png, tif, npy) instead of each input's own.")
    String format;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Run only the first N iterations of the schedule (default: all).")
    int iterations;

    @Option(names = "--ensemble", paramLabel = "N", defaultValue = "1",
            description = "8: the x8 self-ensemble, the image restored in its 8 flips and rotations (the kernel "
                    + "transformed to match) and the results averaged; 8 times the time, better (README, Quality). "
                    + "1 = off (default).")
    int ensemble;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "fp32 (default: matches the original code to float precision) or bf16: the prior's "
                    + "convolutions in bfloat16, about 1.5x faster on CPUs with AVX512-BF16 or AMX for about 0.004 dB "
                    + "(README, Speed); on other CPUs fp32 runs, with a warning.")
    String precision;

    @Option(names = "--tile", paramLabel = "N",
            description = "Run the prior on overlapping N×N tiles of the output (N >= 64, a multiple of 8) to "
                    + "bound its memory on large images; 0 = whole image (default).")
    int tile;

    @Option(names = "--max-memory", paramLabel = "SIZE",
            description = "Choose the prior's tiling so that the estimated peak memory of the whole process stays "
                    + "within SIZE (e.g. 4g, 512m; binary units): the largest tiles that fit, up to the fastest "
                    + "size (the whole image where that is smaller); refused if even a 64×64 tile would not. "
                    + "Instead of --tile (giving both is an error). In batch mode the next image is read and the "
                    + "previous one written during a restore when the budget leaves room for them, else one "
                    + "at a time.")
    String maxMemory;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        degradation.scale(); // checked before any file is read
        boundary.boundary();
        compression.compression();
        if (!sigma.auto()) {
            CliText.requireSigma(sigma.value());
            CliText.warnAboveTrainedSigma(spec.commandLine().getErr(), weights, sigma.value());
        }
        if (iterations < 0) {
            throw new IllegalArgumentException("--iterations must be >= 1, got " + iterations);
        }
        if (ensemble != 1 && ensemble != 8) {
            throw new IllegalArgumentException("--ensemble must be 1 (off) or 8 (all flips and rotations), got "
                    + ensemble);
        }
        Precision arithmetic = CliText.precision(precision, spec.commandLine().getErr());
        try {
            Tiling.requireTileSize(tile);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tile: " + e.getMessage(), e);
        }
        long budget = memoryBudget();
        List<Job> jobs = plan();
        // a stack may take one kernel per channel; single images take exactly one
        List<Kernel> kernels = jobs.stream().anyMatch(Job::stack) ? degradation.kernels()
                : List.of(degradation.kernel());
        Degradation d = kernels.size() == 1
                ? degradation.degradation(kernels.get(0), sigma.auto() ? 0 : sigma.value(), boundary.boundary())
                : null;
        PrintWriter err = spec.commandLine().getErr();
        List<Exception> failures = new ArrayList<>();
        Restorer.Builder builder = Restorer.builder().precision(arithmetic);
        if (weights != null) {
            builder.weights(weights);
        }
        try (Restorer restorer = builder.build()) {
            long inFlight = budget == 0 ? 0 : overlapReserve(restorer, jobs, d, budget, err);
            boolean overlap = budget == 0 || inFlight >= 0;
            long restoreBudget = overlap ? budget - inFlight : budget;
            new Pipeline<ImageData, Restored>(i -> jobs.get(i).stack() ? null : ImageFiles.read(jobs.get(i).input()),
                    (i, lr) -> {
                        if (jobs.get(i).stack()) {
                            restoreStack(restorer, kernels, jobs.get(i), budget, label(jobs, i), err);
                            return null; // written page by page
                        }
                        if (d == null) {
                            throw new IllegalArgumentException("--kernel " + degradation.kernel + " holds "
                                    + kernels.size() + " kernels, one per channel of a stack, but "
                                    + jobs.get(i).input().getFileName() + " is a single image; name one kernel");
                        }
                        return restore(restorer, d, lr, restoreBudget, label(jobs, i), err);
                    },
                    (i, r) -> write(jobs.get(i).output(), r, label(jobs, i), err), overlap)
                    .run(jobs.size(), (i, e) -> {
                        failures.add(e);
                        if (jobs.size() > 1) {
                            err.println("usrnet: error: " + UsrnetCli.describe(e) + " (skipped "
                                    + jobs.get(i).input().getFileName() + ")");
                        }
                    });
        }
        if (jobs.size() == 1 && !failures.isEmpty()) {
            throw failures.get(0);
        }
        if (!failures.isEmpty()) {
            err.println("usrnet: " + failures.size() + " of " + jobs.size() + " images failed");
            return UsrnetCli.EXIT_FAILURE;
        }
        return 0;
    }

    /**
     * Bytes per pixel that an image in flight beside a restore holds at most: the decoded next input
     * (the file's bytes, a Java image and the float planes) or the previous output on its way to its
     * file (the float planes, the 8/16-bit planes and a Java image). Counted generously: 12 bytes of
     * float planes, 12 of converted planes, 8 of a Java image or file bytes.
     */
    private static final long IN_FLIGHT_BYTES_PER_PIXEL = 32;

    /**
     * Under a memory budget, whether a batch can keep reading and writing overlapped with the
     * restores: the bytes to reserve for one input read ahead and one output written behind (the
     * largest of the batch, from the files' headers), or -1 if the batch runs one image at a time —
     * one image only, a stack or a file whose size is unknown among the inputs, or a budget that
     * leaves some image no room with the reserve taken off. Says which on {@code err}.
     */
    private long overlapReserve(Restorer restorer, List<Job> jobs, Degradation d, long budget, PrintWriter err) {
        if (jobs.size() < 2 || d == null) {
            return -1;
        }
        int s = d.scale();
        long largest = 0;
        List<int[]> sizes = new ArrayList<>();
        for (Job job : jobs) {
            int[] size = job.stack() ? null : ImageFiles.headerSize(job.input());
            if (size == null) {
                if (!quiet) {
                    err.println("--max-memory: images read and written one at a time (" + job.input().getFileName()
                            + (job.stack() ? " is a stack)" : ": size unknown before it is read)"));
                }
                return -1;
            }
            largest = Math.max(largest, (long) size[0] * size[1]);
            sizes.add(size);
        }
        long reserve = IN_FLIGHT_BYTES_PER_PIXEL * largest * (1 + (long) s * s);
        RestoreOptions options = RestoreOptions.builder().maxMemoryBytes(Math.max(1, budget - reserve)).build();
        for (int[] size : sizes) {
            try {
                if (budget <= reserve) {
                    throw new IllegalArgumentException("no room");
                }
                restorer.tileSize(size[0], size[1], d, options);
            } catch (IllegalArgumentException e) {
                if (!quiet) {
                    err.println("--max-memory: images read and written one at a time (the budget leaves no room for "
                            + MemoryModel.formatBytes(reserve) + " of images in flight)");
                }
                return -1;
            }
        }
        if (!quiet) {
            err.println("--max-memory: reading and writing overlapped with the restores ("
                    + MemoryModel.formatBytes(reserve)
                    + " of the budget kept for the images in flight)");
        }
        return reserve;
    }

    /** The side the prior runs on for an LR side: s·n, or s times the extended side with the smooth boundary. */
    private static int restoredSide(int lrSide, Degradation d) {
        return d.scale() * (d.boundary() == Boundary.SMOOTH ? PeriodicExtension.extendedLr(lrSide, d.scale()) : lrSide);
    }

    /** A restored image on its way to its file. */
    private record Restored(Image hr, Image alpha, ImageData lr, int scale, long startNanos) {
    }

    /** One input file and where its restoration goes; a stack is restored page by page. */
    private record Job(Path input, Path output, boolean stack) {
    }

    private static String label(List<Job> jobs, int i) {
        String name = jobs.get(i).input().getFileName().toString();
        return jobs.size() > 1 ? "[" + (i + 1) + "/" + jobs.size() + "] " + name : name;
    }

    /**
     * Restores a stack page by page into a TIFF stack: kernel c on hyperstack channel c when
     * {@code kernels} holds one per channel, the pixel size divided by the scale.
     */
    private void restoreStack(Restorer restorer, List<Kernel> kernels, Job job, long budget, String label,
            PrintWriter err) throws IOException {
        StackPages.requireTiffOutput(job.output(), job.input());
        try (TiffStack stack = TiffStack.open(job.input())) {
            List<Degradation> perChannel = new ArrayList<>();
            for (Kernel k : degradation.perChannel(kernels, stack.channels(), job.input())) {
                perChannel.add(degradation.degradation(k, sigma.auto() ? 0 : sigma.value(), boundary.boundary()));
            }
            PixelSize size = stack.pixelSize() == null ? null : stack.pixelSize().dividedBy(degradation.scale());
            StackPages.run(stack, job.output(), compression.compression(), size, budget == 0, quiet, err, label,
                    (at, lr, pageLabel) -> {
                        Restored r = restore(restorer, perChannel.get(at.channel()), lr, budget, pageLabel, err);
                        return new StackPages.Page(r.hr(), r.alpha(), r.startNanos());
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while restoring " + job.input());
        }
    }

    private Restored restore(Restorer restorer, Degradation given, ImageData lr, long budget, String label,
            PrintWriter err) {
        long t0 = System.nanoTime();
        Degradation d = given;
        if (sigma.auto()) {
            NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(lr.color());
            d = given.toBuilder().sigma(e.sigma()).build();
            if (!quiet) {
                err.println(NoiseLevelOption.measured(label, e));
            }
            CliText.warnAboveTrainedSigma(err, weights, e.sigma());
        }
        RestoreOptions.Builder options = RestoreOptions.builder().iterations(iterations).tileSize(tile)
                .maxMemoryBytes(budget).ensemble(ensemble);
        if (!quiet) {
            if (budget != 0) {
                int t = restorer.tileSize(lr.color().height(), lr.color().width(), d, options.build());
                int h = restoredSide(lr.color().height(), d);
                int w = restoredSide(lr.color().width(), d);
                err.printf(Locale.ROOT, "%s: prior on %s (chosen for --max-memory %s)%n", label, t == 0
                        ? "the whole image" : Tiling.count(h, t) + "×" + Tiling.count(w, t) + " tiles of "
                        + Tiling.side(h, t) + "×" + Tiling.side(w, t), MemoryModel.formatBytes(memoryBudget()));
            }
            options.progress((index, count) -> {
                err.printf(Locale.ROOT, "%s: iteration %d/%d (%.1f s)%n", label, index, count,
                        (System.nanoTime() - t0) / 1e9);
                err.flush();
            });
        }
        Image hr = restorer.restore(lr.color(), d, options.build());
        Image alpha = lr.hasAlpha() ? Degradations.upsampleNearest(lr.alpha(), d.scale()) : null;
        return new Restored(hr, alpha, lr, d.scale(), t0);
    }

    private void write(Path out, Restored r, String label, PrintWriter err) throws IOException {
        PixelSize size = r.lr().hasPixelSize() ? r.lr().pixelSize().dividedBy(r.scale()) : null;
        ImageData data = CliText.forOutput(out, r.hr(), r.alpha(), r.lr().format(), size);
        ImageFiles.write(out, data, compression.compression());
        if (!quiet) {
            err.printf(Locale.ROOT, "%s: wrote %s (%s, %.1f s)%n", label, out, CliText.describe(out, data),
                    (System.nanoTime() - r.startNanos()) / 1e9);
        }
    }

    /** The --max-memory budget in bytes, or 0; checked against --tile. */
    private long memoryBudget() {
        if (maxMemory == null) {
            return 0;
        }
        if (tile != 0) {
            throw new IllegalArgumentException("--tile and --max-memory are alternatives (--max-memory chooses the "
                    + "tile size itself); give one of them");
        }
        try {
            return MemoryModel.parseBytes(maxMemory);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--max-memory: " + e.getMessage(), e);
        }
    }

    /** Pairs of (input, output) files; validates the directory/file combination first. */
    private List<Job> plan() throws IOException {
        if (!Files.isDirectory(input)) {
            if (format != null) {
                throw new IllegalArgumentException("--format applies to directory (batch) mode; "
                        + "for one file, name the output with the extension you want");
            }
            if (!Files.exists(input)) {
                throw new java.nio.file.NoSuchFileException(input.toString());
            }
            CliText.requireWritableOutput(output);
            boolean stack = StackPages.isStack(input);
            if (stack) {
                StackPages.requireTiffOutput(output, input);
            }
            return List.of(new Job(input, output, stack));
        }
        if (!Files.isDirectory(output)) {
            throw new IllegalArgumentException("--input " + input + " is a directory, so --output must be an "
                    + "existing directory" + (Files.exists(output) ? "" : " (" + output + " does not exist)"));
        }
        if (Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("--output must differ from --input: restoring in place "
                    + "would overwrite the originals");
        }
        String ext = format == null ? null : format.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "");
        if (ext != null) {
            ImageFormat.forWriting(Path.of("x." + ext)); // rejects unknown or read-only formats
        }
        List<Job> jobs = new ArrayList<>();
        try (Stream<Path> files = Files.list(input)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(f) || !ImageFormat.isReadable(f)) {
                    continue;
                }
                String name = f.getFileName().toString();
                String outName = ext == null ? name : name.replaceFirst("\\.[^.]*$", "") + "." + ext;
                if (ext == null && !ImageFormat.forPath(f).isWritable()) {
                    outName = name.replaceFirst("\\.[^.]*$", "") + ".png";
                }
                boolean stack;
                try {
                    stack = StackPages.isStack(f);
                } catch (IOException e) {
                    stack = false; // reading it fails again and is reported as this image's failure
                }
                jobs.add(new Job(f, output.resolve(outName), stack));
            }
        }
        if (jobs.isEmpty()) {
            throw new IllegalArgumentException("no images in " + input + " (looked for "
                    + String.join(", ", ImageFormat.readableExtensions()) + ")");
        }
        return jobs;
    }
}
