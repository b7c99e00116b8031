package io.usrnet.eval;

/**
 * The metrics of one restored image (one row of the CSV report). All metrics are computed on the
 * 8-bit images (clamp to [0, 1], ×255, round) against the HR image cropped to a multiple of
 * lcm(s, 8).
 *
 * @param method   the restoration method
 * @param setting  scale and noise level
 * @param kernel   the 1-based kernel index (k1 … k12 in Table 1)
 * @param image    the HR image's file name
 * @param psnr     RGB PSNR in dB with a border of s² pixels (the Table-1 number)
 * @param psnrY    PSNR in dB of the luma Y with a border of s pixels
 * @param ssim     SSIM (mean over the RGB channels) with a border of s pixels
 */
public record Score(Method method, Setting setting, int kernel, String image, double psnr, double psnrY,
        double ssim) {
}
