package io.usrnet.train;

/**
 * The result of one validation pass on the held-out images.
 *
 * @param step     the training step
 * @param phase    {@code denoiser} (denoising PSNR at σ = 25) or {@code end-to-end} (restoration PSNR)
 * @param psnr     mean RGB PSNR of the network's outputs, dB (8-bit, border s)
 * @param baseline mean PSNR of the trivial answer (the noisy input, or nearest-neighbour upsampling
 *                 of the degraded input), dB
 * @param cases    the number of validation images
 */
public record Validation(long step, String phase, double psnr, double baseline, int cases) {
}
