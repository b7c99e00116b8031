package io.usrnet.data;

import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Double-precision 2-D DFT of real {@code height × width} planes, any sizes, built from JTransforms
 * 1-D complex transforms: along the rows (two real rows per complex transform), then along the
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

    RealFft2d(int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("FFT size must be positive, got " + height + "×" + width);
        }
        this.height = height;
        this.width = width;
        this.halfWidth = width / 2 + 1;
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

    /**
     * Forward transforms of all planes of a planar {@code spec.length × height × width} array into
     * {@code spec[c]}, rows and columns split into tasks run in parallel if {@code parallel}.
     */
    void forwardPlanes(float[] src, double[][] spec, boolean parallel) {
        int planeSize = height * width;
        int rb = rowBlocks();
        int cb = columnBlocks();
        Parallel.forEach(parallel, spec.length * rb, t -> forwardRows(src, (t / rb) * planeSize, spec[t / rb], t % rb));
        Parallel.forEach(parallel, spec.length * cb, t -> forwardColumns(spec[t / cb], t % cb));
    }

    /**
     * Inverse row transforms of all planes into the planar float array {@code dst}; the columns of
     * every spectrum must already be inverse transformed (see {@link #inverseColumn}).
     */
    void inverseRowsOfPlanes(double[][] spec, float[] dst, boolean parallel) {
        int planeSize = height * width;
        int rb = rowBlocks();
        Parallel.forEach(parallel, spec.length * rb, t -> inverseRows(spec[t / rb], dst, (t / rb) * planeSize, t % rb));
    }

    /** First column (J) of column block {@code block}. */
    int columnBlockStart(int block) {
        return block * COLUMN_BLOCK;
    }

    /** End (exclusive) of column block {@code block}. */
    int columnBlockEnd(int block) {
        return Math.min(halfWidth, (block + 1) * COLUMN_BLOCK);
    }

    /** Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (float samples). */
    void forwardRows(float[] src, int srcOff, double[] spec, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer((n + 2) * width);
        for (int k = 0, s = srcOff + r0 * width; k < n * width; k++, s++) {
            buf[k] = src[s];
        }
        rowsToSpectrum(buf, spec, r0, n);
    }

    /** Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (double samples). */
    void forwardRows(double[] src, int srcOff, double[] spec, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer((n + 2) * width);
        System.arraycopy(src, srcOff + r0 * width, buf, 0, n * width);
        rowsToSpectrum(buf, spec, r0, n);
    }

    /** Column transforms of column block {@code block}. */
    void forwardColumns(double[] spec, int block) {
        if (height == 1) {
            return;
        }
        DoubleFFT_1D plan = FftScratch.get().plan(height);
        for (int j = columnBlockStart(block); j < columnBlockEnd(block); j++) {
            plan.complexForward(spec, 2 * j * height);
        }
    }

    /** Scaled inverse column transforms of column block {@code block}. */
    void inverseColumns(double[] spec, int block) {
        for (int j = columnBlockStart(block); j < columnBlockEnd(block); j++) {
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
        double[] buf = FftScratch.get().buffer((n + 2) * width);
        spectrumToRows(spec, buf, r0, n);
        for (int k = 0, d = dstOff + r0 * width; k < n * width; k++, d++) {
            dst[d] = (float) buf[k];
        }
    }

    /** Scaled inverse row transforms of row block {@code block}, written to {@code dst[dstOff..]}. */
    void inverseRows(double[] spec, double[] dst, int dstOff, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer((n + 2) * width);
        spectrumToRows(spec, buf, r0, n);
        System.arraycopy(buf, 0, dst, dstOff + r0 * width, n * width);
    }

    /**
     * Transforms the {@code n} real rows held in {@code buf[0 .. n·width)} and stores their half
     * spectra, transposed, as rows r0.. of {@code spec}. Two real rows a, b go through one complex
     * transform of a + i·b; with C its result, A[J] = (C[J] + conj C[−J]) / 2 and
     * B[J] = (C[J] − conj C[−J]) / 2i.
     */
    private void rowsToSpectrum(double[] buf, double[] spec, int r0, int n) {
        int w = width;
        int cOff = n * w;
        DoubleFFT_1D plan = w > 1 ? FftScratch.get().plan(w) : null;
        for (int b = 0; b < n; b += 2) {
            int ra = b * w;
            boolean pair = b + 1 < n;
            for (int t = 0; t < w; t++) {
                buf[cOff + 2 * t] = buf[ra + t];
                buf[cOff + 2 * t + 1] = pair ? buf[ra + w + t] : 0;
            }
            if (plan != null) {
                plan.complexForward(buf, cOff);
            }
            for (int j = 0, pa = 2 * (r0 + b); j < halfWidth; j++, pa += 2 * height) {
                int c = cOff + 2 * j;
                int m = cOff + 2 * (j == 0 ? 0 : w - j);
                double cr = buf[c];
                double ci = buf[c + 1];
                double mr = buf[m];
                double mi = buf[m + 1];
                spec[pa] = 0.5 * (cr + mr);
                spec[pa + 1] = 0.5 * (ci - mi);
                if (pair) {
                    spec[pa + 2] = 0.5 * (ci + mi);
                    spec[pa + 3] = 0.5 * (mr - cr);
                }
            }
        }
    }

    /**
     * Gathers rows r0..r0+n-1 of the (column-transformed) spectrum and inverts them into
     * {@code buf[0 .. n·width)}. Two rows with half spectra A, B go through one complex inverse
     * transform of the full spectrum A + i·B (the missing half from Hermitian symmetry); the real and
     * imaginary parts of the result are the two rows. The imaginary parts of the J = 0 and Nyquist
     * terms, zero for a real signal, are dropped (so the result is the real part of the inverse).
     */
    private void spectrumToRows(double[] spec, double[] buf, int r0, int n) {
        int w = width;
        int cOff = n * w;
        int nyquist = w % 2 == 0 ? w / 2 : -1;
        DoubleFFT_1D plan = w > 1 ? FftScratch.get().plan(w) : null;
        for (int b = 0; b < n; b += 2) {
            boolean pair = b + 1 < n;
            for (int j = 0, pa = 2 * (r0 + b); j < halfWidth; j++, pa += 2 * height) {
                double ar = spec[pa];
                double ai = spec[pa + 1];
                double br = pair ? spec[pa + 2] : 0;
                double bi = pair ? spec[pa + 3] : 0;
                int c = cOff + 2 * j;
                if (j == 0 || j == nyquist) {
                    buf[c] = ar;
                    buf[c + 1] = br;
                    continue;
                }
                buf[c] = ar - bi;
                buf[c + 1] = ai + br;
                int m = cOff + 2 * (w - j);
                buf[m] = ar + bi;
                buf[m + 1] = br - ai;
            }
            if (plan != null) {
                plan.complexInverse(buf, cOff, true);
            }
            int ra = b * w;
            for (int t = 0; t < w; t++) {
                buf[ra + t] = buf[cOff + 2 * t];
                if (pair) {
                    buf[ra + w + t] = buf[cOff + 2 * t + 1];
                }
            }
        }
    }
}
