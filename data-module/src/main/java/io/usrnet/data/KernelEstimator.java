package io.usrnet.data;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Calibrates a blur kernel: from a registered pair of a sharp reference S and its degraded image B,
 * the kernel k that best explains B as (S ⊗ k)↓s + n ({@link #estimate}); or from the image of an
 * isolated sub-resolution point ({@link #pointSpread}). Immutable and thread-safe; built with
 * {@link #builder()}.
 *
 * <p><b>Model.</b> B[i, j] = Σ_{u,v} k[u, v] · S[s·i + c − u, s·j + c − v] + n, with c = ⌊N/2⌋: true
 * convolution centred on tap (c, c) followed by upper-left decimation, the convention of
 * {@link Degradations#table1} and of restore (PROTOCOL.md §1). All channels share the kernel.
 *
 * <p><b>Boundary.</b> Only the <em>valid</em> equations are used: the samples B[i, j] whose whole N×N
 * support lies inside S. Near the border a real camera's blur reads pixels the reference does not
 * hold, and any assumed extension (periodic, mirrored) would be wrong there and bias the kernel; the
 * valid equations hold whatever the boundary was. This is also why the problem is not solved in the
 * Fourier domain: a closed-form Fourier solution assumes a periodic image, i.e. uses exactly the
 * border equations that are false.
 *
 * <p><b>Estimator.</b> Regularised least squares on the probability simplex:
 * <pre>  k = argmin ½‖A k − b‖² + ½ λ ‖∇k‖²   subject to  k ≥ 0,  Σ k = 1</pre>
 * where A holds one row per valid equation and ‖∇k‖² sums the squared differences of horizontally and
 * vertically adjacent taps. The unknowns are few (N² ≤ {@value #MAX_SIZE}²) and the equations many, so
 * the problem is solved through its N²×N² normal matrix G = AᵀA, computed exactly from integral
 * images (one strided integral image of the product of S with its shifted self for each of the
 * (2N−1)² shifts, instead of N⁴/2 sums over all equations); then EJML's Cholesky solver gives the
 * equality-constrained least-squares start, and accelerated projected gradient (FISTA with adaptive
 * restart, Beck &amp; Teboulle 2009; Euclidean projection onto the simplex, Duchi et al. 2008) enforces
 * non-negativity. The mean of each channel is removed from S and B first: on the simplex that changes
 * nothing (a kernel summing to 1 maps a constant to itself) and it removes the huge constant
 * eigenvalue of G that would otherwise make the iterations crawl.
 *
 * <p><b>Regularisation weight.</b> λ = ρ·σ̂², the maximum a-posteriori weight for noise of level σ̂ and
 * a Gaussian prior on the kernel's gradients of standard deviation 1/√ρ ({@link Builder#smoothness}).
 * σ̂ is measured, not asked for: the residual of a first, lightly regularised, fit divided by its
 * degrees of freedom (M − N² + 1). Noise-free pairs thus get almost no smoothing, noisy ones as much
 * as the noise calls for.
 *
 * <p>Sharp images larger than {@value #MAX_SIDE} pixels in height or width are used on their centre
 * region (aligned to the scale) of that size, which bounds the time at a few seconds.
 */
public final class KernelEstimator {
    /** The largest kernel side estimated: 41 (a 1681×1681 normal matrix). */
    public static final int MAX_SIZE = 41;
    /** The kernel side of {@link Builder} unless set: 25, that of the Table-1 kernels. */
    public static final int DEFAULT_SIZE = 25;
    /** The default ρ of λ = ρ·σ̂² (see {@link Builder#smoothness}). */
    public static final double DEFAULT_SMOOTHNESS = 3e3;
    /** The default limit on projected-gradient iterations. */
    public static final int DEFAULT_MAX_ITERATIONS = 3000;
    /** The default stopping threshold: the L1 norm of an iteration's change of the kernel. */
    public static final double DEFAULT_TOLERANCE = 1e-8;
    /** Sharp images larger than this in height or width are used on a centre region of this side. */
    public static final int MAX_SIDE = 1024;
    /** The least number of equations per unknown tap accepted. */
    static final int MIN_EQUATIONS_PER_TAP = 4;
    /** A background pixel of a point-source image is zeroed below this many noise σ (99.87 % of noise). */
    static final double POINT_THRESHOLD_SIGMAS = 3;

    private final int size;
    private final int scale;
    private final double smoothness;
    private final int maxIterations;
    private final double tolerance;

    private KernelEstimator(Builder b) {
        this.size = b.size;
        this.scale = b.scale;
        this.smoothness = b.smoothness;
        this.maxIterations = b.maxIterations;
        this.tolerance = b.tolerance;
    }

    /** A builder with the defaults: size {@value #DEFAULT_SIZE}, scale 1, ρ {@value #DEFAULT_SMOOTHNESS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The kernel side N. */
    public int size() {
        return size;
    }

    /** The scale factor s between the sharp and the blurred image. */
    public int scale() {
        return scale;
    }

    /** The smoothness ρ of λ = ρ·σ̂². */
    public double smoothness() {
        return smoothness;
    }

    /** Builds {@link KernelEstimator}s; every setter checks its argument. */
    public static final class Builder {
        private int size = DEFAULT_SIZE;
        private int scale = 1;
        private double smoothness = DEFAULT_SMOOTHNESS;
        private int maxIterations = DEFAULT_MAX_ITERATIONS;
        private double tolerance = DEFAULT_TOLERANCE;

        private Builder() {
        }

        /**
         * The kernel side N: odd (an even kernel has no centre tap and would shift images by half a
         * pixel), 1 … {@value #MAX_SIZE}. Choose it larger than the blur: the estimate is zero where the
         * blur has no mass, but it cannot reach beyond N.
         *
         * @throws IllegalArgumentException if N is even or outside 1 … {@value #MAX_SIZE}
         */
        public Builder size(int n) {
            if (n < 1 || n > MAX_SIZE || n % 2 == 0) {
                throw new IllegalArgumentException("the kernel size must be odd, from 1 to " + MAX_SIZE + ", got " + n
                        + (n % 2 == 0 && n > 0 && n < MAX_SIZE ? " (an even kernel has no centre tap; try " + (n + 1) + ")"
                                : ""));
            }
            this.size = n;
            return this;
        }

        /**
         * The scale factor s: the blurred image is s times smaller than the sharp one (1 = same size).
         *
         * @throws IllegalArgumentException unless 1 ≤ s ≤ 8
         */
        public Builder scale(int s) {
            if (s < 1 || s > 8) {
                throw new IllegalArgumentException("the scale factor must be 1..8, got " + s);
            }
            this.scale = s;
            return this;
        }

        /**
         * ρ of the regularisation weight λ = ρ·σ̂²: the inverse variance of the prior on the kernel's
         * adjacent-tap differences. Larger values give smoother kernels; 0 gives plain non-negative
         * least squares. The default {@value #DEFAULT_SMOOTHNESS} (differences of about 0.02) was chosen
         * on the Table-1 kernels (README, "Kernel calibration").
         *
         * @throws IllegalArgumentException if ρ is negative or not finite
         */
        public Builder smoothness(double rho) {
            if (!(rho >= 0) || !Double.isFinite(rho)) {
                throw new IllegalArgumentException("the smoothness must be a finite number >= 0, got " + rho);
            }
            this.smoothness = rho;
            return this;
        }

        /**
         * The limit on projected-gradient iterations (each costs N⁴ multiply-adds).
         *
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder maxIterations(int n) {
            Checks.requirePositive("the iteration limit", n);
            this.maxIterations = n;
            return this;
        }

        /**
         * The iterations stop once one changes the kernel by less than this in L1 norm (the kernel's
         * L1 norm is 1).
         *
         * @throws IllegalArgumentException unless the tolerance is a finite number &gt; 0
         */
        public Builder tolerance(double t) {
            if (!(t > 0) || !Double.isFinite(t)) {
                throw new IllegalArgumentException("the tolerance must be a finite number > 0, got " + t);
            }
            this.tolerance = t;
            return this;
        }

        /** The estimator. */
        public KernelEstimator build() {
            return new KernelEstimator(this);
        }
    }

    /**
     * The range of blurred samples used along one axis, and the window of the sharp image they read.
     *
     * @param first        the first blurred index i used
     * @param count        how many are used (consecutive)
     * @param windowStart  the first sharp index read: s·first + c − (N − 1)
     * @param windowLength the sharp samples read: s·(count − 1) + N
     */
    private record Axis(int first, int count, int windowStart, int windowLength) {
        /**
         * The blurred indices i with 0 ≤ i &lt; blurred whose taps s·i + c − u, u = 0 … N−1, all lie in
         * 0 … sharp − 1; the centre {@code limit} of them if there are more.
         */
        static Axis of(int sharp, int blurred, int s, int n, int limit) {
            int c = n / 2;
            int lo = Math.max(0, Math.floorDiv(n - 1 - c + s - 1, s));
            int hi = Math.min(blurred - 1, Math.floorDiv(sharp - 1 - c, s));
            int count = Math.max(0, hi - lo + 1);
            if (count > limit) {
                lo += (count - limit) / 2;
                count = limit;
            }
            return new Axis(lo, count, s * lo + c - (n - 1), count == 0 ? 0 : s * (count - 1) + n);
        }
    }

    /**
     * Estimates the kernel that best explains {@code blurred} as ({@code sharp} ⊗ k)↓s + n.
     *
     * @param sharp   the sharp reference S, samples in [0, 1] (any range works; σ̂ and the residual are
     *                reported ×255)
     * @param blurred its degraded image B, registered: B[i, j] is centred on S[s·i, s·j]; its size is
     *                H/s × W/s rounded down or up
     * @return the kernel and the fit's figures
     * @throws IllegalArgumentException if either image is null or holds NaN or infinity, their channels
     *                                  or sizes do not match, the sharp image is constant, or the pair
     *                                  has fewer than {@value #MIN_EQUATIONS_PER_TAP}·N² valid equations
     *                                  (the kernel is too large for the image)
     */
    public KernelEstimate estimate(Image sharp, Image blurred) {
        if (sharp == null || blurred == null) {
            throw new IllegalArgumentException("the sharp and the blurred image must not be null");
        }
        Checks.requireFinite("the sharp image", sharp);
        Checks.requireFinite("the blurred image", blurred);
        int s = scale;
        int n = size;
        if (sharp.channels() != blurred.channels()) {
            throw new IllegalArgumentException("the sharp image has " + sharp.channels() + " channel(s) but the blurred "
                    + "image " + blurred.channels() + ": a calibration pair must have the same channels");
        }
        int h = sharp.height();
        int w = sharp.width();
        if (blurred.height() < h / s || blurred.height() > (h + s - 1) / s || blurred.width() < w / s
                || blurred.width() > (w + s - 1) / s) {
            throw new IllegalArgumentException("the blurred image " + blurred.shape() + " does not match the sharp image "
                    + sharp.shape() + " at scale " + s + ": expected " + sizeRange(h, s) + "×" + sizeRange(w, s)
                    + " (the pair must be registered, the blurred image " + s + " times smaller)");
        }
        Axis rows = Axis.of(h, blurred.height(), s, n, Math.max(1, MAX_SIDE / s));
        Axis cols = Axis.of(w, blurred.width(), s, n, Math.max(1, MAX_SIDE / s));
        int channels = sharp.channels();
        long equations = (long) channels * rows.count() * cols.count();
        int taps = n * n;
        if (equations < (long) MIN_EQUATIONS_PER_TAP * taps) {
            throw new IllegalArgumentException("a " + n + "×" + n + " kernel is too large for the " + sharp.shape()
                    + " sharp image at scale " + s + ": only " + equations + " blurred samples have their whole "
                    + n + "×" + n + " support inside it, and " + MIN_EQUATIONS_PER_TAP + "×" + taps
                    + " are needed; use a larger pair or a smaller kernel size");
        }
        double[][] window = new double[channels][];
        double[][] target = new double[channels][];
        for (int ch = 0; ch < channels; ch++) {
            window[ch] = region(sharp, ch, rows.windowStart(), cols.windowStart(), rows.windowLength(),
                    cols.windowLength());
            target[ch] = region(blurred, ch, rows.first(), cols.first(), rows.count(), cols.count());
            double mean = mean(window[ch]);
            subtract(window[ch], mean);
            subtract(target[ch], mean);
        }
        if (isConstant(window)) {
            throw new IllegalArgumentException("the sharp image is constant where it is used (" + rows.windowLength()
                    + "×" + cols.windowLength() + " pixels): it holds no information about the kernel");
        }
        double[] gram = gram(window, rows, cols, n, s);
        double[] rhs = correlation(window, target, rows, cols, n, s);
        double bb = 0;
        for (double[] t : target) {
            for (double v : t) {
                bb += v * v;
            }
        }
        double[] laplacian = gridLaplacian(n);
        // First fit: plain least squares (the sum constrained), only to measure the residual.
        double[] k0 = sumConstrainedSolution(gram, rhs, taps);
        double dof = Math.max(1, equations - taps + 1);
        double sigma = Math.sqrt(Math.max(0, residualSquares(gram, rhs, bb, k0)) / dof);
        double lambda = smoothness * sigma * sigma;
        double[] q = combine(gram, laplacian, lambda, taps);
        double[] k = sumConstrainedSolution(q, rhs, taps);
        projectOntoSimplex(k);
        int iterations = fista(q, rhs, k, taps);
        double residual = Math.sqrt(Math.max(0, residualSquares(gram, rhs, bb, k)) / equations);
        return new KernelEstimate(Kernel.of(n, n, k).normalized(), 255 * residual, 255 * sigma, lambda, equations,
                iterations);
    }

    private static String sizeRange(int length, int s) {
        return length / s == (length + s - 1) / s ? Integer.toString(length / s)
                : (length / s) + "–" + (length + s - 1) / s;
    }

    /** Channel {@code ch} of the h×w region at (top, left), as doubles. */
    private static double[] region(Image image, int ch, int top, int left, int h, int w) {
        float[] src = image.buffer();
        double[] out = new double[h * w];
        for (int i = 0; i < h; i++) {
            int row = (ch * image.height() + top + i) * image.width() + left;
            for (int j = 0; j < w; j++) {
                out[i * w + j] = src[row + j];
            }
        }
        return out;
    }

    private static double mean(double[] a) {
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        return sum / a.length;
    }

    private static void subtract(double[] a, double v) {
        for (int i = 0; i < a.length; i++) {
            a[i] -= v;
        }
    }

    private static boolean isConstant(double[][] planes) {
        for (double[] p : planes) {
            for (double v : p) {
                if (v != p[0]) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The normal matrix G = AᵀA, N²×N² row-major, tap t = u·N + v:
     * <pre>  G[(u,v), (u',v')] = Σ_ch Σ_{i,j} W[y_i − u, x_j − v] · W[y_i − u', x_j − v']</pre>
     * with y_i = s·i + N − 1 in window coordinates. For a shift (du, dv) = (u' − u, v' − v) every entry
     * is a sum of the product image P[p, q] = Σ_ch W[p, q]·W[p − du, q − dv] over a lattice of step s,
     * read in O(1) from P's strided integral image; only du ≥ 0 is computed (G is symmetric).
     */
    private static double[] gram(double[][] window, Axis rows, Axis cols, int n, int s) {
        int lh = rows.windowLength();
        int lw = cols.windowLength();
        int taps = n * n;
        double[] g = new double[taps * taps];
        int shifts = 2 * n - 1;
        boolean parallel = Parallel.worthIt((long) window.length * lh * lw * shifts);
        // one task per du (0 … N−1), each over all dv; writes touch disjoint entries of g
        Parallel.forEach(parallel, n, du -> {
            double[] integral = new double[lh * lw];
            for (int dv = -(n - 1); dv <= n - 1; dv++) {
                if (du == 0 && dv < 0) {
                    continue;
                }
                stridedIntegral(window, lh, lw, du, dv, s, integral);
                for (int u = 0; u + du < n; u++) {
                    int p0 = n - 1 - u;
                    int p1 = p0 + s * (rows.count() - 1);
                    for (int v = Math.max(0, -dv); v < n && v + dv < n; v++) {
                        int q0 = n - 1 - v;
                        int q1 = q0 + s * (cols.count() - 1);
                        double sum = integral[p1 * lw + q1];
                        if (p0 >= s) {
                            sum -= integral[(p0 - s) * lw + q1];
                        }
                        if (q0 >= s) {
                            sum -= integral[p1 * lw + q0 - s];
                            if (p0 >= s) {
                                sum += integral[(p0 - s) * lw + q0 - s];
                            }
                        }
                        int a = u * n + v;
                        int b = (u + du) * n + v + dv;
                        g[a * taps + b] = sum;
                        g[b * taps + a] = sum;
                    }
                }
            }
        });
        return g;
    }

    /**
     * I[p, q] = Σ P[p', q'] over p' ≤ p, p' ≡ p (mod s), q' ≤ q, q' ≡ q (mod s), for the product
     * image P[p, q] = Σ_ch W[p, q]·W[p − du, q − dv] (0 where p − du or q − dv is outside the window).
     */
    private static void stridedIntegral(double[][] window, int lh, int lw, int du, int dv, int s, double[] out) {
        int q0 = Math.max(0, dv);
        int q1 = Math.min(lw, lw + dv);
        for (int p = 0; p < lh; p++) {
            int row = p * lw;
            for (int q = 0; q < lw; q++) {
                double v = 0;
                if (p >= du && q >= q0 && q < q1) {
                    int other = (p - du) * lw + q - dv;
                    for (double[] wch : window) {
                        v += wch[row + q] * wch[other];
                    }
                }
                if (p >= s) {
                    v += out[row - s * lw + q];
                }
                if (q >= s) {
                    v += out[row + q - s];
                    if (p >= s) {
                        v -= out[row - s * lw + q - s];
                    }
                }
                out[row + q] = v;
            }
        }
    }

    /** Aᵀb: c[(u,v)] = Σ_ch Σ_{i,j} W[y_i − u, x_j − v] · B[i, j]. */
    private static double[] correlation(double[][] window, double[][] target, Axis rows, Axis cols, int n, int s) {
        int lw = cols.windowLength();
        int bh = rows.count();
        int bw = cols.count();
        double[] c = new double[n * n];
        boolean parallel = Parallel.worthIt((long) window.length * bh * bw * n);
        Parallel.forEach(parallel, n, u -> {
            for (int v = 0; v < n; v++) {
                double sum = 0;
                for (int ch = 0; ch < window.length; ch++) {
                    double[] wch = window[ch];
                    double[] b = target[ch];
                    for (int i = 0; i < bh; i++) {
                        int base = (s * i + n - 1 - u) * lw + n - 1 - v;
                        int brow = i * bw;
                        for (int j = 0; j < bw; j++) {
                            sum += wch[base + s * j] * b[brow + j];
                        }
                    }
                }
                c[u * n + v] = sum;
            }
        });
        return c;
    }

    /** DᵀD of the first differences between adjacent taps of an N×N grid (its graph Laplacian). */
    private static double[] gridLaplacian(int n) {
        int taps = n * n;
        double[] l = new double[taps * taps];
        for (int u = 0; u < n; u++) {
            for (int v = 0; v < n; v++) {
                int a = u * n + v;
                if (u + 1 < n) {
                    addEdge(l, taps, a, a + n);
                }
                if (v + 1 < n) {
                    addEdge(l, taps, a, a + 1);
                }
            }
        }
        return l;
    }

    private static void addEdge(double[] l, int taps, int a, int b) {
        l[a * taps + a] += 1;
        l[b * taps + b] += 1;
        l[a * taps + b] -= 1;
        l[b * taps + a] -= 1;
    }

    /** G + λ·L. */
    private static double[] combine(double[] gram, double[] laplacian, double lambda, int taps) {
        double[] q = new double[taps * taps];
        for (int i = 0; i < q.length; i++) {
            q[i] = gram[i] + lambda * laplacian[i];
        }
        return q;
    }

    /**
     * argmin ½kᵀQk − cᵀk subject to Σk = 1 (negative taps allowed), for Q = G or G + λL (not
     * modified): k = Q⁻¹(c + μ·1) with μ making the taps sum to 1. A small ridge (1e-12 of the mean
     * diagonal) keeps Q positive definite when λ = 0 and the image has too little texture to
     * determine every tap.
     */
    private static double[] sumConstrainedSolution(double[] matrix, double[] rhs, int taps) {
        DMatrixRMaj q = DMatrixRMaj.wrap(taps, taps, matrix.clone());
        double trace = 0;
        for (int i = 0; i < taps; i++) {
            trace += q.unsafe_get(i, i);
        }
        double ridge = 1e-12 * trace / taps + Double.MIN_NORMAL;
        for (int i = 0; i < taps; i++) {
            q.unsafe_set(i, i, q.unsafe_get(i, i) + ridge);
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.chol(taps);
        if (!solver.setA(q)) {
            // numerically singular: fall back to the uniform kernel, which the iterations start from
            double[] uniform = new double[taps];
            Arrays.fill(uniform, 1.0 / taps);
            return uniform;
        }
        DMatrixRMaj b = new DMatrixRMaj(taps, 2);
        for (int i = 0; i < taps; i++) {
            b.unsafe_set(i, 0, rhs[i]);
            b.unsafe_set(i, 1, 1);
        }
        DMatrixRMaj x = new DMatrixRMaj(taps, 2);
        solver.solve(b, x);
        double sumC = 0;
        double sumOne = 0;
        for (int i = 0; i < taps; i++) {
            sumC += x.unsafe_get(i, 0);
            sumOne += x.unsafe_get(i, 1);
        }
        double mu = (1 - sumC) / sumOne;
        double[] k = new double[taps];
        for (int i = 0; i < taps; i++) {
            k[i] = x.unsafe_get(i, 0) + mu * x.unsafe_get(i, 1);
        }
        return k;
    }

    /** ‖Ak − b‖² = kᵀGk − 2cᵀk + bᵀb. */
    private static double residualSquares(double[] gram, double[] rhs, double bb, double[] k) {
        int taps = k.length;
        double quad = 0;
        double lin = 0;
        for (int i = 0; i < taps; i++) {
            double row = 0;
            for (int j = 0; j < taps; j++) {
                row += gram[i * taps + j] * k[j];
            }
            quad += k[i] * row;
            lin += rhs[i] * k[i];
        }
        return quad - 2 * lin + bb;
    }

    /**
     * FISTA on f(k) = ½kᵀQk − cᵀk over the simplex, from {@code k} (which must be on it), with the
     * gradient restart of O'Donoghue &amp; Candès (2015). Step 1/L for L ≥ λ_max(Q), from power
     * iteration. Overwrites {@code k} with the solution.
     *
     * @return the iterations run
     */
    private int fista(double[] q, double[] c, double[] k, int taps) {
        double step = 1 / (1.05 * largestEigenvalue(q, taps));
        double[] y = k.clone();
        double[] grad = new double[taps];
        double[] next = new double[taps];
        double t = 1;
        int it = 0;
        while (it < maxIterations) {
            it++;
            multiply(q, y, grad, taps);
            for (int i = 0; i < taps; i++) {
                next[i] = y[i] - step * (grad[i] - c[i]);
            }
            projectOntoSimplex(next);
            double change = 0;
            double restart = 0;
            for (int i = 0; i < taps; i++) {
                double d = next[i] - k[i];
                change += Math.abs(d);
                restart += (grad[i] - c[i]) * d;
            }
            double tNext = restart > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            double momentum = restart > 0 ? 0 : (t - 1) / tNext;
            for (int i = 0; i < taps; i++) {
                y[i] = next[i] + momentum * (next[i] - k[i]);
                k[i] = next[i];
            }
            t = tNext;
            if (change < tolerance) {
                break;
            }
        }
        return it;
    }

    /** out = Q·x for the symmetric taps×taps matrix Q. */
    private static void multiply(double[] q, double[] x, double[] out, int taps) {
        for (int i = 0; i < taps; i++) {
            double sum = 0;
            int row = i * taps;
            for (int j = 0; j < taps; j++) {
                sum += q[row + j] * x[j];
            }
            out[i] = sum;
        }
    }

    /** λ_max of the symmetric positive semi-definite Q by 100 steps of power iteration. */
    private static double largestEigenvalue(double[] q, int taps) {
        double[] x = new double[taps];
        double[] y = new double[taps];
        for (int i = 0; i < taps; i++) {
            x[i] = 1 + 0.01 * (i % 7); // not orthogonal to any eigenvector in practice
        }
        double lambda = 0;
        for (int it = 0; it < 100; it++) {
            multiply(q, x, y, taps);
            double norm = 0;
            for (double v : y) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return Double.MIN_NORMAL;
            }
            lambda = norm;
            for (int i = 0; i < taps; i++) {
                x[i] = y[i] / norm;
            }
        }
        return Math.max(lambda, Double.MIN_NORMAL);
    }

    /**
     * Replaces {@code v} by its Euclidean projection onto the simplex {k ≥ 0, Σk = 1}: k = max(v − θ, 0)
     * with θ such that the result sums to 1 (Duchi, Shalev-Shwartz, Singer &amp; Chandra, ICML 2008).
     */
    static void projectOntoSimplex(double[] v) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double cumulative = 0;
        double theta = 0;
        for (int i = sorted.length - 1; i >= 0; i--) {
            cumulative += sorted[i];
            double candidate = (cumulative - 1) / (sorted.length - i);
            if (i == 0 || sorted[i - 1] <= candidate) {
                theta = candidate;
                break;
            }
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(v[i] - theta, 0);
        }
    }

    /**
     * The point-spread function measured on the image of an isolated point (a sub-resolution bead, a
     * star, a pinhole): the N×N kernel centred on the point, with the background removed and the taps
     * normalised to sum 1. The kernel is measured at the image's own sampling (scale 1).
     *
     * <p>Steps: the channels are averaged; the background level (the median of the image) is
     * subtracted and samples within {@value #POINT_THRESHOLD_SIGMAS}σ_b of it are set to zero, σ_b the
     * background noise (1.4826 × the median absolute deviation); the point is the maximum of the 3×3
     * local sums (one hot pixel does not win), and the window is then moved to the rounded centroid of
     * the remaining signal (the kernel's centre is the tap the convolution centres on, so a window
     * off the PSF's centroid would shift every image restored with it).
     *
     * @param image the image of the point, larger than N×N, the point at least N/2 from every edge
     * @param size  the odd kernel side N, 1 … {@value #MAX_SIZE}
     * @throws IllegalArgumentException if the image holds NaN or infinity, is smaller than N×N, has no
     *                                  point above the background noise (a constant image), or its
     *                                  point is too close to an edge for an N×N window
     */
    public static Kernel pointSpread(Image image, int size) {
        builder().size(size);
        if (image == null) {
            throw new IllegalArgumentException("the point-source image must not be null");
        }
        Checks.requireFinite("the point-source image", image);
        int h = image.height();
        int w = image.width();
        if (h < size || w < size) {
            throw new IllegalArgumentException("the point-source image " + image.shape() + " is smaller than the "
                    + size + "×" + size + " kernel asked for");
        }
        Image grey = image.channels() == 1 ? image : image.meanOfChannels();
        double[] f = region(grey, 0, 0, 0, h, w);
        double background = median(f.clone());
        double[] deviation = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            deviation[i] = Math.abs(f[i] - background);
        }
        double noise = 1.4826 * median(deviation);
        double floor = POINT_THRESHOLD_SIGMAS * noise;
        for (int i = 0; i < f.length; i++) {
            double v = f[i] - background;
            f[i] = v > floor ? v : 0;
        }
        int peak = -1;
        double best = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                double sum = 0;
                for (int a = Math.max(0, i - 1); a <= Math.min(h - 1, i + 1); a++) {
                    for (int b = Math.max(0, j - 1); b <= Math.min(w - 1, j + 1); b++) {
                        sum += f[a * w + b];
                    }
                }
                if (sum > best) {
                    best = sum;
                    peak = i * w + j;
                }
            }
        }
        if (peak < 0) {
            throw new IllegalArgumentException("no point source found in the " + image.shape() + " image: nothing "
                    + "rises more than " + (int) POINT_THRESHOLD_SIGMAS + " noise levels above its background "
                    + "(is it constant?)");
        }
        int half = size / 2;
        int ci = peak / w;
        int cj = peak % w;
        // two passes: centroid of the window around the peak, then around that centroid
        for (int pass = 0; pass < 2; pass++) {
            double sum = 0;
            double ri = 0;
            double rj = 0;
            for (int i = Math.max(0, ci - half); i <= Math.min(h - 1, ci + half); i++) {
                for (int j = Math.max(0, cj - half); j <= Math.min(w - 1, cj + half); j++) {
                    double v = f[i * w + j];
                    sum += v;
                    ri += v * i;
                    rj += v * j;
                }
            }
            ci = (int) Math.round(ri / sum);
            cj = (int) Math.round(rj / sum);
        }
        if (ci - half < 0 || cj - half < 0 || ci + half >= h || cj + half >= w) {
            throw new IllegalArgumentException("the point at row " + ci + ", column " + cj + " is too close to the "
                    + "edge of the " + image.shape() + " image for a " + size + "×" + size + " kernel: it needs "
                    + half + " pixels on every side");
        }
        double[] k = new double[size * size];
        for (int i = 0; i < size; i++) {
            System.arraycopy(f, (ci - half + i) * w + cj - half, k, i * size, size);
        }
        return Kernel.of(size, size, k).normalized();
    }

    /** The median of {@code a} (which is reordered). */
    private static double median(double[] a) {
        Arrays.sort(a);
        int m = a.length / 2;
        return a.length % 2 == 1 ? a[m] : (a[m - 1] + a[m]) / 2;
    }
}
