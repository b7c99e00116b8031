package io.usrnet.eval;

import io.usrnet.data.Degradation;
import io.usrnet.data.Kernel;
import java.util.List;
import java.util.Locale;

/**
 * One degradation setting of the evaluation grid: the scale factor s and the noise level σ in
 * [0, 255] units (the noise added to the low-resolution image has standard deviation σ/255).
 *
 * @param scale    the integer scale factor, ≥ 1
 * @param sigma the noise level σ in [0, 255] units, finite and ≥ 0
 */
public record Setting(int scale, double sigma) {
    /** The five settings of the paper's Table 1: x2 σ0, x3 σ0, x3 σ2.55, x3 σ7.65, x4 σ0. */
    public static final List<Setting> TABLE1 = List.of(new Setting(2, 0), new Setting(3, 0), new Setting(3, 2.55),
            new Setting(3, 7.65), new Setting(4, 0));

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the scale is below 1 or σ is negative or not finite
     */
    public Setting {
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be a positive integer, got " + scale);
        }
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a finite number >= 0 (in [0, 255] units), got "
                    + sigma);
        }
    }

    /** The degradation of this setting with blur kernel {@code kernel} (periodic boundary, as Table 1). */
    public Degradation degradation(Kernel kernel) {
        return Degradation.of(kernel, scale, sigma);
    }

    /**
     * Parses {@code xS:SIGMA}, e.g. {@code x3:2.55} (the {@code x} is optional).
     *
     * @throws IllegalArgumentException if the text does not have that form or the values are invalid
     */
    public static Setting parse(String text) {
        String t = text.trim();
        int colon = t.indexOf(':');
        String s = colon < 0 ? "" : t.substring(0, colon).trim();
        if (s.startsWith("x") || s.startsWith("X")) {
            s = s.substring(1);
        }
        try {
            if (colon < 0 || s.isEmpty()) {
                throw new NumberFormatException();
            }
            return new Setting(Integer.parseInt(s), Double.parseDouble(t.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad setting '" + t + "': expected xSCALE:SIGMA, e.g. x3:2.55");
        }
    }

    /** σ without needless digits: {@code 0}, {@code 2.55}. */
    public String sigmaText() {
        return sigma == Math.rint(sigma) ? Long.toString((long) sigma)
                : String.format(Locale.ROOT, "%s", sigma);
    }

    /** The form {@link #parse} reads, e.g. {@code x3:2.55}. */
    @Override
    public String toString() {
        return "x" + scale + ":" + sigmaText();
    }
}
