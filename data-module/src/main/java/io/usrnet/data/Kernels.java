package io.usrnet.data;

import java.util.Random;

/**
 * Synthesis of blur kernels: isotropic and anisotropic Gaussians, random camera-shake (motion)
 * kernels, and the sub-pixel shift that aligns a kernel with the upper-left decimator
 * (PROTOCOL.md §4). All kernels returned sum to 1.
 *
 * <p>Coordinates: a kernel of size n×n is sampled on the grid of offsets −(n−1)/2 … (n−1)/2 in
 * steps of 1 along rows and columns (MATLAB {@code fspecial} convention), so for odd n the peak is at
 * tap ((n−1)/2, (n−1)/2), the convolution centre; for even n the grid is centred between taps.
 */
public final class Kernels {
    /** Machine epsilon of double, 2⁻⁵², as MATLAB's {@code eps}. */
    private static final double EPS = Math.ulp(1.0);

    private Kernels() {
    }

    /**
     * An isotropic Gaussian with MATLAB {@code fspecial('gaussian', size, width)} semantics:
     * h(u, v) = exp(−(u² + v²) / (2·width²)) on the centred grid, entries below eps·max(h) set to 0,
     * then normalised to sum 1.
     *
     * @param size  side of the square kernel, ≥ 1
     * @param width standard deviation in pixels, finite and &gt; 0
     * @throws IllegalArgumentException for a size &lt; 1 or a width that is not finite and positive
     */
    public static Kernel gaussian(int size, double width) {
        Checks.requirePositive("kernel size", size);
        requirePositiveFinite("Gaussian width", width);
        return anisotropic(size, width, width, 0.0, true);
    }

    /**
     * An anisotropic Gaussian with principal standard deviations {@code sigma1}, {@code sigma2} and
     * rotation {@code theta}, normalised to sum 1. With offsets (dx, dy) from the grid centre, dx along
     * columns (rightwards) and dy along rows (downwards), and the rotated coordinates
     * a = dx·cos θ + dy·sin θ, b = −dx·sin θ + dy·cos θ, the taps are
     *
     * <pre>  k(dy, dx) ∝ exp(−a² / (2·sigma1²) − b² / (2·sigma2²))</pre>
     *
     * <p>so {@code sigma1} is the spread along the direction (cos θ, sin θ) in (column, row)
     * coordinates: θ = 0 stretches the kernel horizontally, θ = π/2 vertically, and a positive θ turns
     * the long axis from "right" towards "down" as displayed (clockwise on screen). The covariance in
     * (dx, dy) is R·diag(sigma1², sigma2²)·Rᵀ with R the rotation by θ. No small-entry cut-off is
     * applied. With sigma1 = sigma2 this is {@link #gaussian} without its eps cut-off.
     *
     * @param size   side of the square kernel, ≥ 1
     * @param sigma1 standard deviation along the first principal axis, finite and &gt; 0
     * @param sigma2 standard deviation along the second principal axis, finite and &gt; 0
     * @param theta  angle of the first principal axis in radians, finite
     * @throws IllegalArgumentException for a size &lt; 1, non-positive or non-finite standard
     *                                  deviations, or a non-finite angle
     */
    public static Kernel anisotropicGaussian(int size, double sigma1, double sigma2, double theta) {
        Checks.requirePositive("kernel size", size);
        requirePositiveFinite("sigma1", sigma1);
        requirePositiveFinite("sigma2", sigma2);
        if (!Double.isFinite(theta)) {
            throw new IllegalArgumentException("theta must be finite, got " + theta);
        }
        return anisotropic(size, sigma1, sigma2, theta, false);
    }

    private static Kernel anisotropic(int size, double sigma1, double sigma2, double theta, boolean cut) {
        double c = (size - 1) / 2.0;
        double cos = Math.cos(theta);
        double sin = Math.sin(theta);
        double[] v = new double[size * size];
        double max = 0;
        for (int r = 0; r < size; r++) {
            double dy = r - c;
            for (int col = 0; col < size; col++) {
                double dx = col - c;
                double a = dx * cos + dy * sin;
                double b = -dx * sin + dy * cos;
                double e = Math.exp(-(a * a) / (2 * sigma1 * sigma1) - (b * b) / (2 * sigma2 * sigma2));
                v[r * size + col] = e;
                max = Math.max(max, e);
            }
        }
        if (cut) {
            for (int i = 0; i < v.length; i++) {
                if (v[i] < EPS * max) {
                    v[i] = 0;
                }
            }
        }
        return normalizedOrThrow(size, size, v, "Gaussian underflows to zero everywhere (width too small?)");
    }

    /**
     * A random camera-shake (motion blur) kernel, reproducible from {@code seed}.
     *
     * <p>Model: a point moves at constant speed along a path of unit length sampled at N = max(256,
     * 32·size) equally spaced times (the exposure). Its velocity starts in a uniformly random
     * direction; at every sample it receives a random Gaussian acceleration (strength drawn once per
     * kernel, from almost straight to curly paths), a centripetal pull towards the starting point
     * (strength drawn once), and with small probability a sudden jerk (on average at most 3 per path),
     * and is then renormalised to unit speed. The path is scaled so that the larger side of its
     * bounding box spans 30 %…100 % (drawn uniformly) of size − 1 pixels, and placed at a uniformly
     * random position inside the support, so the kernel is generally <b>off-centre</b>. Each sample
     * deposits equal energy, split bilinearly over the 4 nearest taps; the result is non-negative,
     * sparse (a thin curve), and normalised to sum 1. The same seed gives the same kernel on every JVM
     * ({@link java.util.Random} is fully specified). Size 1 gives the identity kernel.
     *
     * @param size side of the square kernel, ≥ 1
     * @param seed random seed
     * @throws IllegalArgumentException for a size &lt; 1
     */
    public static Kernel motion(int size, long seed) {
        Checks.requirePositive("kernel size", size);
        if (size == 1) {
            return Kernel.delta();
        }
        Random rnd = new Random(seed);
        int n = Math.max(256, 32 * size);
        double curl = 0.5 + 5.5 * rnd.nextDouble();
        double pull = 3.0 * rnd.nextDouble();
        double jerkProbability = 3.0 * rnd.nextDouble() / n;
        double heading = 2 * Math.PI * rnd.nextDouble();
        double vx = Math.cos(heading);
        double vy = Math.sin(heading);
        double dt = 1.0 / n;
        double kick = curl / Math.sqrt(n);
        double[] xs = new double[n];
        double[] ys = new double[n];
        double px = 0;
        double py = 0;
        for (int t = 0; t < n; t++) {
            xs[t] = px;
            ys[t] = py;
            vx += kick * rnd.nextGaussian() - pull * px * dt;
            vy += kick * rnd.nextGaussian() - pull * py * dt;
            if (rnd.nextDouble() < jerkProbability) {
                double a = 2 * Math.PI * rnd.nextDouble();
                double strength = 0.5 + rnd.nextDouble();
                vx += strength * Math.cos(a);
                vy += strength * Math.sin(a);
            }
            double speed = Math.hypot(vx, vy);
            if (speed < 1e-12) {
                vx = Math.cos(heading);
                vy = Math.sin(heading);
            } else {
                vx /= speed;
                vy /= speed;
            }
            px += vx * dt;
            py += vy * dt;
        }
        double minX = min(xs);
        double minY = min(ys);
        double spanX = max(xs) - minX;
        double spanY = max(ys) - minY;
        double length = (size - 1) * (0.3 + 0.7 * rnd.nextDouble());
        double scale = length / Math.max(Math.max(spanX, spanY), 1e-12);
        double offX = rnd.nextDouble() * (size - 1 - spanX * scale);
        double offY = rnd.nextDouble() * (size - 1 - spanY * scale);
        double[] v = new double[size * size];
        for (int t = 0; t < n; t++) {
            double x = Math.min(size - 1, Math.max(0, offX + (xs[t] - minX) * scale));
            double y = Math.min(size - 1, Math.max(0, offY + (ys[t] - minY) * scale));
            splat(v, size, y, x);
        }
        return normalizedOrThrow(size, size, v, "motion trajectory is empty");
    }

    /** Adds unit energy at (y, x) in [0, size−1]², split bilinearly over the four nearest taps. */
    private static void splat(double[] v, int size, double y, double x) {
        int r0 = Math.min((int) y, size - 2);
        int c0 = Math.min((int) x, size - 2);
        double fy = y - r0;
        double fx = x - c0;
        v[r0 * size + c0] += (1 - fy) * (1 - fx);
        v[r0 * size + c0 + 1] += (1 - fy) * fx;
        v[(r0 + 1) * size + c0] += fy * (1 - fx);
        v[(r0 + 1) * size + c0 + 1] += fy * fx;
    }

    /**
     * The kernel resampled so that it moves up-left by (s − 1)/2 pixels, aligning a centred kernel
     * with the upper-left decimator (PROTOCOL.md §4, {@code shift_pixel}): tap (u, v) of the result is
     * the bilinear interpolation of {@code k} at (u + (s−1)/2, v + (s−1)/2), where the sample
     * coordinates are clipped to the kernel's support [0, kh−1] × [0, kw−1]; the result is then
     * normalised to sum 1. For s = 1 the kernel is only normalised. For a centred kernel with
     * negligible mass near its bottom/right border the centroid moves by exactly (s−1)/2 along both axes.
     *
     * @param k the kernel
     * @param s the scale factor, ≥ 1
     * @throws IllegalArgumentException if s &lt; 1 or the shifted taps sum to zero
     */
    public static Kernel shiftForDecimation(Kernel k, int s) {
        Checks.requirePositive("scale", s);
        double shift = (s - 1) / 2.0;
        int kh = k.height();
        int kw = k.width();
        double[] out = new double[kh * kw];
        for (int u = 0; u < kh; u++) {
            double y = Math.min(u + shift, kh - 1);
            int r0 = (int) Math.floor(y);
            int r1 = Math.min(r0 + 1, kh - 1);
            double fy = y - r0;
            for (int v = 0; v < kw; v++) {
                double x = Math.min(v + shift, kw - 1);
                int c0 = (int) Math.floor(x);
                int c1 = Math.min(c0 + 1, kw - 1);
                double fx = x - c0;
                out[u * kw + v] = (1 - fy) * ((1 - fx) * k.get(r0, c0) + fx * k.get(r0, c1))
                        + fy * ((1 - fx) * k.get(r1, c0) + fx * k.get(r1, c1));
            }
        }
        return normalizedOrThrow(kh, kw, out, "shifted kernel sums to zero and cannot be normalised");
    }

    private static Kernel normalizedOrThrow(int h, int w, double[] v, String message) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        if (sum == 0 || !Double.isFinite(sum)) {
            throw new IllegalArgumentException(message);
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return Kernel.of(h, w, v);
    }

    private static void requirePositiveFinite(String what, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be a finite number > 0, got " + value);
        }
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : a) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : a) {
            m = Math.max(m, x);
        }
        return m;
    }
}
