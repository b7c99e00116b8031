package io.usrnet.data;

/**
 * The eight flips and rotations of the square (the dihedral group D4), applied consistently to a
 * low-resolution image, its high-resolution counterpart and the blur kernel, so that the degradation
 * model holds for the transformed triple exactly: if y = (x ⊗ k)↓s then g(y) = (g(x) ⊗ g_s(k))↓s for
 * every transform g. The x8 self-ensemble restores all eight g(y) and averages g⁻¹ of the results.
 *
 * <p>Each transform is an optional transpose followed by optional flips of rows and columns
 * ({@code flipRows}: row i ↦ H−1−i). Flips do not commute with the library's upper-left decimation
 * by s &gt; 1: reversing the rows of an HR image of s·h rows moves the sampled rows from 0, s, 2s, …
 * to s−1, 2s−1, …, one of s−1 rows below. {@link #kernel} compensates: the flipped kernel is shifted
 * by s−1 taps along each flipped axis, inside a kernel enlarged by 2(s−1) taps along that axis so
 * that its centre stays the convolution centre. Transposes need no correction.
 */
public enum Dihedral {
    /** The identity. */
    IDENTITY(false, false, false),
    /** Rows reversed (upside down). */
    FLIP_ROWS(false, true, false),
    /** Columns reversed (mirror). */
    FLIP_COLUMNS(false, false, true),
    /** Rotation by 180°: rows and columns reversed. */
    ROTATE_180(false, true, true),
    /** Transpose: row i, column j ↦ row j, column i. */
    TRANSPOSE(true, false, false),
    /** Rotation by 90° clockwise: transpose, then columns reversed. */
    ROTATE_90(true, false, true),
    /** Rotation by 90° anticlockwise: transpose, then rows reversed. */
    ROTATE_270(true, true, false),
    /** Anti-transpose: transpose, then rows and columns reversed. */
    ANTI_TRANSPOSE(true, true, true);

    private final boolean transpose;
    private final boolean flipRows;
    private final boolean flipColumns;

    Dihedral(boolean transpose, boolean flipRows, boolean flipColumns) {
        this.transpose = transpose;
        this.flipRows = flipRows;
        this.flipColumns = flipColumns;
    }

    /**
     * The transformed image (every channel), a new image: H×W, or W×H for the transposing
     * transforms.
     */
    public Image apply(Image x) {
        int c = x.channels();
        int h = x.height();
        int w = x.width();
        int oh = transpose ? w : h;
        int ow = transpose ? h : w;
        float[] src = x.buffer();
        float[] out = new float[src.length];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int i = 0; i < oh; i++) {
                int ti = flipRows ? oh - 1 - i : i;
                for (int j = 0; j < ow; j++) {
                    int tj = flipColumns ? ow - 1 - j : j;
                    // (ti, tj) in the transposed image is (tj, ti) in x
                    int from = transpose ? tj * w + ti : ti * w + tj;
                    out[base + i * ow + j] = src[base + from];
                }
            }
        }
        return Image.wrap(c, oh, ow, out);
    }

    /** The inverse transform applied: {@code inverse(apply(x))} equals x. */
    public Image inverse(Image x) {
        return inverse().apply(x);
    }

    /** The transform that undoes this one. */
    public Dihedral inverse() {
        return switch (this) {
            case ROTATE_90 -> ROTATE_270;
            case ROTATE_270 -> ROTATE_90;
            default -> this; // flips, the 180° rotation and both transposes are their own inverses
        };
    }

    /**
     * The kernel that blurs the transformed images as {@code k} blurs the originals, for scale s
     * (see the class comment): transposed and flipped like the images; along a flipped axis of n taps
     * the kernel grows by 2p taps, p = s−1 (+1 if n is even), and flipped tap u lands on
     * 2⌊n/2⌋ + p − (s−1) − u, which keeps the convolution centre ⌊(n+2p)/2⌋ = ⌊n/2⌋ + p and moves the
     * blur by the s−1 rows or columns the decimation's grid moves. For s = 1 and odd n, a plain flip.
     *
     * @throws IllegalArgumentException if s &lt; 1
     */
    public Kernel kernel(Kernel k, int s) {
        Checks.requirePositive("scale", s);
        int kh = transpose ? k.width() : k.height();
        int kw = transpose ? k.height() : k.width();
        int padRows = flipRows ? s - 1 + (kh % 2 == 0 ? 1 : 0) : 0;
        int padColumns = flipColumns ? s - 1 + (kw % 2 == 0 ? 1 : 0) : 0;
        int oh = kh + 2 * padRows;
        int ow = kw + 2 * padColumns;
        double[] v = new double[oh * ow];
        for (int u = 0; u < kh; u++) {
            int r = flipRows ? 2 * (kh / 2) + padRows - (s - 1) - u : u;
            for (int t = 0; t < kw; t++) {
                int c = flipColumns ? 2 * (kw / 2) + padColumns - (s - 1) - t : t;
                v[r * ow + c] = transpose ? k.get(t, u) : k.get(u, t);
            }
        }
        return Kernel.of(oh, ow, v);
    }
}
