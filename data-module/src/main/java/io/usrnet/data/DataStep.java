package io.usrnet.data;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The closed-form data step of USRNet (PROTOCOL.md §6.4): for a low-resolution image y, a blur
 * kernel k, a scale factor s and an estimate x of the high-resolution image, it returns
 *
 * <pre>  z = argmin_z ‖(z ⊗ k)↓s − y‖² + α‖z − x‖²</pre>
 *
 * <p>where ⊗ is circular 2-D convolution (kernel centre at (⌊kh/2⌋, ⌊kw/2⌋), see
 * {@link Degradations#blur}) and ↓s keeps the upper-left pixel of every s×s block. Each channel is
 * solved independently with the same kernel and α. The high-resolution size is H = s·h, W = s·w
 * for an h×w input y; any sizes (not only powers of two), channel counts, scales s ≥ 1 and kernels
 * up to H×W (odd, even, non-square, off-centre, negative or zero-sum taps) are supported.
 *
 * <h2>Method</h2>
 * With A = ↓s·K, the minimiser satisfies (AᵀA + α)z = Aᵀy + αx. The reference evaluates the
 * Fourier-domain formula of §6.4, whose final division by α amplifies round-off by 1/α. This class
 * evaluates the algebraically identical form (Woodbury identity)
 *
 * <pre>  z = x + Kᵀ↑s (↓s K Kᵀ ↑s + α)⁻¹ (y − ↓s K x)</pre>
 *
 * <p>in the Fourier domain: with X = F(x), FB the OTF of k (p2o: k zero-padded to H×W, centre
 * moved to (0,0)), ⇓s the mean of the s×s aliased h×w tiles and ⇑s their replication,
 *
 * <pre>  Z = X + conj(FB) ⊙ ⇑s[ (F(y) − ⇓s(FB ⊙ X)) / (⇓s|FB|² + α) ],   z = F⁻¹(Z)</pre>
 *
 * <p>All transforms and arithmetic are in double precision (inputs and outputs are float), using
 * real-to-complex transforms; the result agrees with the float64 reference to float rounding even
 * for very small α. {@link #prepare} does everything that does not depend on x or α (OTF,
 * ⇓s|FB|², F(y)): one H×W transform and one h×w transform per channel. Each {@link #step} then costs
 * one forward and one inverse H×W real transform per channel.
 *
 * <h2>Threads</h2>
 * Instances are immutable and thread-safe; concurrent {@code step} calls are allowed. By default
 * large images are processed on the common fork-join pool (rows, columns and channels split into
 * tasks); {@link #prepare(Kernel, int, Image, boolean)} can force the calling thread only.
 * Scratch spectra are pooled inside the instance, so repeated steps do not allocate them again.
 */
public final class DataStep {
    private final Kernel kernel;
    private final int scale;
    private final int channels;
    private final int lrHeight;
    private final int lrWidth;
    private final int hrHeight;
    private final int hrWidth;
    private final boolean parallel;
    private final RealFft2d fft;
    /** Half spectrum of p2o(k), layout of {@link RealFft2d}. */
    private final double[] otf;
    /** ⇓s|FB|², h×w, column-major (index j·h + i). */
    private final double[] aliasedPower;
    /** F(y) per channel, full h×w complex, column-major interleaved (index 2·(j·h + i)). */
    private final double[][] lrSpectra;
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();

    /**
     * Scratch of one step call: one half spectrum and one h×w correction term, reused channel after
     * channel (one spectrum rather than one per channel: 16 bytes less per high-resolution pixel of
     * an RGB image, what bounds the largest image a memory budget admits).
     */
    private static final class Workspace {
        final double[] spectrum;
        final double[] correction;

        Workspace(int spectrumLength, int lrSamples) {
            spectrum = new double[spectrumLength];
            correction = new double[2 * lrSamples];
        }
    }

    private DataStep(Kernel kernel, int scale, Image y, boolean parallel) {
        this.kernel = kernel;
        this.scale = scale;
        this.channels = y.channels();
        this.lrHeight = y.height();
        this.lrWidth = y.width();
        this.hrHeight = scale * lrHeight;
        this.hrWidth = scale * lrWidth;
        this.parallel = parallel;
        this.fft = new RealFft2d(hrHeight, hrWidth);
        this.otf = new double[fft.spectrumLength()];
        // the OTF from the PSF's periodic grid one row block at a time: the grid is zero but for the
        // kernel's rows, and a zero block's row spectra are the zeros otf starts with, so no H×W
        // plane is needed (what bounds the largest image a memory budget admits)
        Parallel.forEach(parallel, fft.rowBlocks(), b -> {
            int r0 = b * RealFft2d.ROW_BLOCK;
            int rows = Math.min(RealFft2d.ROW_BLOCK, hrHeight - r0);
            double[] block = kernel.periodicGridRows(hrHeight, hrWidth, r0, rows);
            if (block != null) {
                fft.forwardRows(block, -r0 * hrWidth, otf, b);
            }
        });
        Parallel.forEach(parallel, fft.columnBlocks(), b -> fft.forwardColumns(otf, b));
        this.aliasedPower = aliasedPower();
        this.lrSpectra = new double[channels][];
        RealFft2d small = new RealFft2d(lrHeight, lrWidth);
        float[] yData = y.buffer();
        Parallel.forEach(parallel, channels, c -> lrSpectra[c] = fullSpectrum(small, yData, c * lrHeight * lrWidth));
    }

    /**
     * Precomputes the data step for a kernel, scale factor and low-resolution image, using the
     * common fork-join pool for large images.
     *
     * @param kernel the blur kernel, used as stored (no flip, no shift); at most H×W = (s·h)×(s·w)
     * @param scale  the integer scale factor s ≥ 1
     * @param y      the low-resolution image, C×h×w, finite samples
     * @return the prepared data step for high-resolution estimates of size C×(s·h)×(s·w)
     * @throws IllegalArgumentException if s &lt; 1, the kernel is larger than the high-resolution
     *                                  size, y holds NaN/infinity, or the kernel's spectrum overflows
     */
    public static DataStep prepare(Kernel kernel, int scale, Image y) {
        return prepare(kernel, scale, y, true);
    }

    /**
     * As {@link #prepare(Kernel, int, Image)}, choosing whether work may be split across the
     * common fork-join pool ({@code true}: only if the image is large enough to profit) or must stay
     * on the calling thread ({@code false}, e.g. when the caller already runs many steps in parallel).
     *
     * @param kernel   the blur kernel, at most (s·h)×(s·w)
     * @param scale    the scale factor s ≥ 1
     * @param y        the low-resolution image, C×h×w, finite samples
     * @param parallel whether large images may be processed on the common fork-join pool
     * @return the prepared data step
     * @throws IllegalArgumentException as {@link #prepare(Kernel, int, Image)}
     */
    public static DataStep prepare(Kernel kernel, int scale, Image y, boolean parallel) {
        if (kernel == null || y == null) {
            throw new IllegalArgumentException("kernel and y must not be null");
        }
        Checks.requirePositive("scale", scale);
        long hrH = (long) scale * y.height();
        long hrW = (long) scale * y.width();
        if (hrH * hrW * y.channels() > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("high-resolution size " + y.channels() + "×" + hrH + "×" + hrW
                    + " (scale " + scale + " × " + y.shape() + ") is too large");
        }
        if (kernel.height() > hrH || kernel.width() > hrW) {
            throw new IllegalArgumentException("kernel " + kernel.shape() + " is larger than the high-resolution size "
                    + hrH + "×" + hrW + " (scale " + scale + " × low-resolution " + y.height() + "×" + y.width()
                    + "); the kernel must fit in the high-resolution image");
        }
        Checks.requireFinite("y", y);
        return new DataStep(kernel, scale, y, parallel && Parallel.worthIt(hrH * hrW * y.channels()));
    }

    /** ⇓s|FB|²: mean of |FB|² over the s×s aliased tiles, h×w column-major. */
    private double[] aliasedPower() {
        int h = lrHeight;
        int w = lrWidth;
        int mirrorEnd = hrWidth - fft.halfWidth;
        double[] acc = new double[h * w];
        for (int jj = 0; jj < fft.halfWidth; jj++) {
            int col = (jj % w) * h;
            int mirrorCol = ((hrWidth - jj) % w) * h;
            boolean mirror = jj >= 1 && jj <= mirrorEnd;
            for (int ii = 0, i = 0, p = 2 * jj * hrHeight; ii < hrHeight; ii++, p += 2) {
                double power = otf[p] * otf[p] + otf[p + 1] * otf[p + 1];
                acc[col + i] += power;
                if (mirror) {
                    acc[mirrorCol + (i == 0 ? 0 : h - i)] += power;
                }
                if (++i == h) {
                    i = 0;
                }
            }
        }
        double inv = 1.0 / ((double) scale * scale);
        for (int i = 0; i < acc.length; i++) {
            acc[i] *= inv;
            if (!Double.isFinite(acc[i])) {
                throw new IllegalArgumentException("kernel " + kernel.shape()
                        + " has taps so large that its spectrum overflows a double");
            }
        }
        return acc;
    }

    /** Full h×w spectrum (column-major interleaved) of one channel of y. */
    private static double[] fullSpectrum(RealFft2d small, float[] y, int offset) {
        int h = small.height;
        int w = small.width;
        double[] half = new double[small.spectrumLength()];
        for (int b = 0; b < small.rowBlocks(); b++) {
            small.forwardRows(y, offset, half, b);
        }
        for (int b = 0; b < small.columnBlocks(); b++) {
            small.forwardColumns(half, b);
        }
        double[] full = Arrays.copyOf(half, 2 * h * w);
        for (int j = small.halfWidth; j < w; j++) {
            int src = (w - j) * h;
            for (int i = 0; i < h; i++) {
                int s = 2 * (src + (i == 0 ? 0 : h - i));
                int d = 2 * (j * h + i);
                full[d] = half[s];
                full[d + 1] = -half[s + 1];
            }
        }
        return full;
    }

    /**
     * One data step from scratch for a degradation: prepares for (k, s, y) and returns z for the
     * estimate x (the data step does not use σ: α carries the noise level). With
     * {@link Boundary#SMOOTH}, y is first extended by {@link PeriodicExtension#extendLr}, x (if
     * given) by {@link PeriodicExtension#extend} to the matching high-resolution size, and z is
     * cropped back to s·h×s·w; with {@link Boundary#PERIODIC} this is exactly
     * {@code prepare(k, s, y).step(x, alpha)}.
     *
     * @param degradation the kernel, scale and boundary
     * @param y           the degraded image
     * @param x           the estimate, C×(s·h)×(s·w), or {@code null} for the nearest-neighbour upsampling of y
     * @param alpha       the weight α of ‖z − x‖², finite and &gt; 0
     * @return z, C×(s·h)×(s·w)
     * @throws IllegalArgumentException as {@link #prepare(Kernel, int, Image)} and {@link #step(Image, double)}
     */
    public static Image solve(Degradation degradation, Image y, Image x, double alpha) {
        if (degradation == null || y == null) {
            throw new IllegalArgumentException("degradation and y must not be null");
        }
        int scale = degradation.scale();
        Image lr = y;
        Image estimate = x;
        if (degradation.boundary() == Boundary.SMOOTH) {
            if (x != null && (x.height() != scale * y.height() || x.width() != scale * y.width())) {
                throw new IllegalArgumentException("x must be " + x.channels() + "×" + scale * y.height() + "×"
                        + scale * y.width() + ", got " + x.shape());
            }
            lr = PeriodicExtension.extendLr(y, scale);
            estimate = x == null ? null : PeriodicExtension.extend(x, scale * lr.height(), scale * lr.width());
        }
        DataStep step = prepare(degradation.kernel(), scale, lr);
        Image z = step.step(estimate == null ? Degradations.upsampleNearest(lr, scale) : estimate, alpha);
        return PeriodicExtension.crop(z, scale * y.height(), scale * y.width());
    }

    /**
     * One data step on an image: returns z for the estimate {@code x} and weight {@code alpha}.
     *
     * @param x     the current high-resolution estimate, C×(s·h)×(s·w), finite samples
     * @param alpha the weight α of ‖z − x‖², finite and &gt; 0
     * @return z, a new image of the same shape as x
     * @throws IllegalArgumentException if x has the wrong shape or non-finite samples, or α is not
     *                                  a finite positive number
     */
    public Image step(Image x, double alpha) {
        if (x == null) {
            throw new IllegalArgumentException("x must not be null");
        }
        if (x.channels() != channels || x.height() != hrHeight || x.width() != hrWidth) {
            throw new IllegalArgumentException("x must be " + expectedShape() + ", got " + x.shape());
        }
        float[] out = new float[x.size()];
        step(x.buffer(), alpha, out);
        return Image.wrap(channels, hrHeight, hrWidth, out);
    }

    /**
     * One data step on planar arrays, writing z into {@code out} without allocating images.
     * {@code out} may be the same array as {@code x} (in-place update).
     *
     * @param x     the current estimate, planar C×(s·h)×(s·w) ({@link #hrSamples()} entries), finite
     * @param alpha the weight α, finite and &gt; 0
     * @param out   receives z, planar, {@link #hrSamples()} entries
     * @throws IllegalArgumentException if an array has the wrong length, x holds NaN/infinity or α
     *                                  is not a finite positive number
     */
    public void step(float[] x, double alpha, float[] out) {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number > 0, got " + alpha);
        }
        int n = hrSamples();
        if (x == null || x.length != n) {
            throw new IllegalArgumentException("x must hold " + expectedShape() + " = " + n + " samples, got "
                    + (x == null ? "null" : x.length));
        }
        if (out == null || out.length != n) {
            throw new IllegalArgumentException("out must hold " + expectedShape() + " = " + n + " samples, got "
                    + (out == null ? "null" : out.length));
        }
        Checks.requireFinite("x", x, hrHeight, hrWidth);
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = new Workspace(fft.spectrumLength(), lrHeight * lrWidth);
        }
        try {
            run(x, alpha, out, ws);
        } finally {
            workspaces.offer(ws);
        }
    }

    /**
     * The step channel by channel: each plane of x is read whole (its forward transform) before the
     * same plane of out is written, so out may be x. Every transform and sum is the same block for
     * block as when the channels ran side by side, so the result is too, bit for bit.
     */
    private void run(float[] x, double alpha, float[] out, Workspace ws) {
        int rowBlocks = fft.rowBlocks();
        int colBlocks = fft.columnBlocks();
        double[] spec = ws.spectrum;
        double[] corr = ws.correction;
        for (int c = 0; c < channels; c++) {
            int offset = c * hrHeight * hrWidth;
            double[] lr = lrSpectra[c];
            Parallel.forEach(parallel, rowBlocks, b -> fft.forwardRows(x, offset, spec, b));
            Parallel.forEach(parallel, colBlocks, b -> fft.forwardColumns(spec, b));
            correction(spec, lr, alpha, corr);
            Parallel.forEach(parallel, colBlocks, b -> applyAndInvert(spec, corr, b));
            Parallel.forEach(parallel, rowBlocks, b -> fft.inverseRows(spec, out, offset, b));
        }
    }

    /**
     * e = (F(y) − ⇓s(FB ⊙ X)) / (⇓s|FB|² + α), h×w column-major interleaved, for the half spectrum X.
     * The tiles of the unstored half of FB ⊙ X are their Hermitian mirrors: entry (I, W − J) is
     * conj of entry ((H − I) mod H, J).
     */
    private void correction(double[] spec, double[] lr, double alpha, double[] e) {
        int h = lrHeight;
        int w = lrWidth;
        int mirrorEnd = hrWidth - fft.halfWidth;
        Arrays.fill(e, 0);
        for (int jj = 0; jj < fft.halfWidth; jj++) {
            int col = 2 * (jj % w) * h;
            int mirrorCol = 2 * ((hrWidth - jj) % w) * h;
            boolean mirror = jj >= 1 && jj <= mirrorEnd;
            for (int ii = 0, i = 0, p = 2 * jj * hrHeight; ii < hrHeight; ii++, p += 2) {
                double fr = otf[p];
                double fi = otf[p + 1];
                double xr = spec[p];
                double xi = spec[p + 1];
                double pr = fr * xr - fi * xi;
                double pi = fr * xi + fi * xr;
                int q = col + 2 * i;
                e[q] += pr;
                e[q + 1] += pi;
                if (mirror) {
                    int m = mirrorCol + 2 * (i == 0 ? 0 : h - i);
                    e[m] += pr;
                    e[m + 1] -= pi;
                }
                if (++i == h) {
                    i = 0;
                }
            }
        }
        double mean = 1.0 / ((double) scale * scale);
        for (int k = 0; k < h * w; k++) {
            double d = 1.0 / (aliasedPower[k] + alpha);
            e[2 * k] = (lr[2 * k] - e[2 * k] * mean) * d;
            e[2 * k + 1] = (lr[2 * k + 1] - e[2 * k + 1] * mean) * d;
        }
    }

    /** Z = X + conj(FB) ⊙ ⇑s(e) on the columns of one column block, then their inverse transforms. */
    private void applyAndInvert(double[] spec, double[] e, int block) {
        int h = lrHeight;
        for (int jj = fft.columnBlockStart(block); jj < fft.columnBlockEnd(block); jj++) {
            int col = 2 * (jj % lrWidth) * h;
            for (int ii = 0, i = 0, p = 2 * jj * hrHeight; ii < hrHeight; ii++, p += 2) {
                double fr = otf[p];
                double fi = otf[p + 1];
                double er = e[col + 2 * i];
                double ei = e[col + 2 * i + 1];
                spec[p] += fr * er + fi * ei;
                spec[p + 1] += fr * ei - fi * er;
                if (++i == h) {
                    i = 0;
                }
            }
            fft.inverseColumn(spec, jj);
        }
    }

    private String expectedShape() {
        return channels + "×" + hrHeight + "×" + hrWidth + " (channels × scale·height × scale·width)";
    }

    /** The kernel this step was prepared for. */
    public Kernel kernel() {
        return kernel;
    }

    /** The scale factor s. */
    public int scale() {
        return scale;
    }

    /** Number of channels C of y, x and z. */
    public int channels() {
        return channels;
    }

    /** Height h of the low-resolution image y. */
    public int lrHeight() {
        return lrHeight;
    }

    /** Width w of the low-resolution image y. */
    public int lrWidth() {
        return lrWidth;
    }

    /** Height H = s·h of x and z. */
    public int hrHeight() {
        return hrHeight;
    }

    /** Width W = s·w of x and z. */
    public int hrWidth() {
        return hrWidth;
    }

    /** Number of samples C·H·W of x and z. */
    public int hrSamples() {
        return channels * hrHeight * hrWidth;
    }

    @Override
    public String toString() {
        return "DataStep[kernel " + kernel.shape() + ", scale " + scale + ", " + channels + "×" + lrHeight + "×"
                + lrWidth + " → " + channels + "×" + hrHeight + "×" + hrWidth + "]";
    }
}
