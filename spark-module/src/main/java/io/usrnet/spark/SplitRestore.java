package io.usrnet.spark;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.KernelSpec;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.RowSource;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.NoiseEstimator;
import io.usrnet.data.io.NpyArray;
import io.usrnet.prior.Tiling;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Restores images larger than {@link RestoreJob#split()} in pieces on separate tasks and stitches
 * each into one file on another task, so that no task holds a whole image: for mosaics larger than
 * one machine's memory, or one task's time.
 *
 * <h2>Method</h2>
 * The low-resolution image is cut into a grid of <em>cores</em>: ⌈H/split⌉ rows of pieces whose
 * heights differ by at most one pixel, and the same across. A piece reads its core and
 * {@link RestoreJob#margin()} pixels more on every side ({@link ImageFiles#readRegion}; the first row
 * and column moved back onto the prior's downsampling grid, {@link #alignment}): through the
 * wrap for the periodic boundary (a whole-image restore takes the image as periodic), clamped to the
 * image for the smooth boundary. It restores that region with the smooth boundary (its edges are cuts,
 * not the image's), keeps the s·h×s·w result of its core, and writes it as a float32 {@code .npy}
 * part, H×W×C (an alpha channel, upsampled as {@code restore} does, as the last channel). One task
 * per image then streams the parts' rows, in order, into the output ({@link ImageFiles#write(Path,
 * RowSource, SampleFormat, PixelSize)}), quantised by the rule of every command
 * ({@link ImageFiles#outputSampleFormat}). With σ {@code auto}, σ is measured once per image on the
 * region a whole-image estimate measures ({@link NoiseEstimator#measuredRegion}), so every piece
 * gets the σ a whole-image restore would.
 *
 * <p>Not exact: a whole-image restore couples all pixels through the FFT data step and the prior's
 * receptive field; the margin bounds the difference (README, "Spark", measures it).
 *
 * <h2>Nothing lost, resumable</h2>
 * Parts are written atomically into {@code OUT/.usrnet-parts/NAME.FINGERPRINT/}, the fingerprint
 * covering the job's options and the size and modification time of the input, kernel and weights
 * files. A re-run reuses the parts it finds (unless {@link RestoreJob#overwrite()}), so a crashed job
 * resumes piece by piece; the folder is deleted once the output is written. A failed piece fails its
 * image alone, and keeps the other pieces' parts for the re-run.
 */
final class SplitRestore {
    /** The folder, in the output folder, that holds the parts of images being restored in pieces. */
    static final String PARTS_FOLDER = ".usrnet-parts";
    /** HR rows of every part read at a time while stitching. */
    private static final int STITCH_ROWS = 32;

    private SplitRestore() {
    }

    /**
     * How one image is cut: the input, its output, the folder of its parts, its low-resolution size
     * and the cuts between rows and columns of pieces ({@code rows[0] = 0}, {@code rows[n] = height}).
     */
    record Plan(String input, String output, String parts, int height, int width, int[] rows, int[] cols)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** The pieces, row by row, each to be restored with noise level {@code sigma}. */
        List<Piece> pieces(double sigma) {
            List<Piece> pieces = new ArrayList<>();
            for (int i = 0; i + 1 < rows.length; i++) {
                for (int j = 0; j + 1 < cols.length; j++) {
                    pieces.add(new Piece(this, i, j, sigma));
                }
            }
            return pieces;
        }

        /** The part file of piece (i, j). */
        Path part(int i, int j) {
            return Path.of(parts).resolve("r" + i + "-c" + j + ".npy");
        }
    }

    /** Piece (row, col) of a plan, restored with noise level σ. */
    record Piece(Plan plan, int row, int col, double sigma) implements Serializable {
        private static final long serialVersionUID = 1L;

        int y() {
            return plan.rows[row];
        }

        int x() {
            return plan.cols[col];
        }

        int height() {
            return plan.rows[row + 1] - plan.rows[row];
        }

        int width() {
            return plan.cols[col + 1] - plan.cols[col];
        }

        /** How the piece is named in messages: {@code piece r1-c2 (rows 100..199, columns 0..99)}. */
        String describe() {
            return "piece r" + row + "-c" + col + " (rows " + y() + ".." + (y() + height() - 1) + ", columns " + x()
                    + ".." + (x() + width() - 1) + ")";
        }
    }

    /** What restoring a piece gave: the error, empty if it was restored or reused, and its seconds. */
    record PieceResult(String error, double seconds) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * The cuts of a side of {@code length} pixels into ⌈length/max⌉ parts whose sizes differ by at
     * most one: {@code cuts[0] = 0 < cuts[1] < … < cuts[n] = length}.
     */
    static int[] cuts(int length, int max) {
        int n = (length + max - 1) / max;
        int[] cuts = new int[n + 1];
        for (int k = 0; k <= n; k++) {
            cuts[k] = (int) ((long) length * k / n);
        }
        return cuts;
    }

    /** The plan of an image of {@code height × width} low-resolution pixels for {@code job}. */
    static Plan plan(String input, Path output, int height, int width, RestoreJob job) throws IOException {
        Path parts = output.getParent().resolve(PARTS_FOLDER)
                .resolve(output.getFileName() + "." + fingerprint(input, height, width, job));
        return new Plan(input, output.toString(), parts.toString(), height, width, cuts(height, job.split()),
                cuts(width, job.split()));
    }

    /**
     * Restores the planned images on the cluster of {@code sc}: σ (for {@code auto}) one task per
     * image, the pieces one task each, the stitching one task per image whose pieces all succeeded.
     *
     * @return one row per plan, in plan order
     */
    static List<ImageResult> run(JavaSparkContext sc, List<Plan> plans, RestoreJob job, int threadsPerTask) {
        List<double[]> sigmas = job.sigmaAuto()
                ? sc.parallelize(plans, plans.size()).map(SplitRestore::measureSigma).collect()
                : plans.stream().map(p -> new double[] {job.sigma(), 0}).toList();
        List<Piece> pieces = new ArrayList<>();
        for (int k = 0; k < plans.size(); k++) {
            if (!Double.isNaN(sigmas.get(k)[0])) {
                pieces.addAll(plans.get(k).pieces(sigmas.get(k)[0]));
            }
        }
        List<PieceResult> results = pieces.isEmpty() ? List.of()
                : sc.parallelize(pieces, pieces.size()).map(p -> restorePiece(p, job, threadsPerTask)).collect();
        ImageResult[] rows = new ImageResult[plans.size()];
        List<Integer> ready = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        int next = 0;
        for (int k = 0; k < plans.size(); k++) {
            Plan plan = plans.get(k);
            double secs = sigmas.get(k)[1];
            String error = Double.isNaN(sigmas.get(k)[0]) ? "measuring σ: " + plan.input() + ": cannot be read" : "";
            // the pieces were listed plan after plan: this plan's are the next ones
            for (; next < pieces.size() && pieces.get(next).plan() == plan; next++) {
                secs += results.get(next).seconds();
                if (error.isEmpty() && !results.get(next).error().isEmpty()) {
                    error = pieces.get(next).describe() + ": " + results.get(next).error();
                }
            }
            if (error.isEmpty()) {
                ready.add(k);
                seconds.add(secs);
            } else {
                rows[k] = new ImageResult(plan.input(), plan.output(), ImageResult.Status.FAILED, secs, error);
            }
        }
        if (!ready.isEmpty()) {
            List<Plan> toStitch = ready.stream().map(plans::get).toList();
            List<ImageResult> stitched = sc.parallelize(toStitch, toStitch.size()).map(p -> stitch(p, job)).collect();
            for (int r = 0; r < ready.size(); r++) {
                ImageResult s = stitched.get(r);
                rows[ready.get(r)] = new ImageResult(s.input(), s.output(), s.status(), s.seconds() + seconds.get(r),
                        s.error());
            }
        }
        return List.of(rows);
    }

    /**
     * σ of a planned image as a whole-image estimate measures it, and the seconds taken; σ NaN if the
     * region could not be read (the pieces then report nothing: the image fails).
     */
    static double[] measureSigma(Plan plan) {
        long t0 = System.nanoTime();
        try {
            int[] r = NoiseEstimator.measuredRegion(plan.height(), plan.width());
            Image region = ImageFiles.readRegion(Path.of(plan.input()), r[0], r[1], r[2], r[3]).color();
            return new double[] {NoiseEstimator.DEFAULT.estimate(region).sigma(), seconds(t0)};
        } catch (Exception e) {
            return new double[] {Double.NaN, seconds(t0)};
        }
    }

    /**
     * Restores one piece and writes its part atomically, or reuses the part a previous run wrote;
     * never throws.
     */
    static PieceResult restorePiece(Piece piece, RestoreJob job, int threadsPerTask) {
        long t0 = System.nanoTime();
        Path part = piece.plan().part(piece.row(), piece.col());
        try {
            if (!job.overwrite() && Files.exists(part)) {
                progress(piece.plan(), piece.describe() + ": reusing the part of an earlier run");
                return new PieceResult("", seconds(t0));
            }
            Restorer restorer = ExecutorModel.get(job.weights(), job.precision(), threadsPerTask);
            int m = job.margin();
            Plan plan = piece.plan();
            boolean wrap = job.boundary() == Boundary.PERIODIC;
            int align = alignment(job.scale());
            int[] rows = span(piece.y(), piece.height(), m, plan.height(), wrap, align);
            int[] cols = span(piece.x(), piece.width(), m, plan.width(), wrap, align);
            ImageData region = readWrapped(Path.of(plan.input()), rows, cols, plan.height(), plan.width());
            Image hr = restorer.restore(region.color(), job.degradation(piece.sigma(), Boundary.SMOOTH), job.options());
            int s = job.scale();
            int top = (piece.y() - rows[0]) * s;
            int left = (piece.x() - cols[0]) * s;
            int h = piece.height() * s;
            int w = piece.width() * s;
            Image core = Degradations.crop(hr, top, left, h, w);
            if (region.hasAlpha()) {
                Image alpha = Degradations.crop(Degradations.upsampleNearest(region.alpha(), s), top, left, h, w);
                float[] both = new float[(core.channels() + 1) * h * w];
                core.copyTo(both, 0);
                alpha.copyTo(both, core.size());
                core = Image.wrap(core.channels() + 1, h, w, both);
            }
            Files.createDirectories(part.getParent());
            Image result = core;
            AtomicFiles.write(part, tmp -> NpyArray.writeImage(tmp, result));
            progress(piece.plan(), String.format(Locale.ROOT, "%s restored (%.1f s)", piece.describe(), seconds(t0)));
            return new PieceResult("", seconds(t0));
        } catch (Exception e) {
            return new PieceResult(message(e), seconds(t0));
        }
    }

    /**
     * The rows (or columns) a piece reads: from {@code start − margin}, moved back to a multiple of
     * {@code align}, to {@code start + length + margin}, as {@code {first, end}}; clamped to
     * {@code [0, size)} unless {@code wrap} (then the ends may lie outside and are read modulo
     * {@code size}).
     *
     * @param align the step on which a piece must start ({@link #alignment}), so that the prior sees
     *              its pixels on the same downsampling grid as in a whole-image restore
     */
    static int[] span(int start, int length, int margin, int size, boolean wrap, int align) {
        int first = Math.floorDiv(start - margin, align) * align;
        int end = start + length + margin;
        return wrap ? new int[] {first, end} : new int[] {Math.max(0, first), Math.min(size, end)};
    }

    /**
     * The low-resolution step a piece's region must start on at scale s: the prior downsamples by
     * {@link Tiling#ALIGN} = 8 at high resolution and is not shift-invariant by less (a piece read one
     * LR row off the grid at s = 2 came out 10 grey levels off, whatever its margin), so s·start must
     * be a multiple of 8: 8 / gcd(s, 8) pixels.
     */
    static int alignment(int scale) {
        return Tiling.ALIGN / BigInteger.valueOf(scale).gcd(BigInteger.valueOf(Tiling.ALIGN)).intValue();
    }

    /**
     * Reads rows {@code rows[0]..rows[1]−1} and columns {@code cols[0]..cols[1]−1} of the image,
     * indices taken modulo its size: one region read per contiguous block of the file.
     */
    static ImageData readWrapped(Path file, int[] rows, int[] cols, int height, int width) throws IOException {
        List<int[]> rowRuns = runs(rows[0], rows[1], height);
        List<int[]> colRuns = runs(cols[0], cols[1], width);
        if (rowRuns.size() == 1 && colRuns.size() == 1) {
            return ImageFiles.readRegion(file, rowRuns.get(0)[0], colRuns.get(0)[0], rows[1] - rows[0],
                    cols[1] - cols[0]);
        }
        int h = rows[1] - rows[0];
        int w = cols[1] - cols[0];
        float[] color = null;
        float[] alpha = null;
        ImageData first = null;
        for (int[] r : rowRuns) {
            for (int[] c : colRuns) {
                ImageData block = ImageFiles.readRegion(file, r[0], c[0], r[1], c[1]);
                if (first == null) {
                    first = block;
                    color = new float[block.color().channels() * h * w];
                    alpha = block.hasAlpha() ? new float[h * w] : null;
                }
                paste(block.color(), color, h, w, r[2], c[2]);
                if (alpha != null) {
                    paste(block.alpha(), alpha, h, w, r[2], c[2]);
                }
            }
        }
        Image a = alpha == null ? null : Image.wrap(1, h, w, alpha);
        return new ImageData(Image.wrap(first.color().channels(), h, w, color), a, first.format(), first.pixelSize());
    }

    /**
     * The runs of contiguous source indices of positions {@code first..end−1} taken modulo
     * {@code size}: {@code {source start, length, destination start}} each.
     */
    static List<int[]> runs(int first, int end, int size) {
        List<int[]> runs = new ArrayList<>();
        for (int at = first; at < end;) {
            int src = Math.floorMod(at, size);
            int len = Math.min(end - at, size - src);
            runs.add(new int[] {src, len, at - first});
            at += len;
        }
        return runs;
    }

    private static void paste(Image block, float[] out, int h, int w, int top, int left) {
        float[] src = block.toArray();
        int bh = block.height();
        int bw = block.width();
        for (int c = 0; c < block.channels(); c++) {
            for (int y = 0; y < bh; y++) {
                System.arraycopy(src, (c * bh + y) * bw, out, (c * h + top + y) * w + left, bw);
            }
        }
    }

    /**
     * Streams the parts of a planned image into its output, atomically, and deletes the parts;
     * never throws: a failure is a failed row (the parts are kept for a re-run).
     */
    static ImageResult stitch(Plan plan, RestoreJob job) {
        long t0 = System.nanoTime();
        Path out = Path.of(plan.output());
        try {
            // the input's sample format, alpha and pixel size, from one pixel
            ImageData first = ImageFiles.readRegion(Path.of(plan.input()), 0, 0, 1, 1);
            ImageFormat format = ImageFormat.forWriting(out);
            boolean alpha = first.hasAlpha() && format != ImageFormat.NPY;
            PixelSize size = first.hasPixelSize() && format == ImageFormat.TIFF
                    ? first.pixelSize().dividedBy(job.scale()) : null;
            PartRows rows = new PartRows(plan, job.scale(), first.color().channels(), first.hasAlpha(), alpha);
            ImageFiles.write(out, rows, ImageFiles.outputSampleFormat(out, first.format()), size);
            deleteParts(Path.of(plan.parts()));
            progress(plan, String.format(Locale.ROOT, "stitched into %s (%d×%d, %.1f s)", out, rows.width(),
                    rows.height(), seconds(t0)));
            return new ImageResult(plan.input(), plan.output(), ImageResult.Status.RESTORED, seconds(t0), "");
        } catch (Exception e) {
            return new ImageResult(plan.input(), plan.output(), ImageResult.Status.FAILED, seconds(t0),
                    "stitching: " + message(e));
        }
    }

    private static void deleteParts(Path parts) throws IOException {
        try (Stream<Path> files = Files.walk(parts)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Path folder = parts.getParent();
        try (Stream<Path> left = Files.list(folder)) {
            if (left.findAny().isEmpty()) {
                Files.deleteIfExists(folder);
            }
        } catch (IOException e) {
            // another image's parts arrived meanwhile: the folder stays
        }
    }

    /**
     * The rows of the stitched image, read from the parts {@value #STITCH_ROWS} rows at a time:
     * memory for that many rows of the whole width, never the image.
     */
    static final class PartRows implements RowSource {
        private final Plan plan;
        private final int scale;
        private final int colors;
        private final int partChannels;
        private final boolean alpha;
        private final Image[] block;
        private int blockStart = -1;
        private int blockEnd = -1;

        /**
         * @param colors     colour channels of the image
         * @param partAlpha  whether the parts carry an alpha channel after the colours
         * @param alpha      whether the output gets it
         */
        PartRows(Plan plan, int scale, int colors, boolean partAlpha, boolean alpha) {
            this.plan = plan;
            this.scale = scale;
            this.colors = colors;
            this.partChannels = colors + (partAlpha ? 1 : 0);
            this.alpha = alpha;
            this.block = new Image[plan.cols().length - 1];
        }

        @Override
        public int height() {
            return plan.height() * scale;
        }

        @Override
        public int width() {
            return plan.width() * scale;
        }

        @Override
        public int channels() {
            return colors;
        }

        @Override
        public boolean hasAlpha() {
            return alpha;
        }

        @Override
        public void row(int y, float[] color, float[] alphaRow) throws IOException {
            if (y < blockStart || y >= blockEnd) {
                load(y);
            }
            int width = width();
            int r = y - blockStart;
            for (int j = 0; j < block.length; j++) {
                Image b = block[j];
                int x0 = plan.cols()[j] * scale;
                for (int c = 0; c < colors; c++) {
                    copyRow(b, c, r, color, c * width + x0);
                }
                if (alpha) {
                    copyRow(b, colors, r, alphaRow, x0);
                }
            }
        }

        private static void copyRow(Image b, int channel, int row, float[] out, int at) {
            for (int x = 0; x < b.width(); x++) {
                out[at + x] = b.get(channel, row, x);
            }
        }

        /** Reads up to {@value #STITCH_ROWS} rows from {@code y} of every part of y's row of pieces. */
        private void load(int y) throws IOException {
            int i = 0;
            while (plan.rows()[i + 1] * scale <= y) {
                i++;
            }
            int bandStart = plan.rows()[i] * scale;
            int bandEnd = plan.rows()[i + 1] * scale;
            int n = Math.min(STITCH_ROWS, bandEnd - y);
            for (int j = 0; j < block.length; j++) {
                Path part = plan.part(i, j);
                int w = (plan.cols()[j + 1] - plan.cols()[j]) * scale;
                int[] size = ImageFiles.headerSize(part);
                if (size == null || size[0] != bandEnd - bandStart || size[1] != w) {
                    throw new IOException(part + ": not the part expected (" + (bandEnd - bandStart) + "×" + w
                            + " pixels); delete " + plan.parts() + " and run again");
                }
                Image b = ImageFiles.readRegion(part, y - bandStart, 0, n, w).color();
                if (b.channels() != partChannels) {
                    throw new IOException(part + ": " + b.channels() + " channels, " + partChannels
                            + " expected; delete " + plan.parts() + " and run again");
                }
                block[j] = b;
            }
            blockStart = y;
            blockEnd = y + n;
        }
    }

    /**
     * What identifies a plan's parts: the job's options (all but {@code overwrite}), the input's path,
     * size and modification time, and those of the kernel and weights files, as 12 hex digits.
     */
    static String fingerprint(String input, int height, int width, RestoreJob job) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append(job.withOverwrite(false)).append('|').append(height).append('×').append(width).append('|');
        for (String file : new String[] {input, KernelSpec.parse(job.kernel()).path().toString(), job.weights()}) {
            sb.append(stamp(file)).append('|');
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String stamp(String file) {
        if (file == null) {
            return "-";
        }
        Path p = Path.of(file).toAbsolutePath();
        try {
            return p + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException | UncheckedIOException e) {
            return p.toString();
        }
    }

    /**
     * One line of progress on the task's standard error (the console in local mode, the executor's
     * log on a cluster): a piece takes minutes.
     */
    private static void progress(Plan plan, String what) {
        System.err.println("usrnet-spark: " + Path.of(plan.input()).getFileName() + ": " + what);
    }

    /** A failure as one line of the results table: the exception's message, or its kind. */
    static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("\\s+", " ");
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
