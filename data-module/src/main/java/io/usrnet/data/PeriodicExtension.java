package io.usrnet.data;

import java.util.Objects;

/**
 * Smooth periodic extension of images (PROTOCOL.md §3.4, after Liu &amp; Jia, ICIP 2008): the image
 * is kept in the top-left corner of a larger canvas and the extra rows and columns are filled with a
 * <em>discrete harmonic</em> interpolation between opposite edges, so that the canvas, read
 * circularly, has no jump between its last and first rows or columns. The FFT data step, which
 * assumes circular convolution, then rings far less at the borders of real images.
 *
 * <h2>Method</h2>
 * Two band solves of the 5-point Laplace equation Δu = 0, each with Dirichlet data from the image:
 * <ol>
 *   <li>the bottom band (rows h..H−1, columns 0..w−1) between the last image row (above) and the first
 *   image row (below, through the wrap); its left and right ends are the linear interpolation between
 *   the corresponding corner pixels;</li>
 *   <li>the right band (columns w..W−1, all H rows) between the last column of step 1's result (left)
 *   and its first column (right, through the wrap), periodic along the rows, so it also closes the
 *   vertical wrap.</li>
 * </ol>
 * Each band is solved exactly (not iteratively): a sine transform (DST-I, dense, the band is at most
 * a few dozen pixels thick) across the band diagonalises the second difference in that direction;
 * every sine mode is then a constant-coefficient tridiagonal system along the band (Thomas
 * algorithm; cyclic via Sherman–Morrison for the periodic band). Cost O(t²·n) for band thickness t
 * and length n, in double precision. Harmonic functions are as smooth as the boundary data allow
 * and take no values outside the range of that data (maximum principle), so the extension neither
 * overshoots nor rings.
 *
 * <p>A constant image extends to the same constant exactly; the top-left h×w block of every
 * extension is the input, bit for bit.
 */
public final class PeriodicExtension {
    private PeriodicExtension() {
    }

    /**
     * The reference's padded high-resolution size for an LR side of {@code n} pixels at scale
     * {@code s}: ⌈s·n/8 + 2⌉·8 (a multiple of 8, at least 16 pixels more than s·n).
     *
     * @throws IllegalArgumentException if n or s is below 1
     */
    public static int paddedHr(int n, int s) {
        Checks.requirePositive("size", n);
        Checks.requirePositive("scale", s);
        long hr = (long) s * n;
        long padded = ((hr + 7) / 8 + 2) * 8;
        if (padded > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("padded size for " + n + " × scale " + s + " is too large");
        }
        return (int) padded;
    }

    /**
     * The side of {@link #extendLr}'s result for an LR side of {@code n} pixels at scale {@code s}:
     * ⌈{@link #paddedHr}(n, s)/s⌉ (what a restoration with the smooth boundary works on).
     *
     * @throws IllegalArgumentException if n or s is below 1, or the padded size is too large
     */
    public static int extendedLr(int n, int s) {
        return (paddedHr(n, s) + s - 1) / s;
    }

    /**
     * Extends a low-resolution image the way the reference prepares real images (PROTOCOL.md §3.4):
     * nearest-neighbour upsampling by s, smooth periodic extension to Hp×Wp
     * ({@link #paddedHr}), then every s-th pixel (offset 0). The result is ⌈Hp/s⌉×⌈Wp/s⌉ with
     * {@code lr} unchanged in its top-left h×w block; restore it and {@link #crop} the result to
     * s·h×s·w.
     *
     * @throws IllegalArgumentException if s is below 1 or the padded size is too large
     */
    public static Image extendLr(Image lr, int scale) {
        Objects.requireNonNull(lr, "lr");
        int hp = paddedHr(lr.height(), scale);
        int wp = paddedHr(lr.width(), scale);
        Image up = Degradations.upsampleNearest(lr, scale);
        return Degradations.decimate(extend(up, hp, wp), scale);
    }

    /**
     * The smooth periodic extension of {@code x} to {@code height × width} (each channel on its own):
     * x in the top-left corner, the rest harmonic (see the class comment).
     *
     * @throws IllegalArgumentException if the target is smaller than x or too large
     */
    public static Image extend(Image x, int height, int width) {
        Objects.requireNonNull(x, "x");
        int h = x.height();
        int w = x.width();
        if (height < h || width < w) {
            throw new IllegalArgumentException("cannot extend " + x.shape() + " to a smaller size "
                    + height + "×" + width);
        }
        if ((long) x.channels() * height * width > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("extension of " + x.shape() + " to " + height + "×" + width
                    + " is too large");
        }
        float[] src = x.buffer();
        float[] out = new float[x.channels() * height * width];
        for (int c = 0; c < x.channels(); c++) {
            double[][] u = new double[height][width];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    u[i][j] = src[(c * h + i) * w + j];
                }
            }
            fillBottom(u, h, w);
            fillRight(u, w);
            int base = c * height * width;
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    out[base + i * width + j] = i < h && j < w ? src[(c * h + i) * w + j] : (float) u[i][j];
                }
            }
        }
        return Image.wrap(x.channels(), height, width, out);
    }

    /**
     * The top-left {@code height × width} block of {@code x} (used to crop a restoration of an
     * extended image back to s·h×s·w).
     *
     * @throws IllegalArgumentException if the block is empty or larger than x
     */
    public static Image crop(Image x, int height, int width) {
        return Degradations.crop(x, 0, 0, height, width);
    }

    /** Step 1: rows h..H−1 of columns 0..w−1, between row h−1 and row 0; ends interpolated linearly. */
    private static void fillBottom(double[][] u, int h, int w) {
        int t = u.length - h;
        if (t == 0) {
            return;
        }
        double[] above = u[h - 1].clone();
        double[] below = u[0].clone();
        double[] left = new double[t];
        double[] right = new double[t];
        for (int i = 0; i < t; i++) {
            double f = (i + 1.0) / (t + 1.0);
            left[i] = u[h - 1][0] + f * (u[0][0] - u[h - 1][0]);
            right[i] = u[h - 1][w - 1] + f * (u[0][w - 1] - u[h - 1][w - 1]);
        }
        double[][] band = solveBand(above, below, t, w, left, right, false);
        for (int i = 0; i < t; i++) {
            System.arraycopy(band[i], 0, u[h + i], 0, w);
        }
    }

    /** Step 2: columns w..W−1 of all rows, between column w−1 and column 0, periodic along rows. */
    private static void fillRight(double[][] u, int w) {
        int height = u.length;
        int t = u[0].length - w;
        if (t == 0) {
            return;
        }
        double[] leftCol = new double[height];
        double[] rightCol = new double[height];
        for (int i = 0; i < height; i++) {
            leftCol[i] = u[i][w - 1];
            rightCol[i] = u[i][0];
        }
        double[][] band = solveBand(leftCol, rightCol, t, height, null, null, true);
        for (int k = 0; k < t; k++) {
            for (int i = 0; i < height; i++) {
                u[i][w + k] = band[k][i];
            }
        }
    }

    /**
     * Solves the 5-point Laplace equation on a t×n band u[k][j] (k across, j along) with u = first
     * on the line before k = 0 and u = last on the line after k = t−1; along j either Dirichlet
     * (startEnd[k] before j = 0, endEnd[k] after j = n−1) or periodic.
     */
    private static double[][] solveBand(double[] first, double[] last, int t, int n,
            double[] startEnd, double[] endEnd, boolean periodic) {
        // Solve for the deviation from one boundary value, so that constant data gives exactly 0.
        double offset = first[0];
        double[][] rhs = new double[t][n];
        for (int j = 0; j < n; j++) {
            rhs[0][j] -= first[j] - offset;
            rhs[t - 1][j] -= last[j] - offset;
        }
        if (!periodic) {
            for (int k = 0; k < t; k++) {
                rhs[k][0] -= startEnd[k] - offset;
                rhs[k][n - 1] -= endEnd[k] - offset;
            }
        }
        // DST-I across the band: S[p][k] = sin(π(p+1)(k+1)/(t+1)), S·S = (t+1)/2 · I.
        double[][] sine = new double[t][t];
        for (int p = 0; p < t; p++) {
            for (int k = 0; k < t; k++) {
                sine[p][k] = Math.sin(Math.PI * (p + 1) * (k + 1) / (t + 1));
            }
        }
        double[][] modes = new double[t][n];
        for (int p = 0; p < t; p++) {
            for (int k = 0; k < t; k++) {
                double s = sine[p][k];
                if (s != 0) {
                    for (int j = 0; j < n; j++) {
                        modes[p][j] += s * rhs[k][j];
                    }
                }
            }
            // Mode p: û[j−1] + (μ_p − 2)·û[j] + û[j+1] = r̂[j], μ_p = 2cos(π(p+1)/(t+1)) − 2.
            double diagonal = 2 * Math.cos(Math.PI * (p + 1) / (t + 1)) - 4;
            modes[p] = periodic ? solveCyclic(diagonal, modes[p]) : solveTridiagonal(diagonal, modes[p], null);
        }
        double[][] band = new double[t][n];
        double norm = 2.0 / (t + 1);
        for (int k = 0; k < t; k++) {
            for (int p = 0; p < t; p++) {
                double s = sine[p][k] * norm;
                if (s != 0) {
                    for (int j = 0; j < n; j++) {
                        band[k][j] += s * modes[p][j];
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                band[k][j] += offset;
            }
        }
        return band;
    }

    /**
     * Solves x[j−1] + d·x[j] + x[j+1] = r[j] with zero ends (Thomas algorithm); {@code firstLast},
     * when given, replaces the diagonal of the first and last rows. |d| &gt; 2: diagonally dominant.
     */
    private static double[] solveTridiagonal(double d, double[] r, double[] firstLast) {
        int n = r.length;
        double[] c = new double[n];
        double[] y = new double[n];
        double d0 = firstLast == null ? d : firstLast[0];
        c[0] = 1 / d0;
        y[0] = r[0] / d0;
        for (int j = 1; j < n; j++) {
            double dj = firstLast != null && j == n - 1 ? firstLast[1] : d;
            double den = dj - c[j - 1];
            c[j] = 1 / den;
            y[j] = (r[j] - y[j - 1]) / den;
        }
        double[] x = new double[n];
        x[n - 1] = y[n - 1];
        for (int j = n - 2; j >= 0; j--) {
            x[j] = y[j] - c[j] * x[j + 1];
        }
        return x;
    }

    /**
     * The cyclic system x[j−1] + d·x[j] + x[j+1] = r[j], indices mod n, by Sherman–Morrison: A =
     * T + u·vᵀ with u = (γ, 0…0, 1), v = (1, 0…0, 1/γ), γ = −d.
     */
    private static double[] solveCyclic(double d, double[] r) {
        int n = r.length;
        if (n == 1) {
            return new double[] {r[0] / (d + 2)};
        }
        if (n == 2) {
            // [d 2; 2 d]: both neighbours are the other entry.
            double det = d * d - 4;
            return new double[] {(d * r[0] - 2 * r[1]) / det, (d * r[1] - 2 * r[0]) / det};
        }
        double gamma = -d;
        double[] ends = {d - gamma, d - 1 / gamma};
        double[] y = solveTridiagonal(d, r, ends);
        double[] u = new double[n];
        u[0] = gamma;
        u[n - 1] = 1;
        double[] z = solveTridiagonal(d, u, ends);
        double factor = (y[0] + y[n - 1] / gamma) / (1 + z[0] + z[n - 1] / gamma);
        double[] x = new double[n];
        for (int j = 0; j < n; j++) {
            x[j] = y[j] - factor * z[j];
        }
        return x;
    }
}
