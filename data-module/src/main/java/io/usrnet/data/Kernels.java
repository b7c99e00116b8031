package io.usrnet.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Synthesis of blur kernels: isotropic and anisotropic Gaussians, uniform linear motion, the
 * pillbox (defocus) disc, random camera-shake (motion) kernels, and the sub-pixel shift that aligns a
 * kernel with the upper-left decimator (PROTOCOL.md §4). All kernels returned sum to 1.
 *
 * <p>Coordinates: a kernel of size n×n is sampled on the grid of offsets −(n−1)/2 … (n−1)/2 in
 * steps of 1 along rows and columns (MATLAB {@code fspecial} convention), so for odd n the peak is at
 * tap ((n−1)/2, (n−1)/2), the convolution centre; for even n the grid is centred between taps.
 */
public final class Kernels {
    /** Machine epsilon of double, 2⁻⁵², as MATLAB's {@code eps}. */
    private static final double EPS = Math.ulp(1.0);
    /** Slack of the fit checks, so that a length or radius computed in floating point is not refused by rounding. */
    private static final double FIT_TOLERANCE = 1e-9;

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
     * Uniform linear motion blur: the trace of a point moving at constant speed along a straight
     * segment of length {@code length} pixels, centred on the grid centre, in the direction
     * (cos θ, sin θ) in (column, row) coordinates (the angle convention of
     * {@link #anisotropicGaussian}: θ = 0 is horizontal, θ = π/2 vertical, a positive θ turns
     * "right" towards "down" as displayed).
     *
     * <p>Rendering (anti-aliased, exact): the segment's uniform line density is split over the taps by
     * the bilinear (tent) weights, integrated exactly along the segment,
     *
     * <pre>  k(u, v) = (1/L) ∫_{−L/2}^{L/2} Λ(dx(t) − v) · Λ(dy(t) − u) dt,   Λ(z) = max(0, 1 − |z|),
     *   dx(t) = t·cos θ,  dy(t) = t·sin θ,</pre>
     *
     * <p>with (u, v) the tap's offsets from the centre. This is the continuous segment convolved with
     * the 2-D tent and sampled at the taps; between the points where dx or dy crosses an integer the
     * integrand is a quadratic in t, so Simpson's rule on each such piece is exact. Consequences used
     * by the tests: the kernel is point-symmetric about the centre; for θ = 0 it occupies the centre
     * row only and its variance along the row is L²/12 + E[f(1 − f)] (f the fractional part of the
     * position), that is L²/12 + 1/6 for an integer L on an odd grid; θ = π/2 gives the transpose of
     * θ = 0. Length 0 gives the identity (delta) for odd sizes.
     *
     * <p>The segment must fit in the support: L · max(|cos θ|, |sin θ|) ≤ size − 1, so that its end
     * points lie within the outermost taps.
     *
     * @param size         side of the square kernel, ≥ 1
     * @param length       length of the segment in pixels, finite and ≥ 0
     * @param angleRadians direction of the motion in radians, finite
     * @throws IllegalArgumentException for a size &lt; 1, a negative or non-finite length, a
     *                                  non-finite angle, or a segment that does not fit (the message
     *                                  names the smallest size that holds it)
     */
    public static Kernel linearMotion(int size, double length, double angleRadians) {
        Checks.requirePositive("kernel size", size);
        if (!(length >= 0) || !Double.isFinite(length)) {
            throw new IllegalArgumentException("motion length must be a finite number ≥ 0 (pixels), got " + length);
        }
        if (!Double.isFinite(angleRadians)) {
            throw new IllegalArgumentException("motion angle must be finite, got " + angleRadians);
        }
        // cos(π/2) is 6e-17, not 0: snap so that vertical and horizontal segments stay on one column or row
        double cos = snapToZero(Math.cos(angleRadians));
        double sin = snapToZero(Math.sin(angleRadians));
        double extent = motionExtent(length, cos, sin);
        if (extent > size - 1 + FIT_TOLERANCE) {
            int needed = (int) Math.ceil(extent - FIT_TOLERANCE) + 1;
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a linear motion of length %s at %s rad spans %s pixels along an axis and does not fit a "
                            + "%d×%d kernel: the size must be at least %d (%d for an odd size)",
                    length, angleRadians, extent, size, size, needed, needed | 1));
        }
        if (size == 1) {
            return Kernel.delta();
        }
        double c = (size - 1) / 2.0;
        double[] v = new double[size * size];
        if (length == 0) {
            splat(v, size, c, c);
            return normalizedOrThrow(size, size, v, "motion kernel is empty");
        }
        double half = length / 2;
        // the pieces between consecutive crossings of integer columns or rows, where the tent weights are linear
        double[] breaks = breakpoints(c, half, cos, sin);
        for (int p = 0; p + 1 < breaks.length; p++) {
            double t0 = breaks[p];
            double t1 = breaks[p + 1];
            double dt = t1 - t0;
            if (dt <= 0) {
                continue;
            }
            double tm = (t0 + t1) / 2;
            // the cell (r0, c0)…(r0 + 1, c0 + 1) that holds the whole piece, chosen at its midpoint
            int r0 = clampCell(c + tm * sin, size);
            int c0 = clampCell(c + tm * cos, size);
            depositCell(v, size, r0, c0, c + t0 * sin - r0, c + t0 * cos - c0, dt / 6);
            depositCell(v, size, r0, c0, c + tm * sin - r0, c + tm * cos - c0, 4 * dt / 6);
            depositCell(v, size, r0, c0, c + t1 * sin - r0, c + t1 * cos - c0, dt / 6);
        }
        return normalizedOrThrow(size, size, v, "motion kernel is empty");
    }

    /**
     * A pillbox (defocus) kernel: the uniform disc of radius {@code radius} pixels centred on the grid
     * centre, anti-aliased by exact area coverage. Each tap is the area of the intersection of its
     * pixel, the unit square [v − ½, v + ½] × [u − ½, u + ½] around its offsets (u, v), with the disc
     * u² + v² ≤ R², divided by the disc's area πR² (in the spirit of MATLAB's {@code fspecial('disk')},
     * computed in closed form: with F(x) = ∫₀ˣ √(R² − t²) dt = (x·√(R² − x²) + R²·asin(x/R)) / 2 the
     * disc's area over any axis-aligned corner [0, x] × [0, y] is known, and a pixel's area follows by
     * inclusion–exclusion of its four corners).
     *
     * <p>So taps fully inside the disc are all 1/(πR²), the kernel has the symmetries of the square
     * grid (transpose, flips), and its variance per axis is about R²/4 + 1/12 (the disc's R²/4 plus
     * the pixel's 1/12). A radius below ½ keeps the disc within the centre pixel and gives the
     * identity (delta) for odd sizes, as does radius 0.
     *
     * <p>The disc must fit in the support, whose pixels cover [−size/2, size/2]² around the centre:
     * 2·radius ≤ size.
     *
     * @param size   side of the square kernel, ≥ 1
     * @param radius radius of the disc in pixels, finite and ≥ 0
     * @throws IllegalArgumentException for a size &lt; 1, a negative or non-finite radius, or a disc
     *                                  that does not fit (the message names the smallest size that
     *                                  holds it)
     */
    public static Kernel disk(int size, double radius) {
        Checks.requirePositive("kernel size", size);
        if (!(radius >= 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("disk radius must be a finite number ≥ 0 (pixels), got " + radius);
        }
        if (2 * radius > size + FIT_TOLERANCE) {
            int needed = Math.max(1, (int) Math.ceil(2 * radius - FIT_TOLERANCE));
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "a disk of radius %s is %s pixels wide and does not fit a %d×%d kernel: the size must be at "
                            + "least %d (%d for an odd size)", radius, 2 * radius, size, size, needed, needed | 1));
        }
        double c = (size - 1) / 2.0;
        double[] v = new double[size * size];
        if (radius == 0) {
            if (size == 1) {
                return Kernel.delta();
            }
            splat(v, size, c, c);
            return normalizedOrThrow(size, size, v, "disk kernel is empty");
        }
        for (int r = 0; r < size; r++) {
            double y0 = r - c - 0.5;
            double y1 = r - c + 0.5;
            for (int col = 0; col < size; col++) {
                double x0 = col - c - 0.5;
                double x1 = col - c + 0.5;
                v[r * size + col] = pixelArea(x0, x1, y0, y1, radius);
            }
        }
        return normalizedOrThrow(size, size, v, "disk kernel is empty");
    }

    /**
     * The smallest odd size of a {@link #linearMotion} kernel that holds a segment of this length and
     * angle: the smallest odd n with L · max(|cos θ|, |sin θ|) ≤ n − 1.
     *
     * @param length       length of the segment in pixels, finite and ≥ 0
     * @param angleRadians direction in radians, finite
     * @throws IllegalArgumentException for a negative or non-finite length or a non-finite angle
     */
    public static int linearMotionSize(double length, double angleRadians) {
        if (!(length >= 0) || !Double.isFinite(length)) {
            throw new IllegalArgumentException("motion length must be a finite number ≥ 0 (pixels), got " + length);
        }
        if (!Double.isFinite(angleRadians)) {
            throw new IllegalArgumentException("motion angle must be finite, got " + angleRadians);
        }
        double extent = motionExtent(length, snapToZero(Math.cos(angleRadians)), snapToZero(Math.sin(angleRadians)));
        return ((int) Math.ceil(Math.max(0, extent - FIT_TOLERANCE)) + 1) | 1;
    }

    /**
     * The smallest odd size of a {@link #disk} kernel that holds a disc of this radius: the smallest
     * odd n with 2·radius ≤ n.
     *
     * @param radius radius in pixels, finite and ≥ 0
     * @throws IllegalArgumentException for a negative or non-finite radius
     */
    public static int diskSize(double radius) {
        if (!(radius >= 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("disk radius must be a finite number ≥ 0 (pixels), got " + radius);
        }
        return Math.max(1, (int) Math.ceil(2 * radius - FIT_TOLERANCE)) | 1;
    }

    /** How far a centred segment reaches along the axis it is closer to, end to end. */
    private static double motionExtent(double length, double cos, double sin) {
        return length * Math.max(Math.abs(cos), Math.abs(sin));
    }

    /**
     * The area of [x0, x1] × [y0, y1] inside the disc of radius R about the origin. Pixels wholly
     * outside or inside are 0 and 1 exactly: inclusion–exclusion would leave rounding residues of
     * ±1e-13 there (negative taps, or unequal taps where the kernel should be flat).
     */
    private static double pixelArea(double x0, double x1, double y0, double y1, double radius) {
        double nearX = Math.max(0, Math.max(x0, -x1));
        double nearY = Math.max(0, Math.max(y0, -y1));
        double r2 = radius * radius;
        if (nearX * nearX + nearY * nearY >= r2) {
            return 0;
        }
        double farX = Math.max(Math.abs(x0), Math.abs(x1));
        double farY = Math.max(Math.abs(y0), Math.abs(y1));
        if (farX * farX + farY * farY <= r2) {
            return (x1 - x0) * (y1 - y0);
        }
        double area = cornerArea(x1, y1, radius) - cornerArea(x0, y1, radius)
                - cornerArea(x1, y0, radius) + cornerArea(x0, y0, radius);
        return Math.max(0, area);
    }

    /**
     * The signed area of the disc of radius R about the origin over the corner rectangle between
     * (0, 0) and (x, y): ∫₀ˣ ∫₀ʸ [u² + v² ≤ R²] dv du, odd in x and in y, so that the area over any
     * rectangle is the inclusion–exclusion of its four corners.
     */
    private static double cornerArea(double x, double y, double radius) {
        double sign = Math.signum(x) * Math.signum(y);
        double ax = Math.min(Math.abs(x), radius);
        double ay = Math.min(Math.abs(y), radius);
        if (sign == 0) {
            return 0;
        }
        if (ax * ax + ay * ay <= radius * radius) {
            return sign * ax * ay; // the whole corner lies inside the disc
        }
        // up to u* = √(R² − y²) the disc is taller than y; beyond it the arc bounds the region
        double uStar = Math.sqrt(Math.max(0, radius * radius - ay * ay));
        return sign * (ay * uStar + arcIntegral(ax, radius) - arcIntegral(uStar, radius));
    }

    /** F(x) = ∫₀ˣ √(R² − t²) dt for 0 ≤ x ≤ R. */
    private static double arcIntegral(double x, double radius) {
        double ratio = Math.min(1, x / radius);
        return 0.5 * (x * Math.sqrt(Math.max(0, radius * radius - x * x)) + radius * radius * Math.asin(ratio));
    }

    /**
     * The segment parameters t ∈ [−half, half], sorted, at which c + t·cos or c + t·sin is an integer,
     * with both ends.
     */
    private static double[] breakpoints(double c, double half, double cos, double sin) {
        double[] out = new double[2 + crossings(c, half, cos) + crossings(c, half, sin)];
        int n = 0;
        out[n++] = -half;
        out[n++] = half;
        n = addCrossings(out, n, c, half, cos);
        n = addCrossings(out, n, c, half, sin);
        Arrays.sort(out, 0, n);
        return out;
    }

    private static int crossings(double c, double half, double slope) {
        if (slope == 0) {
            return 0;
        }
        double a = c - half * Math.abs(slope);
        double b = c + half * Math.abs(slope);
        return Math.max(0, (int) Math.floor(b) - (int) Math.ceil(a) + 1);
    }

    private static int addCrossings(double[] out, int n, double c, double half, double slope) {
        if (slope == 0) {
            return n;
        }
        double a = c - half * Math.abs(slope);
        double b = c + half * Math.abs(slope);
        for (int m = (int) Math.ceil(a); m <= (int) Math.floor(b); m++) {
            out[n++] = Math.max(-half, Math.min(half, (m - c) / slope));
        }
        return n;
    }

    /** The upper-left tap of the 2×2 cell holding position p, kept inside [0, size − 2]. */
    private static int clampCell(double p, int size) {
        return Math.max(0, Math.min((int) Math.floor(p), size - 2));
    }

    /**
     * Adds {@code weight} at fractional offsets (fy, fx) of cell (r0, c0), split bilinearly. The
     * offsets are clamped to [0, 1]: at a piece's ends they may lie outside by a rounding error,
     * which would otherwise give taps of −1e-17.
     */
    private static void depositCell(double[] v, int size, int r0, int c0, double fy, double fx, double weight) {
        fy = Math.max(0, Math.min(1, fy));
        fx = Math.max(0, Math.min(1, fx));
        v[r0 * size + c0] += weight * (1 - fy) * (1 - fx);
        v[r0 * size + c0 + 1] += weight * (1 - fy) * fx;
        v[(r0 + 1) * size + c0] += weight * fy * (1 - fx);
        v[(r0 + 1) * size + c0 + 1] += weight * fy * fx;
    }

    private static double snapToZero(double v) {
        return Math.abs(v) < 1e-15 ? 0 : v;
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

    /**
     * The relative L2 error of an estimated kernel: ‖estimate − truth‖ / ‖truth‖ over the taps.
     *
     * @throws IllegalArgumentException if the shapes differ or the true kernel is all zeros
     */
    public static double relativeError(Kernel estimate, Kernel truth) {
        if (estimate.height() != truth.height() || estimate.width() != truth.width()) {
            throw new IllegalArgumentException("cannot compare a " + estimate.shape() + " kernel with a "
                    + truth.shape() + " kernel");
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < truth.height(); i++) {
            for (int j = 0; j < truth.width(); j++) {
                double d = estimate.get(i, j) - truth.get(i, j);
                num += d * d;
                den += truth.get(i, j) * truth.get(i, j);
            }
        }
        if (den == 0) {
            throw new IllegalArgumentException("the true kernel is all zeros");
        }
        return Math.sqrt(num / den);
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
