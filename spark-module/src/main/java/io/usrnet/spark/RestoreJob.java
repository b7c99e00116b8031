package io.usrnet.spark;

import io.usrnet.data.Boundary;
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
 * @param format     the output extension ({@code png}, {@code tif}, {@code npy}, …), or {@code null} to
 *                   keep each input's (PNG for inputs in a read-only format)
 * @param overwrite  whether to restore images whose output exists (else they are skipped: a re-run
 *                   resumes where a crashed job stopped)
 */
public record RestoreJob(String kernel, int scale, double sigma, Boundary boundary, String weights, int tile,
        int iterations, int ensemble, String format, boolean overwrite) implements Serializable {
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
        if (format != null) {
            format = format.toLowerCase(Locale.ROOT).replaceFirst("^\\.", "");
        }
    }

    /** This job with {@code overwrite} set as given. */
    public RestoreJob withOverwrite(boolean value) {
        return new RestoreJob(kernel, scale, sigma, boundary, weights, tile, iterations, ensemble, format, value);
    }

    /** True if σ is measured on every image. */
    public boolean sigmaAuto() {
        return Double.isNaN(sigma);
    }
}
