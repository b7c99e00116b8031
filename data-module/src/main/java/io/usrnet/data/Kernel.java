package io.usrnet.data;

import java.util.Arrays;

/**
 * An immutable 2-D blur kernel ({@code height × width}, row-major doubles), used exactly as stored:
 * element (r, c) is row r, column c, and blurring is true convolution with the centre at
 * (⌊height/2⌋, ⌊width/2⌋) (see PROTOCOL.md §1).
 *
 * <p>Construction rejects empty kernels and NaN or infinite taps. Negative taps are allowed
 * (bicubic approximations have them). A kernel need not sum to 1; {@link #normalized()} makes it so,
 * and {@link #sumsToOne()} tells whether it does (within {@link #SUM_TOLERANCE}).
 */
public final class Kernel {
    /**
     * How far from 1 the taps' sum may be for {@link #sumsToOne()}: 1e-3. The shipped ×2..×4
     * bicubic kernels sum to 0.999898..1.000002 and count as normalised (they are used as stored).
     */
    public static final double SUM_TOLERANCE = 1e-3;

    private final int height;
    private final int width;
    private final double[] values;

    private Kernel(int height, int width, double[] values) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("kernel dimensions must be positive, got " + height + "×" + width);
        }
        if (values.length != (long) height * width) {
            throw new IllegalArgumentException("kernel data holds " + values.length + " values, but "
                    + height + "×" + width + " needs " + (long) height * width);
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("kernel contains NaN or infinite values");
            }
        }
        this.height = height;
        this.width = width;
        this.values = values;
    }

    /** A kernel holding a copy of {@code rowMajor}. */
    public static Kernel of(int height, int width, double[] rowMajor) {
        return new Kernel(height, width, rowMajor.clone());
    }

    /** A kernel from rows (all of the same length). */
    public static Kernel of(double[][] rows) {
        if (rows.length == 0 || rows[0].length == 0) {
            throw new IllegalArgumentException("kernel must not be empty");
        }
        int w = rows[0].length;
        double[] v = new double[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != w) {
                throw new IllegalArgumentException(
                        "kernel rows differ in length: row 0 has " + w + ", row " + r + " has " + rows[r].length);
            }
            System.arraycopy(rows[r], 0, v, r * w, w);
        }
        return new Kernel(rows.length, w, v);
    }

    /** The identity kernel: a 1×1 kernel holding 1 (blurring with it changes nothing). */
    public static Kernel delta() {
        return new Kernel(1, 1, new double[] {1.0});
    }

    /** Number of rows kh. */
    public int height() {
        return height;
    }

    /** Number of columns kw. */
    public int width() {
        return width;
    }

    /** Tap at row {@code r}, column {@code c}. */
    public double get(int r, int c) {
        return values[r * width + c];
    }

    /** A fresh copy of the taps, row-major. */
    public double[] toArray() {
        return values.clone();
    }

    /** Sum of all taps. */
    public double sum() {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    /** True if the taps sum to 1 within {@link #SUM_TOLERANCE}. */
    public boolean sumsToOne() {
        return Math.abs(sum() - 1) <= SUM_TOLERANCE;
    }

    /**
     * This kernel scaled to sum 1.
     *
     * @throws IllegalArgumentException if the taps sum to zero (or so close that scaling is meaningless)
     */
    public Kernel normalized() {
        if (sumsToZero()) {
            throw new IllegalArgumentException("kernel sums to zero and cannot be normalised");
        }
        double s = sum();
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] /= s;
        }
        return new Kernel(height, width, v);
    }

    /**
     * True if the taps sum to zero (or to less than 1e-9 of the sum of their magnitudes): such a
     * kernel removes the image's mean, so it is no blur, and it cannot be normalised.
     */
    public boolean sumsToZero() {
        double magnitude = 0;
        for (double v : values) {
            magnitude += Math.abs(v);
        }
        return !(Math.abs(sum()) > 1e-9 * magnitude);
    }

    /**
     * Checks that this kernel can be a blur: its taps must not sum to zero ({@link #sumsToZero()}).
     *
     * @return this kernel
     * @throws IllegalArgumentException with a message saying so, naming the sum
     */
    public Kernel requireBlur() {
        if (sumsToZero()) {
            throw new IllegalArgumentException("the " + shape() + " kernel sums to " + sum()
                    + ": a blur kernel must not sum to zero (it would remove the image's mean)");
        }
        return this;
    }

    /**
     * The kernel on a {@code height × width} periodic grid with its centre tap at (0, 0): tap
     * (u, v) is added at ((u − ⌊kh/2⌋) mod height, (v − ⌊kw/2⌋) mod width), so the taps of a kernel
     * larger than the grid wrap around and add up. Its 2-D DFT is the optical transfer function of
     * the circular blur ({@code p2o} of the reference code); the data step, the FFT blur and the
     * training data step all start from it.
     *
     * @param height the grid's rows, ≥ 1
     * @param width  the grid's columns, ≥ 1
     * @return a new row-major {@code height·width} array
     */
    public double[] toPeriodicGrid(int height, int width) {
        Checks.requirePositive("grid height", height);
        Checks.requirePositive("grid width", width);
        double[] grid = new double[height * width];
        int ch = this.height / 2;
        int cw = this.width / 2;
        for (int u = 0; u < this.height; u++) {
            int r = Math.floorMod(u - ch, height);
            for (int v = 0; v < this.width; v++) {
                grid[r * width + Math.floorMod(v - cw, width)] += values[u * this.width + v];
            }
        }
        return grid;
    }

    /**
     * Rows {@code firstRow … firstRow + rows − 1} of {@link #toPeriodicGrid(int, int)} (row-major,
     * {@code rows × width}), without the whole grid; null if none of them holds a tap (they are all
     * zero then).
     */
    double[] periodicGridRows(int height, int width, int firstRow, int rows) {
        int ch = this.height / 2;
        int cw = this.width / 2;
        double[] out = null;
        for (int u = 0; u < this.height; u++) {
            int r = Math.floorMod(u - ch, height) - firstRow;
            if (r < 0 || r >= rows) {
                continue;
            }
            if (out == null) {
                out = new double[rows * width];
            }
            for (int v = 0; v < this.width; v++) {
                out[r * width + Math.floorMod(v - cw, width)] += values[u * this.width + v];
            }
        }
        return out;
    }

    /** The taps' centre of mass as {row, column} (the taps must not sum to zero). */
    public double[] centroid() {
        double s = 0;
        double r = 0;
        double c = 0;
        for (int i = 0; i < height; i++) {
            for (int j = 0; j < width; j++) {
                double v = values[i * width + j];
                s += v;
                r += v * i;
                c += v * j;
            }
        }
        return new double[] {r / s, c / s};
    }

    /** Shape as text, e.g. {@code 25×25}. */
    public String shape() {
        return height + "×" + width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Kernel other
                && height == other.height
                && width == other.width
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Kernel[" + shape() + "]";
    }
}
