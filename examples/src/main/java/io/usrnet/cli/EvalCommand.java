package io.usrnet.cli;

import io.usrnet.eval.ContactSheet;
import io.usrnet.eval.Evaluation;
import io.usrnet.eval.EvaluationResult;
import io.usrnet.eval.Method;
import io.usrnet.eval.Progress;
import io.usrnet.eval.Score;
import io.usrnet.eval.Setting;
import io.usrnet.eval.Table1Report;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.core.io.KernelSpec;
import io.usrnet.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usrnet eval}: the Table-1 benchmark (PROTOCOL.md §2) of USRNet and baselines on an image folder. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {
            "Table-1 evaluation: degrade every HR image of a folder (crop to a multiple of lcm(s, 8), 8-bit blur "
                    + "truncated, upper-left decimation, seeded Gaussian noise SIGMA/255 when SIGMA > 0), restore it "
                    + "with each method and score it on 8 bits: RGB PSNR with a border of s^2 (the table), Y-PSNR "
                    + "and SSIM with a border of s (the CSV).",
            "Writes OUT/table1.md (methods x settings by kernels, mean over images) and OUT/table1.csv (every "
                    + "per-image number). Progress goes to stderr.",
            "Default grid: the paper's settings x2:0, x3:0, x3:2.55, x3:7.65, x4:0."})
final class EvalCommand implements Callable<Integer> {
    static final String CONTACT_SHEET = "contact.png";

    @Spec
    CommandSpec spec;

    @Option(names = "--images", paramLabel = "DIR",
            description = "Folder of HR images (8-bit; grey images are used as R = G = B), taken in name order.")
    Path images;

    @Option(names = "--kernels", paramLabel = "SPEC",
            description = "Kernel file holding all kernels (see restore --kernel for the forms), e.g. the repository's "
                    + "samples/kernels_12.mat.")
    String kernels;

    @Option(names = "--merge", split = ",", paramLabel = "CSV",
            description = "Instead of evaluating: join the table1.csv files of runs over different images (same "
                    + "methods, settings and kernels) into the table of all their images, written to --out.")
    List<Path> merge = new ArrayList<>();

    @Option(names = "--kernel-indices", split = ",", paramLabel = "I",
            description = "1-based kernels to use, comma-separated (default: all in the file).")
    List<Integer> kernelIndices = new ArrayList<>();

    @Option(names = "--settings", split = ",", paramLabel = "xS:SIGMA",
            description = "Settings to evaluate, e.g. x2:0,x3:2.55 (not with --scales/--sigmas).")
    List<String> settings = new ArrayList<>();

    @Option(names = "--scales", split = ",", paramLabel = "S",
            description = "Scales; every scale is combined with every --sigmas value (default sigma: 0).")
    List<Integer> scales = new ArrayList<>();

    @Option(names = "--sigmas", split = ",", paramLabel = "SIGMA",
            description = "Noise levels in [0, 255] units, combined with every --scales value (needs --scales).")
    List<Double> sigmas = new ArrayList<>();

    @Option(names = "--methods", split = ",", paramLabel = "M", defaultValue = "usrnet,nearest,bicubic,data-step",
            description = "Methods among usrnet, usrnet-auto-sigma (the network told the noise level measured in the "
                    + "LR image, as restore --sigma auto), nearest, bicubic, data-step (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--weights", paramLabel = "W",
            description = "Model weights (.safetensors or .pth) for the usrnet method (default: the built-in model).")
    Path weights;

    @Option(names = "--every", paramLabel = "N", defaultValue = "1",
            description = "Use every N-th image in name order (default: ${DEFAULT-VALUE}, all).")
    int every;

    @Option(names = "--alpha", paramLabel = "A", defaultValue = "" + Evaluation.DEFAULT_DATA_STEP_ALPHA,
            description = "Fixed weight alpha of the data-step baseline (default: ${DEFAULT-VALUE}; not tuned).")
    double alpha;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "PyTorch threads per operation for usrnet (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder for table1.md and table1.csv (created if missing).")
    Path out;

    @Option(names = "--contact-sheet", paramLabel = "N", defaultValue = "3",
            description = "Also write OUT/contact.png: the first N images (rows) at the last setting and kernel of "
                    + "the grid, columns LR (nearest) | each method | HR, centre crops (default: ${DEFAULT-VALUE}; 0 = none).")
    int contactSheet;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!merge.isEmpty()) {
            return merge();
        }
        if (images == null || kernels == null) {
            throw new IllegalArgumentException("eval needs --images and --kernels (or --merge CSV,... to join runs)");
        }
        List<Method> methodList = parseAll(methods, Method::parse);
        List<Setting> grid = grid();
        if (every < 1) {
            throw new IllegalArgumentException("--every must be >= 1, got " + every);
        }
        if (contactSheet < 0) {
            throw new IllegalArgumentException("--contact-sheet must be >= 0, got " + contactSheet);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (weights != null && !Files.isRegularFile(weights)) {
            throw new java.nio.file.NoSuchFileException(weights.toString(), null, "weights file not found");
        }
        CliText.requireFolder("--images", images, "a folder of sharp images to evaluate on");
        if (!Files.isRegularFile(KernelSpec.parse(kernels).path())) {
            throw new IllegalArgumentException("--kernels " + kernels + ": file not found; pass --kernels FILE, e.g. "
                    + "the repository's samples/kernels_12.mat (the paper's 12 kernels)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (methodList.stream().anyMatch(Method::usesNetwork)) {
            CliText.warnAboveTrainedSigma(err, weights, grid.stream().mapToDouble(Setting::sigma).max().orElse(0));
        }
        Evaluation.Builder b = Evaluation.builder()
                .images(Evaluation.listImages(images, every))
                .kernels(KernelFiles.readAll(kernels), kernelIndices)
                .settings(grid).methods(methodList).weights(weights).dataStepAlpha(alpha);
        if (!quiet) {
            b.listener(p -> report(err, p));
        }
        List<Integer> kernelOrder = new ArrayList<>(b.kernelIndices());
        ContactSheet sheet = contactSheet == 0 ? null
                : new ContactSheet(grid.get(grid.size() - 1), kernelOrder.get(kernelOrder.size() - 1), contactSheet, 192);
        b.sampleListener(sheet);
        Evaluation evaluation = b.build();
        Files.createDirectories(out);
        if (methodList.stream().anyMatch(Method::usesNetwork)) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            Trainer.setEngineThreads(threads);
        }
        EvaluationResult result = evaluation.run();
        Table1Report.write(result, out);
        if (sheet != null) {
            ImageFiles.write(out.resolve(CONTACT_SHEET), sheet.render());
            if (!quiet) {
                err.printf(Locale.ROOT, "eval: wrote %s (%s k%d; rows %s; columns %s)%n", out.resolve(CONTACT_SHEET),
                        grid.get(grid.size() - 1), kernelOrder.get(kernelOrder.size() - 1),
                        String.join(", ", sheet.images()), String.join(" | ", sheet.columns()));
            }
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "eval: %d images, %d scores in %.1f s; wrote %s and %s%n", result.images().size(),
                    result.scores().size(), result.seconds(), out.resolve(Table1Report.MARKDOWN),
                    out.resolve(Table1Report.CSV));
            err.flush();
        }
        return 0;
    }

    /** --merge: the table of the union of earlier runs' scores. */
    private int merge() throws IOException {
        if (images != null) {
            throw new IllegalArgumentException("--merge joins earlier runs; it takes no --images");
        }
        for (Path f : merge) {
            if (!Files.isRegularFile(f)) {
                throw new java.nio.file.NoSuchFileException(f.toString(), null, "file not found");
            }
        }
        EvaluationResult result = Table1Report.merge(merge);
        Files.createDirectories(out);
        Table1Report.write(result, out);
        if (!quiet) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "eval: %d images, %d scores from %d files; wrote %s and %s%n", result.images().size(),
                    result.scores().size(), merge.size(), out.resolve(Table1Report.MARKDOWN), out.resolve(Table1Report.CSV));
            err.flush();
        }
        return 0;
    }

    /** The settings: --settings, or the product of --scales and --sigmas, or the paper's grid. */
    private List<Setting> grid() {
        if (!settings.isEmpty()) {
            if (!scales.isEmpty() || !sigmas.isEmpty()) {
                throw new IllegalArgumentException("give either --settings or --scales/--sigmas, not both");
            }
            return parseAll(settings, Setting::parse);
        }
        if (scales.isEmpty()) {
            if (!sigmas.isEmpty()) {
                throw new IllegalArgumentException("--sigmas needs --scales (or use --settings xS:SIGMA,...)");
            }
            return Setting.TABLE1;
        }
        List<Double> noise = sigmas.isEmpty() ? List.of(0.0) : sigmas;
        List<Setting> grid = new ArrayList<>();
        for (int s : scales) {
            for (double sigma : noise) {
                grid.add(new Setting(s, sigma));
            }
        }
        return grid;
    }

    private static <T> List<T> parseAll(List<String> texts, Function<String, T> parser) {
        return texts.stream().filter(t -> !t.isBlank()).map(parser).distinct().collect(Collectors.toList());
    }

    private static void report(PrintWriter err, Progress p) {
        Score first = p.scores().get(0);
        String psnrs = p.scores().stream()
                .map(s -> String.format(Locale.ROOT, "%s %.2f", s.method().id(), s.psnr()))
                .collect(Collectors.joining(", "));
        err.printf(Locale.ROOT, "[%d/%d] %s %s k%d: %s dB (%.1f s elapsed, ETA %.0f s)%n", p.done(), p.total(),
                first.image(), first.setting(), first.kernel(), psnrs, p.elapsedSeconds(), p.etaSeconds());
        err.flush();
    }
}
