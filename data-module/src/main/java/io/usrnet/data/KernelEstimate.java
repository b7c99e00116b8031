package io.usrnet.data;

import java.util.Locale;

/**
 * What {@link KernelEstimator#estimate} found: the kernel and how well it explains the blurred image.
 *
 * @param kernel      the estimated kernel: non-negative, summing to 1, centred like every kernel of this
 *                    library (tap (⌊N/2⌋, ⌊N/2⌋) is the convolution centre)
 * @param residualRms the root mean square of B − (S ⊗ k)↓s over the equations used, in [0, 255] units:
 *                    about the noise level when the pair fits the model, much larger when it does not
 *                    (misregistration, a kernel larger than N, different exposure)
 * @param noiseLevel  the noise level σ̂ the regularisation weight was set from, in [0, 255] units: the
 *                    residual of an unconstrained least-squares fit, corrected for its N² degrees of
 *                    freedom
 * @param lambda      the weight λ = ρ·σ̂² of the smoothness term actually used (σ̂ in [0, 1] units)
 * @param equations   the number of equations (blurred samples whose support lies inside the sharp image,
 *                    all channels)
 * @param iterations  the projected-gradient iterations run
 */
public record KernelEstimate(Kernel kernel, double residualRms, double noiseLevel, double lambda, long equations,
        int iterations) {

    /** E.g. {@code 25×25 kernel, residual RMS 0.83, noise level 0.80, 187500 equations, 412 iterations}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s kernel, residual RMS %.2f, noise level %.2f, %d equations, %d iteration%s",
                kernel.shape(), residualRms, noiseLevel, equations, iterations, iterations == 1 ? "" : "s");
    }
}
