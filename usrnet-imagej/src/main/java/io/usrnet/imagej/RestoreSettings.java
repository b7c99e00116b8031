package io.usrnet.imagej;

import io.usrnet.data.Boundary;
import ij.Macro;
import java.util.Locale;

/**
 * The choices of one "USRNet Restore..." run, as the dialog shows them and the macro recorder writes
 * them: {@code kernel=[/path/k.npy] scale=2 sigma=2 boundary=periodic} (plus {@code weights=[…]} and
 * {@code iterations=N} when not the defaults). Validated on construction.
 *
 * @param kernel     a kernel spec as the CLI's {@code --kernel} takes ({@code FILE[:VARIABLE[:INDEX]]}); a
 *                   file holding one kernel per channel gives each channel its own
 * @param scale      the scale factor s, 1 (deblurring) … 4
 * @param sigma      the noise level in [0, 255] units of the image's range, or NaN for {@code auto}
 *                   (measured on every slice)
 * @param boundary   how the image continues beyond its border
 * @param weights    a weights file, or empty for the built-in model
 * @param iterations how many of the model's iterations to run, 0 for all
 * @param ensemble   the x8 self-ensemble: each plane restored in its 8 flips and rotations and the results
 *                   averaged (eight times the time); macro keyword {@code ensemble}
 * @param fast       the prior's convolutions in bfloat16 ({@link io.usrnet.prior.Precision#BF16}) where the
 *                   CPU has bfloat16 instructions, float32 elsewhere; macro keyword {@code fast}
 */
public record RestoreSettings(String kernel, int scale, double sigma, Boundary boundary, String weights,
        int iterations, boolean ensemble, boolean fast) {
    /** The largest scale offered. */
    public static final int MAX_SCALE = 4;

    /** Checks every field; the messages name the dialog's field. */
    public RestoreSettings {
        if (kernel == null || kernel.isBlank()) {
            throw new IllegalArgumentException("Kernel: choose a kernel file (.npy, .mat, .txt, .csv, .png, .tif)");
        }
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("Scale must be 1 (deblurring) to " + MAX_SCALE + ", got " + scale);
        }
        if (!Double.isNaN(sigma) && !(sigma >= 0 && sigma <= 255)) {
            throw new IllegalArgumentException("Sigma must be a noise level from 0 to 255, or auto, got " + sigma);
        }
        if (boundary == null) {
            throw new IllegalArgumentException("Boundary must be periodic or smooth");
        }
        weights = weights == null ? "" : weights.strip();
        if (iterations < 0) {
            throw new IllegalArgumentException("Iterations must be 0 (all of the model's) or more, got " + iterations);
        }
    }

    /** True if σ is measured on every slice. */
    public boolean sigmaAuto() {
        return Double.isNaN(sigma);
    }

    /**
     * The settings a macro's option string holds, as {@code run("USRNet Restore...", options)} passes
     * them; absent keys take their defaults (scale 1, sigma auto, boundary smooth, built-in weights,
     * all iterations, no ensemble, float32), {@code kernel} is required.
     *
     * @throws IllegalArgumentException if a value is not understood (the message names its key)
     */
    public static RestoreSettings fromMacroOptions(String options) {
        String kernel = Macro.getValue(options, "kernel", "");
        int scale = integer("scale", Macro.getValue(options, "scale", "1"));
        double sigma = parseSigma(Macro.getValue(options, "sigma", "auto"));
        Boundary boundary = parseBoundary(Macro.getValue(options, "boundary", "smooth"));
        String weights = Macro.getValue(options, "weights", "");
        int iterations = integer("iterations", Macro.getValue(options, "iterations", "0"));
        // a checkbox: its key alone, outside any [bracketed] value
        String bare = " " + options.replaceAll("\\[[^\\]]*\\]", "[]") + " ";
        boolean ensemble = bare.matches("(?s).*\\sensemble\\s.*");
        boolean fast = bare.matches("(?s).*\\sfast\\s.*");
        return new RestoreSettings(kernel, scale, sigma, boundary, weights, iterations, ensemble, fast);
    }

    /** These settings as macro options, e.g. {@code kernel=[/k.npy] scale=2 sigma=2 boundary=periodic}. */
    public String toMacroOptions() {
        StringBuilder sb = new StringBuilder("kernel=[").append(kernel).append("] scale=").append(scale)
                .append(" sigma=").append(sigmaText()).append(" boundary=").append(boundaryText());
        if (!weights.isEmpty()) {
            sb.append(" weights=[").append(weights).append(']');
        }
        if (iterations != 0) {
            sb.append(" iterations=").append(iterations);
        }
        if (ensemble) {
            sb.append(" ensemble");
        }
        if (fast) {
            sb.append(" fast");
        }
        return sb.toString();
    }

    /** σ as typed: {@code auto}, or the number without a trailing {@code .0}. */
    public String sigmaText() {
        if (sigmaAuto()) {
            return "auto";
        }
        return sigma == Math.rint(sigma) ? Long.toString((long) sigma) : Double.toString(sigma);
    }

    /** {@code periodic} or {@code smooth}. */
    public String boundaryText() {
        return boundary.name().toLowerCase(Locale.ROOT);
    }

    /**
     * A σ field: a number in [0, 255] or {@code auto} (NaN).
     *
     * @throws IllegalArgumentException otherwise
     */
    static double parseSigma(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("auto")) {
            return Double.NaN;
        }
        try {
            double v = Double.parseDouble(t);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Sigma must be a noise level from 0 to 255, or auto, got '" + t + "'");
    }

    /**
     * A boundary field: {@code periodic} or {@code smooth}, any case.
     *
     * @throws IllegalArgumentException otherwise
     */
    static Boundary parseBoundary(String text) {
        for (Boundary b : Boundary.values()) {
            if (b.name().equalsIgnoreCase(text.strip())) {
                return b;
            }
        }
        throw new IllegalArgumentException("Boundary must be periodic or smooth, got '" + text.strip() + "'");
    }

    private static int integer(String key, String text) {
        String t = text.strip();
        try {
            double v = Double.parseDouble(t); // the recorder writes numeric fields as 2 or 2.0
            if (v == Math.rint(v) && Math.abs(v) < Integer.MAX_VALUE) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(Character.toUpperCase(key.charAt(0)) + key.substring(1)
                + " must be a whole number, got '" + t + "'");
    }
}
