package io.usrnet.data;

import java.util.List;
import java.util.Locale;

/**
 * The noise level of an image measured by {@link NoiseEstimator}: the standard deviation σ of
 * additive white Gaussian noise, in [0, 255] units (the unit of every σ in this library; an image
 * sample 1.0 is 255).
 *
 * @param sigma         σ of all channels together, assuming they share one noise level (what a
 *                      restoration needs)
 * @param channelSigmas σ of each channel alone, in channel order
 * @param patchSize     the side of the square patches whose covariance was analysed
 * @param patches       the number of overlapping patches analysed
 * @param region        the analysed region, {@code H×W}: the whole image, or its centre when the
 *                      image is larger than {@link NoiseEstimator#MAX_SIDE}
 */
public record NoiseEstimate(double sigma, List<Double> channelSigmas, int patchSize, long patches, String region) {
    /**
     * Checks and copies the values.
     *
     * @throws IllegalArgumentException if a σ is negative or not finite, or no channel is given
     */
    public NoiseEstimate {
        channelSigmas = List.copyOf(channelSigmas);
        if (channelSigmas.isEmpty()) {
            throw new IllegalArgumentException("a noise estimate needs at least one channel");
        }
        requireSigma(sigma);
        channelSigmas.forEach(NoiseEstimate::requireSigma);
    }

    private static void requireSigma(double s) {
        if (!(s >= 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("a noise level must be finite and >= 0, got " + s);
        }
    }

    /** σ rounded to two decimals, e.g. {@code 2.55}: the form the command line prints and reads back. */
    public String sigmaText() {
        return String.format(Locale.ROOT, "%.2f", sigma);
    }

    /** One line for people, e.g. {@code sigma 2.55 (R 2.51, G 2.56, B 2.60; 8×8 patches of 481×321)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("sigma ").append(sigmaText()).append(" (");
        if (channelSigmas.size() > 1) {
            boolean rgb = channelSigmas.size() == 3;
            for (int c = 0; c < channelSigmas.size(); c++) {
                b.append(rgb ? "RGB".charAt(c) + " " : "channel " + c + " ")
                        .append(String.format(Locale.ROOT, "%.2f", channelSigmas.get(c))).append(", ");
            }
            b.setLength(b.length() - 2);
            b.append("; ");
        }
        return b.append(patchSize).append('×').append(patchSize).append(" patches of ").append(region).append(')')
                .toString();
    }
}
