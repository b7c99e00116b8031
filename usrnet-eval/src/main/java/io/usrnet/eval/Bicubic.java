package io.usrnet.eval;

import io.usrnet.data.Image;
import java.util.Objects;

/**
 * Plain bicubic interpolation (Keys' cubic convolution kernel with a = −0.5), used as a baseline.
 *
 * <p>Upsampling by an integer s maps output pixel i to the source position u = (i + 0.5)/s − 0.5
 * (pixel centres aligned, as in MATLAB's {@code imresize}) and interpolates from the four nearest
 * source samples ⌊u⌋ − 1 … ⌊u⌋ + 2, rows then columns (separable); positions outside the image use
 * the nearest edge sample (clamp to edge). This is interpolation only: unlike MATLAB's
 * {@code imresize} it applies no antialiasing filter (irrelevant for upsampling) and its border
 * handling differs (edge clamping instead of symmetric extension). It reproduces constant images
 * exactly and linear ramps away from the border (the kernel has second-order accuracy). Values are
 * not clamped.
 */
public final class Bicubic {
    /** The kernel parameter a. */
    public static final double A = -0.5;

    private Bicubic() {
    }

    /**
     * Upsamples by the integer factor s.
     *
     * @return a C×(s·H)×(s·W) image
     * @throws IllegalArgumentException if s &lt; 1
     */
    public static Image upsample(Image x, int s) {
        Objects.requireNonNull(x, "x");
        if (s < 1) {
            throw new IllegalArgumentException("scale must be a positive integer, got " + s);
        }
        int c = x.channels();
        int h = x.height();
        int w = x.width();
        int oh = h * s;
        int ow = w * s;
        Taps rows = new Taps(h, s);
        Taps cols = new Taps(w, s);
        float[] src = x.toArray();
        float[] out = new float[c * oh * ow];
        double[] tmp = new double[oh * w];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < w; j++) {
                    double v = 0;
                    for (int t = 0; t < 4; t++) {
                        v += rows.weight[i * 4 + t] * src[base + rows.index[i * 4 + t] * w + j];
                    }
                    tmp[i * w + j] = v;
                }
            }
            int obase = ch * oh * ow;
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double v = 0;
                    for (int t = 0; t < 4; t++) {
                        v += cols.weight[j * 4 + t] * tmp[i * w + cols.index[j * 4 + t]];
                    }
                    out[obase + i * ow + j] = (float) v;
                }
            }
        }
        return Image.wrap(c, oh, ow, out);
    }

    /** The cubic convolution kernel (Keys 1981) with parameter {@link #A}. */
    static double kernel(double t) {
        double x = Math.abs(t);
        if (x <= 1) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }
        if (x < 2) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
        return 0;
    }

    /** The four source indices (clamped) and weights (normalised to sum 1) of every output index. */
    private static final class Taps {
        final int[] index;
        final double[] weight;

        Taps(int n, int s) {
            index = new int[n * s * 4];
            weight = new double[n * s * 4];
            for (int i = 0; i < n * s; i++) {
                double u = (i + 0.5) / s - 0.5;
                int left = (int) Math.floor(u) - 1;
                double sum = 0;
                for (int t = 0; t < 4; t++) {
                    double wt = kernel(u - (left + t));
                    index[i * 4 + t] = Math.min(n - 1, Math.max(0, left + t));
                    weight[i * 4 + t] = wt;
                    sum += wt;
                }
                for (int t = 0; t < 4; t++) {
                    weight[i * 4 + t] /= sum;
                }
            }
        }
    }
}
