package io.usrnet.spark;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.io.Serializable;
import java.util.Locale;

/**
 * What every image of a collection gets: the options of {@code usrnet restore}, as a serialisable
 * value that travels to the executors. Validated on construction.
 *
 * @param kernel     a kernel spec ({@code FILE[:VARIABLE[:INDEX]]}), readable from every executor
 * @param scale      the scale factor s ≥ 1
 * @param sigma      the noise level in [0, 255] units, or NaN for {@code auto} (measured per image)
 * @param boundary   how images continue beyond their border
 * @param weights    a weights file readable from every executor, or {@code null} for the built-in model
 * @param tile       the prior's tile side (0: whole images)
 * @param iterations the iterations to run (0: all of the model's)
 * @param ensemble   1, or 8 for the x8 self-ensemble (eight times the time)
 * @param precision  the prior's arithmetic; {@link Precision#BF16} runs on executors whose CPU has
 *                   bfloat16 instructions, FP32 on the others
 * @param format     the output extension ({@code png}, {@code tif}, {@code npy}, …), or {@code null} to
 *                   keep each input's (PNG for inputs in a read-only format)
 * @param overwrite  whether to restore images whose output exists (else they are skipped: a re-run
 *                   resumes where a crashed job stopped)
 * @param split      0, or the largest side of the low-resolution pieces that an image larger than this
 *                   is cut into, each restored by its own task and stitched by another
 *                   ({@link SplitRestore}); for images larger than one task's memory or time
 * @param margin     low-resolution pixels of context read around each piece (and restored, then cut
 *                   away), so that the pieces meet without visible seams
 */
public record RestoreJob(String kernel, int scale, double sigma, Boundary boundary, String weights, int tile,
        int iterations, int ensemble, Precision precision, String format, boolean overwrite, int split,
        int margin) implements Serializable {
    /** The default {@link #margin()}: 32 low-resolution pixels (README, "Spark": the seam error it leaves). */
    public static final int DEFAULT_MARGIN = 32;
    /** The smallest {@link #split()} side accepted. */
    public static final int MIN_SPLIT = 32;
    private static final long serialVersionUID = 1L;

    /** Checks every field. */
    public RestoreJob {
        if (kernel == null || kernel.isBlank()) {
            throw new IllegalArgumentException("--kernel is required");
        }
        if (scale < 1) {
            throw new IllegalArgumentException("--scale must be a positive integer, got " + scale);
        }
        if (!Double.isNaN(sigma) && !(sigma >= 0 && sigma <= 255)) {
            throw new IllegalArgumentException("--sigma must be a noise level from 0 to 255 or auto, got " + sigma);
        }
        if (boundary == null) {
            throw new IllegalArgumentException("--boundary must be periodic or smooth");
        }
        if (tile < 0 || iterations < 0) {
            throw new IllegalArgumentException("--tile and --iterations must be >= 0");
        }
        if (ensemble != 1 && ensemble != 8) {
            throw new IllegalArgumentException("--ensemble must be 1 (off) or 8 (all flips and rotations), got "
                    + ensemble);
        }
        if (precision == null) {
            throw new IllegalArgumentException("--precision must be fp32 or bf16");
        }
        if (split != 0 && split < MIN_SPLIT) {
            throw new IllegalArgumentException("--split must be 0 (off) or at least " + MIN_SPLIT + " pixels, got "
                    + split);
        }
        if (margin < 0 || (split > 0 && margin >= split)) {
            throw new IllegalArgumentException("--split-margin must be from 0 to less than --split, got " + margin);
        }
        if (format != null) {
            format = format.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "");
        }
    }

    /** A job with no splitting, in float32: the options of {@code usrnet restore}. */
    public RestoreJob(String kernel, int scale, double sigma, Boundary boundary, String weights, int tile,
            int iterations, int ensemble, String format, boolean overwrite) {
        this(kernel, scale, sigma, boundary, weights, tile, iterations, ensemble, Precision.FP32, format, overwrite, 0,
                DEFAULT_MARGIN);
    }

    /** This job with {@code overwrite} set as given. */
    public RestoreJob withOverwrite(boolean value) {
        return new RestoreJob(kernel, scale, sigma, boundary, weights, tile, iterations, ensemble, precision, format,
                value, split, margin);
    }

    /** This job with images larger than {@code side} split into pieces of at most that side, each with {@code margin}. */
    public RestoreJob withSplit(int side, int margin) {
        return new RestoreJob(kernel, scale, sigma, boundary, weights, tile, iterations, ensemble, precision, format,
                overwrite, side, margin);
    }

    /** This job with the prior in the given arithmetic. */
    public RestoreJob withPrecision(Precision value) {
        return new RestoreJob(kernel, scale, sigma, boundary, weights, tile, iterations, ensemble, value, format,
                overwrite, split, margin);
    }

    /** True if an image of this size is restored in pieces ({@link #split()} is on and a side is larger). */
    public boolean splits(int height, int width) {
        return split > 0 && (height > split || width > split);
    }

    /**
     * The degradation every image of the job is restored for, with the given noise level and
     * boundary (reads the kernel file).
     */
    Degradation degradation(double noiseLevel, Boundary b) throws IOException {
        return Degradation.builder().kernel(Restorer.kernelFor(KernelFiles.read(kernel))).scale(scale)
                .sigma(noiseLevel).boundary(b).build();
    }

    /** The restore options of the job: iterations, prior tiles, ensemble. */
    RestoreOptions options() {
        return RestoreOptions.builder().iterations(iterations).tileSize(tile).ensemble(ensemble).build();
    }

    /** True if σ is measured on every image. */
    public boolean sigmaAuto() {
        return Double.isNaN(sigma);
    }
}
