package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.usrnet.data.Kernel;
import io.usrnet.prior.djl.DjlRuntime;
import java.util.List;
import java.util.Objects;

/**
 * The closed-form data step of USRNet (PROTOCOL.md §6.4) on DJL arrays, batched and differentiable,
 * for training the unfolded network end to end. For low-resolution images y (one kernel k per
 * sample, one scale factor s for the batch) and high-resolution estimates x it returns
 *
 * <pre>  z = argmin_z ‖(z ⊗ k)↓s − y‖² + α‖z − x‖²</pre>
 *
 * <p>per sample and channel, with the same conventions as the plain-Java
 * {@link io.usrnet.data.DataStep} (circular convolution with the kernel centre at
 * (⌊kh/2⌋, ⌊kw/2⌋), upper-left decimation). It evaluates the same Woodbury form in the Fourier
 * domain, which avoids the reference's final division by α:
 *
 * <pre>  Z = X + conj(FB) ⊙ ⇑s[ (F(y) − ⇓s(FB ⊙ X)) / (⇓s|FB|² + α) ],   z = Re F⁻¹(Z)</pre>
 *
 * <p>with X = F(x), FB the OTF of k at the high-resolution size, ⇓s the mean of the s×s aliased
 * h×w tiles of a spectrum and ⇑s their replication. Everything is float32 / complex64 on the
 * engine: PyTorch's {@code fft2}, {@code ifft2} and complex arithmetic carry gradients, so the
 * result is differentiable with respect to x and α (not with respect to y or the kernels, which
 * are data).
 *
 * <p>{@link #prepare} computes what does not depend on x or α (the OTFs, ⇓s|FB|², F(y)); each
 * {@link #step} costs one forward and one inverse 2-D FFT of the batch. The prepared arrays are
 * attached to the manager of y and are released with it or by {@link #close()}; results of
 * {@link #step} belong to the manager of x.
 */
public final class DjlDataStep implements AutoCloseable {
    static {
        DjlRuntime.ensureOffline();
    }

    private final int scale;
    private final int batch;
    private final int channels;
    private final int lrHeight;
    private final int lrWidth;
    private final NDArray otf;
    private final NDArray otfConj;
    private final NDArray aliasedPower;
    private final NDArray lrSpectrum;
    private final NDArray initial;

    private DjlDataStep(NDArray y, List<Kernel> kernels, int scale) {
        Shape s = y.getShape();
        this.scale = scale;
        this.batch = (int) s.get(0);
        this.channels = (int) s.get(1);
        this.lrHeight = (int) s.get(2);
        this.lrWidth = (int) s.get(3);
        int hrH = scale * lrHeight;
        int hrW = scale * lrWidth;
        NDManager m = y.getManager();
        float[] planes = new float[batch * hrH * hrW];
        for (int i = 0; i < batch; i++) {
            double[] grid = kernels.get(i).toPeriodicGrid(hrH, hrW);
            for (int p = 0; p < grid.length; p++) {
                planes[i * grid.length + p] = (float) grid[p];
            }
        }
        long[] axes = {2, 3};
        try (NDArray psf = m.create(planes, new Shape(batch, 1, hrH, hrW))) {
            otf = psf.fft2(new long[] {hrH, hrW}, axes);
        }
        otfConj = otf.conj();
        try (NDArray parts = otf.real(); NDArray squares = parts.square()) {
            NDArray power = squares.sum(new int[] {4});
            aliasedPower = foldTiles(power);
            power.close();
        }
        lrSpectrum = y.fft2(new long[] {lrHeight, lrWidth}, axes);
        try (NDArray rows = y.repeat(2, scale)) {
            initial = rows.repeat(3, scale);
        }
    }

    /**
     * Prepares the data step of a batch.
     *
     * @param y       the low-resolution images {@code [N, C, h, w]}, float32; its manager receives
     *                the prepared arrays
     * @param kernels one kernel per sample ({@code N} of them), used as stored (no flip, no shift),
     *                each at most {@code (s·h) × (s·w)}
     * @param scale   the scale factor s ≥ 1 of the whole batch
     * @return the prepared step for estimates {@code [N, C, s·h, s·w]}
     * @throws IllegalArgumentException if y is not a 4-D float32 array, the kernel count differs
     *                                  from N, s &lt; 1, or a kernel is larger than the
     *                                  high-resolution size
     */
    public static DjlDataStep prepare(NDArray y, List<Kernel> kernels, int scale) {
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(kernels, "kernels");
        Shape s = y.getShape();
        if (s.dimension() != 4 || y.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("y must be a float32 [N, C, h, w] array, got " + y.getDataType()
                    + " " + s);
        }
        if (scale < 1) {
            throw new IllegalArgumentException("scale must be >= 1, got " + scale);
        }
        if (kernels.size() != s.get(0)) {
            throw new IllegalArgumentException("one kernel per sample is needed: " + s.get(0) + " samples, "
                    + kernels.size() + " kernels");
        }
        long hrH = scale * s.get(2);
        long hrW = scale * s.get(3);
        if (hrH * hrW * s.get(0) > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("batch too large: " + s + " at scale " + scale);
        }
        for (int i = 0; i < kernels.size(); i++) {
            Kernel k = Objects.requireNonNull(kernels.get(i), "kernel " + i);
            if (k.height() > hrH || k.width() > hrW) {
                throw new IllegalArgumentException("kernel " + i + " (" + k.shape()
                        + ") is larger than the high-resolution size " + hrH + "×" + hrW);
            }
        }
        return new DjlDataStep(y, kernels, scale);
    }

    /** ⇓s: the mean of the s×s distinct h×w tiles of {@code [N, C, s·h, s·w]} (real or complex). */
    private NDArray foldTiles(NDArray a) {
        long n = a.getShape().get(0);
        long c = a.getShape().get(1);
        if (scale == 1) {
            return a.duplicate();
        }
        // means, not sum().div(s²): DJL's div(Number) wraps s² in a tensor over a Java buffer that
        // autograd keeps for the backward pass after DJL has let the buffer go (issue 11; see the
        // package documentation). DJL's mean takes one axis at a time.
        try (NDArray split = a.reshape(n, c, scale, lrHeight, scale, lrWidth);
                NDArray columns = split.mean(new int[] {4})) {
            return columns.mean(new int[] {2});
        }
    }

    /**
     * One data step.
     *
     * @param x     the current estimates {@code [N, C, s·h, s·w]}, float32
     * @param alpha the weights α &gt; 0, float32, broadcastable to {@code [N, 1, 1, 1]} (one per
     *              sample, or a scalar)
     * @return z {@code [N, C, s·h, s·w]}, float32, attached to the manager of x
     * @throws IllegalArgumentException if x has the wrong shape
     */
    public NDArray step(NDArray x, NDArray alpha) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(0) != batch || s.get(1) != channels || s.get(2) != (long) scale * lrHeight
                || s.get(3) != (long) scale * lrWidth) {
            throw new IllegalArgumentException("x must be [" + batch + ", " + channels + ", " + scale * lrHeight
                    + ", " + scale * lrWidth + "], got " + s);
        }
        long[] axes = {2, 3};
        long[] hr = {s.get(2), s.get(3)};
        NDArray spectrum = x.fft2(hr, axes);
        NDArray blurred = spectrum.mul(otf);
        NDArray folded = foldTiles(blurred);
        blurred.close();
        NDArray residual = lrSpectrum.sub(folded);
        folded.close();
        NDArray denominator = aliasedPower.add(alpha);
        NDArray solved = residual.div(denominator);
        residual.close();
        denominator.close();
        NDArray tiled = scale == 1 ? solved : solved.tile(new long[] {1, 1, scale, scale});
        if (tiled != solved) {
            solved.close();
        }
        NDArray correction = tiled.mul(otfConj);
        tiled.close();
        NDArray updated = spectrum.add(correction);
        spectrum.close();
        correction.close();
        NDArray inverse = updated.ifft2(hr, axes);
        updated.close();
        NDArray parts = inverse.real();
        inverse.close();
        NDArray z = parts.get(new NDIndex("..., 0"));
        parts.close();
        return z;
    }

    /** The initial estimate x₀: nearest-neighbour upsampling of y by s ({@code [N, C, s·h, s·w]}). */
    public NDArray initialEstimate() {
        return initial;
    }

    /** @return the scale factor s */
    public int scale() {
        return scale;
    }

    /** Releases the prepared arrays (idempotent). */
    @Override
    public void close() {
        for (NDArray a : new NDArray[] {otf, otfConj, aliasedPower, lrSpectrum, initial}) {
            if (!a.isReleased()) {
                a.close();
            }
        }
    }
}
