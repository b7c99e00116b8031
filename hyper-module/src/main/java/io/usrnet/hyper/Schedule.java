package io.usrnet.hyper;

import java.util.Arrays;

/**
 * The per-iteration hyper-parameters of the unfolded network: for iteration i = 1..n, the data-term
 * weight α<sub>i</sub> (used by the closed-form data step, PROTOCOL.md §6.4) and the noise level
 * β<sub>i</sub> fed to the prior as a constant input channel (§6.3).
 *
 * <p>Immutable and thread-safe. Instances come from a {@link HyperNetwork}, or from
 * {@link #of(double[], double[])} when a caller wants to override the network with an explicit
 * schedule. Indices of {@link #alpha(int)} and {@link #beta(int)} are 0-based: {@code alpha(0)} is
 * α<sub>1</sub>.
 */
public final class Schedule {
    private final double[] alphas;
    private final double[] betas;

    private Schedule(double[] alphas, double[] betas) {
        this.alphas = alphas;
        this.betas = betas;
    }

    /**
     * A schedule holding copies of the given values.
     *
     * @param alphas α<sub>1</sub>..α<sub>n</sub>, each finite and strictly positive (the data step
     *               divides by α)
     * @param betas  β<sub>1</sub>..β<sub>n</sub>, each finite and ≥ 0
     * @throws IllegalArgumentException if either array is null or empty, their lengths differ, or a
     *                                  value is out of range (the message names the offending entry)
     */
    public static Schedule of(double[] alphas, double[] betas) {
        if (alphas == null || betas == null) {
            throw new IllegalArgumentException("schedule needs both alphas and betas, got "
                    + (alphas == null ? "null" : "non-null") + " alphas and "
                    + (betas == null ? "null" : "non-null") + " betas");
        }
        if (alphas.length != betas.length) {
            throw new IllegalArgumentException("schedule needs as many alphas as betas, got "
                    + alphas.length + " alphas and " + betas.length + " betas");
        }
        if (alphas.length == 0) {
            throw new IllegalArgumentException("schedule needs at least one iteration, got none");
        }
        for (int i = 0; i < alphas.length; i++) {
            if (!Double.isFinite(alphas[i]) || alphas[i] <= 0) {
                throw new IllegalArgumentException("alpha[" + i + "] must be finite and > 0, got " + alphas[i]);
            }
            if (!Double.isFinite(betas[i]) || betas[i] < 0) {
                throw new IllegalArgumentException("beta[" + i + "] must be finite and >= 0, got " + betas[i]);
            }
        }
        return new Schedule(alphas.clone(), betas.clone());
    }

    /** Number of iterations n. */
    public int iterations() {
        return alphas.length;
    }

    /** α<sub>i+1</sub>: the data-term weight of 0-based iteration {@code i}. */
    public double alpha(int i) {
        return alphas[i];
    }

    /** β<sub>i+1</sub>: the prior's noise-level input of 0-based iteration {@code i}. */
    public double beta(int i) {
        return betas[i];
    }

    /** α<sub>1</sub>..α<sub>n</sub> (a copy). */
    public double[] alphas() {
        return alphas.clone();
    }

    /** β<sub>1</sub>..β<sub>n</sub> (a copy). */
    public double[] betas() {
        return betas.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Schedule s && Arrays.equals(alphas, s.alphas) && Arrays.equals(betas, s.betas);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(alphas) + Arrays.hashCode(betas);
    }

    @Override
    public String toString() {
        return "Schedule[alphas=" + Arrays.toString(alphas) + ", betas=" + Arrays.toString(betas) + "]";
    }
}
