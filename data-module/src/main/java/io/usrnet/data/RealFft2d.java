package io.usrnet.data;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Double-precision 2-D DFT of real {@code height × width} planes, any sizes, built from JTransforms
 * 1-D transforms: a real-to-complex transform along every row, then complex transforms along the
 * {@code width/2 + 1} non-redundant columns (Hermitian symmetry gives the rest).
 *
 * <p><b>Spectrum layout</b> (a {@code double[]} of {@link #spectrumLength()}): the half spectrum,
 * column-major and interleaved, so that frequency (I, J), 0 ≤ I &lt; height, 0 ≤ J ≤ width/2, is at
 * {@code [2·(J·height + I)]} (real part) and the next index (imaginary part). Columns are
 * contiguous, which makes the column transforms cache friendly. The missing columns follow from
 * {@code F[I, J] = conj(F[(height − I) mod height, width − J])}. Sign convention:
 * {@code F[I,J] = Σ x[r,c]·exp(−2πi(I·r/height + J·c/width))}; the inverse is scaled by 1/(height·width).
 *
 * <p>The work is split into row blocks and column blocks so that callers can run blocks of several
 * planes in parallel; a full transform is rows then columns (forward) or columns then rows
 * (inverse). Instances are immutable and thread-safe (plans and scratch are per thread).
 */
final class RealFft2d {
    /** Rows transformed together, so that the transposed stores touch whole cache lines. */
    static final int ROW_BLOCK = 8;
    /** Columns per column block (one task). */
    static final int COLUMN_BLOCK = 16;

    final int height;
    final int width;
    /** Number of stored columns, {@code width/2 + 1}. */
    final int halfWidth;
    /** Highest J handled by the generic packed-format case (see {@link #unpack}). */
    private final int genericEnd;

    RealFft2d(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + height + "×" + width);
        }
        this.height = height;
        this.width = width;
        this.halfWidth = width / 2 + 1;
        this.genericEnd = width % 2 == 0 ? width / 2 - 1 : (width - 3) / 2;
    }

    /** Length of a spectrum array, {@code 2 · halfWidth · height}. */
    int spectrumLength() {
        return 2 * halfWidth * height;
    }

    /** Number of row blocks. */
    int rowBlocks() {
        return (height + ROW_BLOCK - 1) / ROW_BLOCK;
    }

    /** Number of column blocks. */
    int columnBlocks() {
        return (halfWidth + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
    }

    /** Forward transform of one plane (rows then columns), on the calling thread. */
    void forward(double[] src, int srcOff, double[] spec) {
        for (int b = 0; b < rowBlocks(); b++) {
            forwardRows(src, srcOff, spec, b);
        }
        for (int b = 0; b < columnBlocks(); b++) {
            forwardColumns(spec, b);
        }
    }

    /** Inverse transform of one plane (columns then rows), on the calling thread; destroys {@code spec}. */
    void inverse(double[] spec, double[] dst, int dstOff) {
        for (int b = 0; b < columnBlocks(); b++) {
            inverseColumns(spec, b);
        }
        for (int b = 0; b < rowBlocks(); b++) {
            inverseRows(spec, dst, dstOff, b);
        }
    }

    /** Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (float samples). */
    void forwardRows(float[] src, int srcOff, double[] spec, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(n * width);
        for (int k = 0, s = srcOff + r0 * width; k < n * width; k++, s++) {
            buf[k] = src[s];
        }
        rowsToSpectrum(buf, spec, r0, n);
    }

    /** Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (double samples). */
    void forwardRows(double[] src, int srcOff, double[] spec, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(n * width);
        System.arraycopy(src, srcOff + r0 * width, buf, 0, n * width);
        rowsToSpectrum(buf, spec, r0, n);
    }

    /** Column transforms of column block {@code block}. */
    void forwardColumns(double[] spec, int block) {
        if (height == 1) {
            return;
        }
        DoubleFFT_1D plan = FftScratch.get().plan(height);
        int end = Math.min(halfWidth, (block + 1) * COLUMN_BLOCK);
        for (int j = block * COLUMN_BLOCK; j < end; j++) {
            plan.complexForward(spec, 2 * j * height);
        }
    }

    /** Scaled inverse column transforms of column block {@code block}. */
    void inverseColumns(double[] spec, int block) {
        int end = Math.min(halfWidth, (block + 1) * COLUMN_BLOCK);
        for (int j = block * COLUMN_BLOCK; j < end; j++) {
            inverseColumn(spec, j);
        }
    }

    /** Scaled inverse transform of the single column {@code j}. */
    void inverseColumn(double[] spec, int j) {
        if (height > 1) {
            FftScratch.get().plan(height).complexInverse(spec, 2 * j * height, true);
        }
    }

    /** Scaled inverse row transforms of row block {@code block}, written as floats to {@code dst[dstOff..]}. */
    void inverseRows(double[] spec, float[] dst, int dstOff, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(n * width);
        spectrumToRows(spec, buf, r0, n);
        for (int k = 0, d = dstOff + r0 * width; k < n * width; k++, d++) {
            dst[d] = (float) buf[k];
        }
    }

    /** Scaled inverse row transforms of row block {@code block}, written to {@code dst[dstOff..]}. */
    void inverseRows(double[] spec, double[] dst, int dstOff, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(n * width);
        spectrumToRows(spec, buf, r0, n);
        System.arraycopy(buf, 0, dst, dstOff + r0 * width, n * width);
    }

    /*
     * JTransforms' packed real format for a row a[0..n-1] after realForward:
     *   a[0] = Re F[0];  a[2J], a[2J+1] = Re, Im F[J] for 0 < J <= genericEnd;
     *   n even: a[1] = Re F[n/2] (real);   n odd: a[n-1] = Re F[(n-1)/2], a[1] = Im F[(n-1)/2].
     */

    /** Transforms {@code n} rows held in {@code buf} and stores them, transposed, as rows r0.. of spec. */
    private void rowsToSpectrum(double[] buf, double[] spec, int r0, int n) {
        if (width > 1) {
            DoubleFFT_1D plan = FftScratch.get().plan(width);
            for (int b = 0; b < n; b++) {
                plan.realForward(buf, b * width);
            }
        }
        for (int j = 0; j < halfWidth; j++) {
            int base = 2 * (j * height + r0);
            for (int b = 0, o = 0; b < n; b++, o += width) {
                int p = base + 2 * b;
                unpack(buf, o, j, spec, p);
            }
        }
    }

    private void unpack(double[] a, int o, int j, double[] spec, int p) {
        if (j == 0) {
            spec[p] = a[o];
            spec[p + 1] = 0;
        } else if (j <= genericEnd) {
            spec[p] = a[o + 2 * j];
            spec[p + 1] = a[o + 2 * j + 1];
        } else if (width % 2 == 0) {
            spec[p] = a[o + 1];
            spec[p + 1] = 0;
        } else {
            spec[p] = a[o + width - 1];
            spec[p + 1] = a[o + 1];
        }
    }

    /** Gathers rows r0..r0+n-1 of the (column-transformed) spectrum into {@code buf} and inverts them. */
    private void spectrumToRows(double[] spec, double[] buf, int r0, int n) {
        for (int j = 0; j < halfWidth; j++) {
            int base = 2 * (j * height + r0);
            for (int b = 0, o = 0; b < n; b++, o += width) {
                int p = base + 2 * b;
                if (j == 0) {
                    buf[o] = spec[p];
                } else if (j <= genericEnd) {
                    buf[o + 2 * j] = spec[p];
                    buf[o + 2 * j + 1] = spec[p + 1];
                } else if (width % 2 == 0) {
                    buf[o + 1] = spec[p];
                } else {
                    buf[o + width - 1] = spec[p];
                    buf[o + 1] = spec[p + 1];
                }
            }
        }
        if (width > 1) {
            DoubleFFT_1D plan = FftScratch.get().plan(width);
            for (int b = 0; b < n; b++) {
                plan.realInverse(buf, b * width, true);
            }
        }
    }
}
