package io.usrnet.data;

import java.util.Random;

/**
 * The operations of the degradation model y = (x ⊗ k)↓s + n of PROTOCOL.md §1 (blur, decimation,
 * noise; composed by {@link Degradation#apply}) and the exact Table-1 benchmark degradation of §2.
 * All operations act on every channel independently and return new images.
 */
public final class Degradations {
    /** Kernels with at most this many taps are applied by direct summation, larger ones by FFT. */
    static final int DIRECT_MAX_TAPS = 36;
    /** Taps with |k| ≤ this are skipped by the direct sum, as scipy.ndimage does. */
    private static final double NEGLIGIBLE_TAP = Math.ulp(1.0);

    private Degradations() {
    }

    /**
     * Circular true 2-D convolution of every channel with {@code k}:
     *
     * <pre>  b[i, j] = Σ_u Σ_v k[u, v] · x[(i − u + ⌊kh/2⌋) mod H, (j − v + ⌊kw/2⌋) mod W]</pre>
     *
     * <p>i.e. {@code scipy.ndimage.convolve(x, k, mode='wrap')}: kernel flipped, centre at
     * (⌊kh/2⌋, ⌊kw/2⌋), periodic boundary (also when the kernel is larger than the image). Computed in
     * double precision, directly for small kernels (≤ {@value #DIRECT_MAX_TAPS} taps) and by FFT
     * otherwise; both agree with the exact sum to about 1e-15 relative.
     *
     * @param x the image
     * @param k the kernel, used as stored
     * @return the blurred image, same shape as x
     */
    public static Image blur(Image x, Kernel k) {
        requireNonNull(x, k);
        int c = x.channels();
        int h = x.height();
        int w = x.width();
        int plane = h * w;
        float[] src = x.buffer();
        float[] out = new float[x.size()];
        boolean parallel = Parallel.worthIt(x.size());
        if ((long) k.height() * k.width() <= DIRECT_MAX_TAPS) {
            Parallel.forEach(parallel, c, ch -> {
                double[] b = convolveDirect(toDouble(src, ch * plane, plane), h, w, k, 1);
                for (int i = 0; i < plane; i++) {
                    out[ch * plane + i] = (float) b[i];
                }
            });
        } else {
            RealFft2d fft = new RealFft2d(h, w);
            double[] psf = k.toPeriodicGrid(h, w);
            double[] otf = new double[fft.spectrumLength()];
            fft.forward(psf, 0, otf);
            double[][] spec = new double[c][fft.spectrumLength()];
            fft.forwardPlanes(src, spec, parallel);
            int cb = fft.columnBlocks();
            Parallel.forEach(parallel, c * cb, t -> {
                double[] s = spec[t / cb];
                int block = t % cb;
                for (int p = 2 * h * fft.columnBlockStart(block); p < 2 * h * fft.columnBlockEnd(block); p += 2) {
                    double re = s[p] * otf[p] - s[p + 1] * otf[p + 1];
                    s[p + 1] = s[p] * otf[p + 1] + s[p + 1] * otf[p];
                    s[p] = re;
                }
                fft.inverseColumns(s, block);
            });
            fft.inverseRowsOfPlanes(spec, out, parallel);
        }
        return Image.wrap(c, h, w, out);
    }

    /**
     * True 2-D convolution of every channel with {@code k}, like {@link #blur} but with a
     * <em>non-circular</em> boundary: the image is extended by mirror reflection about its edges
     * ({@code scipy.ndimage.convolve(x, k, mode='reflect')}: … c b a | a b c … x y z | z y x …).
     * This is how a real camera's blur behaves near the border far better than wrap-around; it is
     * used to measure boundary handling ({@link Boundary}). Direct summation in double precision.
     *
     * @param x the image
     * @param k the kernel, used as stored (centre at (⌊kh/2⌋, ⌊kw/2⌋))
     * @return the blurred image, same shape as x
     */
    public static Image blurReflect(Image x, Kernel k) {
        requireNonNull(x, k);
        int h = x.height();
        int w = x.width();
        int kh = k.height();
        int kw = k.width();
        int[] rows = new int[h + kh];
        int[] cols = new int[w + kw];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = reflect(r - (kh - 1 - kh / 2), h);
        }
        for (int c = 0; c < cols.length; c++) {
            cols[c] = reflect(c - (kw - 1 - kw / 2), w);
        }
        float[] src = x.buffer();
        float[] out = new float[x.size()];
        Parallel.forEach(Parallel.worthIt(x.size()), x.channels(), ch -> {
            int base = ch * h * w;
            double[] acc = new double[w];
            for (int i = 0; i < h; i++) {
                java.util.Arrays.fill(acc, 0);
                for (int a = 0; a < kh; a++) {
                    int row = base + rows[i + a] * w;
                    for (int b = 0; b < kw; b++) {
                        double t = k.get(kh - 1 - a, kw - 1 - b);
                        if (t == 0) {
                            continue;
                        }
                        for (int j = 0; j < w; j++) {
                            acc[j] += t * src[row + cols[j + b]];
                        }
                    }
                }
                for (int j = 0; j < w; j++) {
                    out[base + i * w + j] = (float) acc[j];
                }
            }
        });
        return Image.wrap(x.channels(), h, w, out);
    }

    /** Index i mirrored into [0, n) about the half-sample edges (period 2n). */
    private static int reflect(int i, int n) {
        int m = Math.floorMod(i, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    /**
     * The direct circular convolution of one H×W plane, evaluated only at rows and columns that are
     * multiples of {@code step} (a ⌈H/step⌉×⌈W/step⌉ result). It reproduces scipy.ndimage's
     * floating-point evaluation bit for bit: the products x·k are accumulated, starting from 0, in the
     * row-major order of the <em>flipped</em> kernel, skipping taps with |k| ≤ 2⁻⁵².
     */
    static double[] convolveDirect(double[] x, int h, int w, Kernel k, int step) {
        int kh = k.height();
        int kw = k.width();
        int offH = kh - 1 - kh / 2;
        int offW = kw - 1 - kw / 2;
        int ph = h + kh - 1;
        int pw = w + kw - 1;
        double[] pad = new double[ph * pw];
        for (int r = 0; r < ph; r++) {
            int sr = Math.floorMod(r - offH, h) * w;
            for (int c = 0; c < pw; c++) {
                pad[r * pw + c] = x[sr + Math.floorMod(c - offW, w)];
            }
        }
        int oh = (h + step - 1) / step;
        int ow = (w + step - 1) / step;
        double[] out = new double[oh * ow];
        for (int oi = 0; oi < oh; oi++) {
            int base = oi * ow;
            for (int a = 0; a < kh; a++) {
                int row = (oi * step + a) * pw;
                for (int b = 0; b < kw; b++) {
                    double t = k.get(kh - 1 - a, kw - 1 - b);
                    if (Math.abs(t) <= NEGLIGIBLE_TAP) {
                        continue;
                    }
                    for (int oj = 0, p = row + b; oj < ow; oj++, p += step) {
                        out[base + oj] += pad[p] * t;
                    }
                }
            }
        }
        return out;
    }

    private static double[] toDouble(float[] src, int offset, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = src[offset + i];
        }
        return d;
    }

    /**
     * Upper-left decimation by {@code s}: y[i, j] = x[s·i, s·j], giving ⌈H/s⌉×⌈W/s⌉ (numpy's
     * {@code x[::s, ::s]}).
     *
     * @throws IllegalArgumentException if s &lt; 1
     */
    public static Image decimate(Image x, int s) {
        requireNonNull(x);
        Checks.requirePositive("scale", s);
        int h = x.height();
        int w = x.width();
        int oh = (h + s - 1) / s;
        int ow = (w + s - 1) / s;
        float[] src = x.buffer();
        float[] out = new float[x.channels() * oh * ow];
        int o = 0;
        for (int c = 0; c < x.channels(); c++) {
            for (int i = 0; i < oh; i++) {
                int row = (c * h + i * s) * w;
                for (int j = 0; j < ow; j++) {
                    out[o++] = src[row + j * s];
                }
            }
        }
        return Image.wrap(x.channels(), oh, ow, out);
    }

    /**
     * Nearest-neighbour upsampling by {@code s}: every pixel becomes an s×s block (the network's
     * initial estimate x₀, PROTOCOL.md §6.1). The result is (s·H)×(s·W).
     *
     * @throws IllegalArgumentException if s &lt; 1 or the result would be too large
     */
    public static Image upsampleNearest(Image x, int s) {
        requireNonNull(x);
        Checks.requirePositive("scale", s);
        long total = (long) x.size() * s * s;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("upsampling " + x.shape() + " by " + s + " is too large");
        }
        float[] out = new float[(int) total];
        upsampleNearest(x, s, out);
        return Image.wrap(x.channels(), x.height() * s, x.width() * s, out);
    }

    /**
     * {@link #upsampleNearest(Image, int)} into a caller's array, without allocating: out[c][i][j] =
     * x[c][⌊i/s⌋][⌊j/s⌋], planar C×(s·H)×(s·W). For a restoration's estimate x₀, which the
     * restoration then updates in place.
     *
     * @param out modified: receives the C·s²·H·W samples
     * @throws IllegalArgumentException if s &lt; 1 or {@code out} does not hold C·s²·H·W samples
     */
    public static void upsampleNearest(Image x, int s, float[] out) {
        requireNonNull(x);
        Checks.requirePositive("scale", s);
        int h = x.height();
        int w = x.width();
        long total = (long) x.size() * s * s;
        if (out == null || out.length != total) {
            throw new IllegalArgumentException("out must hold " + total + " samples (" + x.shape() + " upsampled by "
                    + s + "), got " + (out == null ? "null" : out.length));
        }
        int oh = h * s;
        int ow = w * s;
        float[] src = x.buffer();
        for (int c = 0; c < x.channels(); c++) {
            for (int i = 0; i < oh; i++) {
                int srcRow = (c * h + i / s) * w;
                int dst = (c * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    out[dst + j] = src[srcRow + j / s];
                }
            }
        }
    }

    /**
     * Adds white Gaussian noise of standard deviation {@code sigma255}/255 (σ in [0, 255] units, as
     * the reference scripts use it) to every sample, without clamping. The noise is drawn from
     * {@link java.util.Random#nextGaussian()} seeded with {@code seed}, one value per sample in planar
     * C×H×W order, and added in double precision; so it is reproducible on every JVM, but it cannot
     * reproduce numpy's random stream ({@code np.random.seed(0)}; {@code np.random.normal}).
     *
     * @param sigma255 noise level in [0, 255] units, finite and ≥ 0 (0 returns an equal copy)
     * @param seed     random seed
     * @throws IllegalArgumentException if sigma255 is negative or not finite
     */
    public static Image addGaussianNoise(Image x, double sigma255, long seed) {
        requireNonNull(x);
        if (!(sigma255 >= 0) || !Double.isFinite(sigma255)) {
            throw new IllegalArgumentException("noise level sigma must be a finite number ≥ 0 (in [0,255] units), got "
                    + sigma255);
        }
        double sigma = sigma255 / 255.0;
        Random rnd = new Random(seed);
        float[] out = x.toArray();
        if (sigma > 0) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (out[i] + sigma * rnd.nextGaussian());
            }
        }
        return Image.wrap(x.channels(), x.height(), x.width(), out);
    }

    /**
     * Crops the bottom rows and right columns so that height and width become multiples of
     * {@code multiple} (the reference's {@code modcrop}).
     *
     * @throws IllegalArgumentException if multiple &lt; 1 or the image is smaller than multiple
     */
    public static Image modcrop(Image x, int multiple) {
        requireNonNull(x);
        Checks.requirePositive("crop multiple", multiple);
        int h = x.height() - x.height() % multiple;
        int w = x.width() - x.width() % multiple;
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException("image " + x.height() + "×" + x.width()
                    + " is smaller than the crop multiple " + multiple);
        }
        return crop(x, 0, 0, h, w);
    }

    /**
     * The {@code height × width} block of {@code x} whose top-left pixel is (top, left), every
     * channel; {@code x} itself when the block is the whole image.
     *
     * @throws IllegalArgumentException if the block is empty or not inside x
     */
    public static Image crop(Image x, int top, int left, int height, int width) {
        requireNonNull(x);
        if (height < 1 || width < 1 || top < 0 || left < 0 || top + height > x.height() || left + width > x.width()) {
            throw new IllegalArgumentException("cannot crop " + height + "×" + width + " at (" + top + ", " + left
                    + ") from " + x.shape());
        }
        if (height == x.height() && width == x.width()) {
            return x;
        }
        float[] src = x.buffer();
        float[] out = new float[x.channels() * height * width];
        for (int c = 0; c < x.channels(); c++) {
            for (int i = 0; i < height; i++) {
                System.arraycopy(src, (c * x.height() + top + i) * x.width() + left, out, (c * height + i) * width, width);
            }
        }
        return Image.wrap(x.channels(), height, width, out);
    }

    /**
     * The exact Table-1 benchmark degradation (PROTOCOL.md §2), bit-compatible with the reference
     * ({@code main_test_table1.py}):
     * <ol>
     * <li>the 8-bit values q = round(255·x) are recovered (x must be an 8-bit image stored as q/255);
     * <li>modcrop to a multiple of lcm(s, 8) (bottom/right);
     * <li>blur of the integer image exactly as {@code scipy.ndimage.convolve(uint8, k, mode='wrap')}
     *     evaluates it in double precision, then truncation toward zero to 8 bits (floor for the
     *     non-negative results of non-negative kernels; results outside [0, 255], possible only for
     *     kernels with negative taps or sums above 1, are clamped, where the reference would wrap
     *     around modulo 256);
     * <li>upper-left decimation by s;
     * <li>conversion to float as (float) (q / 255.0).
     * </ol>
     * No noise is added (σ = 0 in Table 1). Only the decimated pixels are computed.
     *
     * @param hr the high-resolution image, samples q/255 for integers q in [0, 255]
     * @param k  the blur kernel, used as stored
     * @param s  the scale factor, ≥ 1
     * @return the low-resolution image, (H'/s)×(W'/s) for the cropped size H'×W'
     * @throws IllegalArgumentException if s &lt; 1, hr is not 8-bit valued, or hr is smaller than lcm(s, 8)
     */
    public static Image table1(Image hr, Kernel k, int s) {
        requireNonNull(hr, k);
        Checks.requirePositive("scale", s);
        int[] q = eightBit(hr);
        int multiple = lcm(s, 8);
        int h0 = hr.height();
        int w0 = hr.width();
        int h = h0 - h0 % multiple;
        int w = w0 - w0 % multiple;
        if (h == 0 || w == 0) {
            throw new IllegalArgumentException("image " + h0 + "×" + w0 + " is smaller than the crop multiple "
                    + multiple + " = lcm(scale " + s + ", 8)");
        }
        int oh = h / s;
        int ow = w / s;
        int channels = hr.channels();
        float[] out = new float[channels * oh * ow];
        Parallel.forEach(Parallel.worthIt(hr.size()), channels, c -> {
            double[] plane = new double[h * w];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    plane[i * w + j] = q[(c * h0 + i) * w0 + j];
                }
            }
            double[] b = convolveDirect(plane, h, w, k, s);
            for (int i = 0; i < b.length; i++) {
                double t = b[i];
                int v = t >= 255 ? 255 : t <= 0 ? 0 : (int) t;
                out[c * oh * ow + i] = (float) (v / 255.0);
            }
        });
        return Image.wrap(channels, oh, ow, out);
    }

    /**
     * The high-resolution image cropped as {@link #table1} crops it before blurring: bottom rows and
     * right columns removed down to a multiple of lcm(s, 8); the reference image to score a
     * restoration of {@code table1(hr, k, s)} against.
     *
     * @throws IllegalArgumentException if s &lt; 1 or hr is smaller than lcm(s, 8)
     */
    public static Image table1Crop(Image hr, int s) {
        requireNonNull(hr);
        Checks.requirePositive("scale", s);
        return modcrop(hr, lcm(s, 8));
    }

    /** The integer values round(255·x), checking that x holds 8-bit values q/255. */
    private static int[] eightBit(Image x) {
        float[] src = x.buffer();
        int[] q = new int[src.length];
        for (int i = 0; i < src.length; i++) {
            double v = src[i] * 255.0;
            long r = Math.round(v);
            if (!(Math.abs(v - r) <= 1e-3) || r < 0 || r > 255) {
                int plane = x.height() * x.width();
                throw new IllegalArgumentException("the Table-1 degradation needs an 8-bit image (samples q/255, q = 0..255),"
                        + " but the sample at channel " + i / plane + ", row " + (i % plane) / x.width() + ", column "
                        + i % x.width() + " is " + src[i] + " = " + (float) v + "/255");
            }
            q[i] = (int) r;
        }
        return q;
    }

    private static int lcm(int a, int b) {
        int x = a;
        int y = b;
        while (y != 0) {
            int t = x % y;
            x = y;
            y = t;
        }
        return a / x * b;
    }

    private static void requireNonNull(Object... args) {
        for (Object a : args) {
            if (a == null) {
                throw new IllegalArgumentException("arguments must not be null");
            }
        }
    }
}
