package io.usrnet.core.metrics;

import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Image;

/**
 * PSNR and SSIM exactly as the reference evaluation code computes them (KAIR/USRNet
 * {@code utils_image.calculate_psnr}, {@code calculate_ssim}, {@code rgb2ycbcr}).
 *
 * <p>Both images are first converted to 8 bits like the reference's {@code tensor2uint}: clamp
 * to [0, 1], multiply by 255 in float32, round half to even. Then {@code border} pixels are
 * shaved from every side and the metric is computed on the 8-bit values as doubles:
 * <ul>
 *   <li>PSNR = 20·log10(255 / √MSE), MSE over all channels together; identical images give
 *       {@code +Infinity}.</li>
 *   <li>SSIM: Gaussian 11×11 window (σ = 1.5), only fully covered positions ("valid"),
 *       C1 = (0.01·255)², C2 = (0.03·255)², mean of the SSIM map; for several channels the mean
 *       of the per-channel values.</li>
 *   <li>The {@code Y} variants first convert RGB to MATLAB's BT.601 studio-swing luma,
 *       Y = round((65.481·R + 128.553·G + 24.966·B) / 255 + 16) on the 8-bit values, as 8 bits.
 *       A single-channel (grey) image is used as it is.</li>
 * </ul>
 * The Table-1 protocol uses {@code psnr(a, b, s*s)}; the bicubic protocol uses border {@code s}.
 */
public final class Metrics {
    private static final int WINDOW = 11;
    private static final double SIGMA = 1.5;
    private static final double C1 = (0.01 * 255) * (0.01 * 255);
    private static final double C2 = (0.03 * 255) * (0.03 * 255);
    private static final double[] GAUSSIAN = gaussian();

    private Metrics() {
    }

    /**
     * PSNR in dB over all channels, after shaving {@code border} pixels on every side.
     *
     * @throws IllegalArgumentException if the shapes differ, the border is negative or leaves no
     *                                  pixel, or a sample is NaN or infinite
     */
    public static double psnr(Image a, Image b, int border) {
        check(a, b, border, 1);
        return psnr(Planes.of(a, "first"), Planes.of(b, "second"), border);
    }

    /**
     * PSNR in dB on the luma Y of RGB images (on the single channel of grey images).
     *
     * @throws IllegalArgumentException as {@link #psnr}, or if the images have 2 or more than 3 channels
     */
    public static double psnrY(Image a, Image b, int border) {
        check(a, b, border, 1);
        return psnr(Planes.of(a, "first").luma(), Planes.of(b, "second").luma(), border);
    }

    /**
     * SSIM, the mean over channels of the per-channel SSIM, after shaving {@code border} pixels.
     *
     * @throws IllegalArgumentException if the shapes differ, the border is negative or leaves less
     *                                  than 11×11 pixels, or a sample is NaN or infinite
     */
    public static double ssim(Image a, Image b, int border) {
        check(a, b, border, WINDOW);
        return ssim(Planes.of(a, "first"), Planes.of(b, "second"), border);
    }

    /**
     * SSIM on the luma Y of RGB images (on the single channel of grey images).
     *
     * @throws IllegalArgumentException as {@link #ssim}, or if the images have 2 or more than 3 channels
     */
    public static double ssimY(Image a, Image b, int border) {
        check(a, b, border, WINDOW);
        return ssim(Planes.of(a, "first").luma(), Planes.of(b, "second").luma(), border);
    }

    private static void check(Image a, Image b, int border, int minSize) {
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalArgumentException("images differ in shape: " + a.shape() + " vs " + b.shape());
        }
        if (border < 0) {
            throw new IllegalArgumentException("border must not be negative, got " + border);
        }
        int h = a.height() - 2 * border;
        int w = a.width() - 2 * border;
        if (h < minSize || w < minSize) {
            throw new IllegalArgumentException("border " + border + " is too large for a " + a.height() + "×"
                    + a.width() + " image: " + Math.max(h, 0) + "×" + Math.max(w, 0) + " pixels remain, "
                    + (minSize == 1 ? "need at least 1" : "SSIM needs at least " + minSize + "×" + minSize));
        }
    }

    private static double psnr(Planes a, Planes b, int border) {
        long sum = 0;
        long count = 0;
        for (int c = 0; c < a.channels; c++) {
            for (int y = border; y < a.height - border; y++) {
                int row = (c * a.height + y) * a.width;
                for (int x = border; x < a.width - border; x++) {
                    long d = a.data[row + x] - b.data[row + x];
                    sum += d * d;
                }
            }
            count += (long) (a.height - 2 * border) * (a.width - 2 * border);
        }
        double mse = (double) sum / count;
        if (mse == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 20 * Math.log10(255.0 / Math.sqrt(mse));
    }

    private static double ssim(Planes a, Planes b, int border) {
        double total = 0;
        for (int c = 0; c < a.channels; c++) {
            total += ssimChannel(a.crop(c, border), b.crop(c, border), a.height - 2 * border, a.width - 2 * border);
        }
        return total / a.channels;
    }

    /** SSIM of one channel, {@code h×w} values each. */
    private static double ssimChannel(double[] x, double[] y, int h, int w) {
        int n = h * w;
        double[] xx = new double[n];
        double[] yy = new double[n];
        double[] xy = new double[n];
        for (int i = 0; i < n; i++) {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }
        double[] mu1 = filterValid(x, h, w);
        double[] mu2 = filterValid(y, h, w);
        double[] s11 = filterValid(xx, h, w);
        double[] s22 = filterValid(yy, h, w);
        double[] s12 = filterValid(xy, h, w);
        double sum = 0;
        for (int i = 0; i < mu1.length; i++) {
            double m1 = mu1[i] * mu1[i];
            double m2 = mu2[i] * mu2[i];
            double m12 = mu1[i] * mu2[i];
            double sigma1 = s11[i] - m1;
            double sigma2 = s22[i] - m2;
            double sigma12 = s12[i] - m12;
            sum += ((2 * m12 + C1) * (2 * sigma12 + C2)) / ((m1 + m2 + C1) * (sigma1 + sigma2 + C2));
        }
        return sum / mu1.length;
    }

    /** Correlation with the 11×11 Gaussian window at the positions where it fits entirely. */
    private static double[] filterValid(double[] in, int h, int w) {
        int ow = w - WINDOW + 1;
        int oh = h - WINDOW + 1;
        double[] rows = new double[h * ow];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int j = 0; j < WINDOW; j++) {
                    s += GAUSSIAN[j] * in[y * w + x + j];
                }
                rows[y * ow + x] = s;
            }
        }
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double s = 0;
                for (int i = 0; i < WINDOW; i++) {
                    s += GAUSSIAN[i] * rows[(y + i) * ow + x];
                }
                out[y * ow + x] = s;
            }
        }
        return out;
    }

    /** OpenCV's getGaussianKernel(11, 1.5): exp(−x²/(2σ²)) for x = −5..5, scaled to sum 1. */
    private static double[] gaussian() {
        double[] g = new double[WINDOW];
        double sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            double x = i - (WINDOW - 1) * 0.5;
            g[i] = Math.exp(-0.5 / (SIGMA * SIGMA) * x * x);
            sum += g[i];
        }
        double inv = 1 / sum;
        for (int i = 0; i < WINDOW; i++) {
            g[i] *= inv;
        }
        return g;
    }

    /** 8-bit samples, planar C×H×W. */
    private static final class Planes {
        final int channels;
        final int height;
        final int width;
        final int[] data;

        private Planes(int channels, int height, int width, int[] data) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            this.data = data;
        }

        /** The image in 8 bits, like the reference's {@code tensor2uint}. */
        static Planes of(Image image, String which) {
            float[] s = image.toArray();
            int[] q = new int[s.length];
            for (int i = 0; i < s.length; i++) {
                if (!Float.isFinite(s[i])) {
                    throw new IllegalArgumentException("the " + which + " image contains NaN or infinite samples");
                }
                q[i] = SampleFormat.UINT8.quantize(s[i]);
            }
            return new Planes(image.channels(), image.height(), image.width(), q);
        }

        /** MATLAB rgb2ycbcr luma of an RGB image as 8 bits; a grey image as it is. */
        Planes luma() {
            if (channels == 1) {
                return this;
            }
            if (channels != 3) {
                throw new IllegalArgumentException("luma (Y) needs an RGB or grey image, got " + channels + " channels");
            }
            int plane = height * width;
            int[] y = new int[plane];
            for (int i = 0; i < plane; i++) {
                double v = (65.481 * data[i] + 128.553 * data[plane + i] + 24.966 * data[2 * plane + i]) / 255.0 + 16.0;
                y[i] = (int) Math.rint(v);
            }
            return new Planes(1, height, width, y);
        }

        /** Channel {@code c} without {@code border} pixels on each side, as doubles. */
        double[] crop(int c, int border) {
            int h = height - 2 * border;
            int w = width - 2 * border;
            double[] out = new double[h * w];
            for (int y = 0; y < h; y++) {
                int row = (c * height + y + border) * width + border;
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = data[row + x];
                }
            }
            return out;
        }
    }
}
