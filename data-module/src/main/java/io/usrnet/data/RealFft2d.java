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
    static final int ROW_BLOCK = 16;
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

    /**
     * Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (float samples).
     * Rows are paired: rows 2p and 2p+1 of the block become the real and imaginary parts of complex
     * row p of the scratch buffer (see {@link #rowsToSpectrum}).
     */
    void forwardRows(float[] src, int srcOff, double[] spec, int block) {
        forwardRows(src, null, srcOff, spec, block);
    }

    /** Row transforms of row block {@code block} of the plane at {@code src[srcOff..]} (double samples). */
    void forwardRows(double[] src, int srcOff, double[] spec, int block) {
        forwardRows(null, src, srcOff, spec, block);
    }

    /** Row transforms reading from {@code f} if it is not null, else from {@code d}. */
    private void forwardRows(float[] f, double[] d, int srcOff, double[] spec, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(pairs(n) * 2 * width);
        for (int b = 0; b < n; b++) {
            int s = srcOff + (r0 + b) * width;
            int o = (b / 2) * 2 * width + b % 2;
            if (f != null) {
                for (int t = 0; t < width; t++) {
                    buf[o + 2 * t] = f[s + t];
                }
            } else {
                for (int t = 0; t < width; t++) {
                    buf[o + 2 * t] = d[s + t];
                }
            }
        }
        rowsToSpectrum(buf, spec, r0, n);
    }

    private static int pairs(int rows) {
        return (rows + 1) / 2;
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
        inverseRows(spec, dst, null, dstOff, block);
    }

    /** Scaled inverse row transforms of row block {@code block}, written to {@code dst[dstOff..]}. */
    void inverseRows(double[] spec, double[] dst, int dstOff, int block) {
        inverseRows(spec, null, dst, dstOff, block);
    }

    /** Inverse row transforms writing to {@code f} if it is not null, else to {@code d}. */
    private void inverseRows(double[] spec, float[] f, double[] d, int dstOff, int block) {
        int r0 = block * ROW_BLOCK;
        int n = Math.min(height, r0 + ROW_BLOCK) - r0;
        double[] buf = FftScratch.get().buffer(pairs(n) * 2 * width);
        spectrumToRows(spec, buf, r0, n);
        for (int b = 0; b < n; b++) {
            int o = dstOff + (r0 + b) * width;
            int s = (b / 2) * 2 * width + b % 2;
            if (f != null) {
                for (int t = 0; t < width; t++) {
                    f[o + t] = (float) buf[s + 2 * t];
                }
            } else {
                for (int t = 0; t < width; t++) {
                    d[o + t] = buf[s + 2 * t];
                }
            }
        }
    }

    /**
     * Transforms the complex rows of {@code buf}, complex row p holding real rows 2p (real parts)
     * and 2p+1 (imaginary parts; zero if n is odd and 2p+1 = n), and stores the half spectra of the
     * {@code n} real rows, transposed, as rows r0.. of {@code spec}. With C the transform of a + i·b,
     * A[J] = (C[J] + conj C[−J]) / 2 and B[J] = (C[J] − conj C[−J]) / 2i. The stores run column by
     * column over all rows of the block, so each column of spec is written in one contiguous run.
     */
    private void rowsToSpectrum(double[] buf, double[] spec, int r0, int n) {
        int w = width;
        int np = pairs(n);
        if (n % 2 == 1) {
            for (int t = 0, d = (np - 1) * 2 * w + 1; t < w; t++, d += 2) {
                buf[d] = 0;
            }
        }
        if (w > 1) {
            DoubleFFT_1D plan = FftScratch.get().plan(w);
            for (int p = 0; p < np; p++) {
                plan.complexForward(buf, p * 2 * w);
            }
        }
        for (int j = 0; j < halfWidth; j++) {
            int pa = 2 * (j * height + r0);
            int jm = j == 0 ? 0 : w - j;
            for (int p = 0; p < np; p++, pa += 4) {
                int c = p * 2 * w + 2 * j;
                int m = p * 2 * w + 2 * jm;
                double cr = buf[c];
                double ci = buf[c + 1];
                double mr = buf[m];
                double mi = buf[m + 1];
                spec[pa] = 0.5 * (cr + mr);
                spec[pa + 1] = 0.5 * (ci - mi);
                if (2 * p + 1 < n) {
                    spec[pa + 2] = 0.5 * (ci + mi);
                    spec[pa + 3] = 0.5 * (mr - cr);
                }
            }
        }
    }

    /**
     * Gathers rows r0..r0+n-1 of the (column-transformed) spectrum and inverts them into the complex
     * rows of {@code buf} (layout as in {@link #rowsToSpectrum}). Two rows with half spectra A, B go
     * through one complex inverse transform of the full spectrum A + i·B (the missing half from
     * Hermitian symmetry); the real and imaginary parts of the result are the two rows. The imaginary
     * parts of the J = 0 and Nyquist terms, zero for a real signal, are dropped (so the result is the
     * real part of the inverse).
     */
    private void spectrumToRows(double[] spec, double[] buf, int r0, int n) {
        int w = width;
        int np = pairs(n);
        int nyquist = w % 2 == 0 ? w / 2 : -1;
        for (int j = 0; j < halfWidth; j++) {
            int pa = 2 * (j * height + r0);
            for (int p = 0; p < np; p++, pa += 4) {
                boolean pair = 2 * p + 1 < n;
                double ar = spec[pa];
                double ai = spec[pa + 1];
                double br = pair ? spec[pa + 2] : 0;
                double bi = pair ? spec[pa + 3] : 0;
                int c = p * 2 * w + 2 * j;
                if (j == 0 || j == nyquist) {
                    buf[c] = ar;
                    buf[c + 1] = br;
                    continue;
                }
                buf[c] = ar - bi;
                buf[c + 1] = ai + br;
                int m = p * 2 * w + 2 * (w - j);
                buf[m] = ar + bi;
                buf[m + 1] = br - ai;
            }
        }
        if (w > 1) {
            DoubleFFT_1D plan = FftScratch.get().plan(w);
            for (int p = 0; p < np; p++) {
                plan.complexInverse(buf, p * 2 * w, true);
            }
        }
    }
}
