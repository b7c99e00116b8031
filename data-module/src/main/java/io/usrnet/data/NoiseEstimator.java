package io.usrnet.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Measures the level σ of additive white Gaussian noise in an image, so that images whose noise
 * nobody wrote down can be restored. Immutable and thread-safe.
 *
 * <p>Method: principal components of image patches (Chen, Zhu &amp; Heng, "An efficient statistical
 * method for image noise level estimation", ICCV 2015; the patch-covariance view of Pyatykh, Hesser
 * &amp; Zheng, IEEE TIP 2013). Every overlapping d×d patch of all C channels is a vector of r = C·d²
 * samples. Natural images, and blurred ones all the more, are redundant: their patches lie close to a
 * subspace of few dimensions, whereas white noise of variance σ² adds σ² to every eigenvalue of the
 * patch covariance. So the smallest eigenvalues λ₁ ≤ … ≤ λ_m of the covariance are noise alone and
 * scatter about σ², and σ² is their mean. m is found from the data: first by Chen et al.'s rule (the
 * largest m whose mean has as many of λ₁ … λ_m above it as below it; a signal eigenvalue among them
 * would pull the mean above the median), then grown to the upper edge of the band that noise of that
 * variance fills (the Marchenko–Pastur law), which removes the rule's low bias on small images
 * (details in the source, {@code noiseVariance}).
 *
 * <p>The covariance is exact over <em>all</em> (H−d+1)·(W−d+1) overlapping patches, computed from
 * integral images of the products of shifted channels (one per shift and channel pair) rather than
 * patch by patch: about C²·(2d−1)²/2 passes over the image instead of r²/2 operations per patch.
 * Using every patch matters on small (downsampled) images: with few patches the smallest sample
 * eigenvalues spread below σ² and the estimate drops. The symmetric eigen-decomposition is EJML's.
 *
 * <p>The combined σ analyses the patches of all channels together (colour channels share most of
 * their signal, which makes the signal subspace smaller still); it assumes the channels share one
 * noise level, as the restoration model does. Each channel's own σ comes from the diagonal block of
 * the same covariance. Images larger than {@value #MAX_SIDE}×{@value #MAX_SIDE} are measured on their
 * centre crop of that size (a million pixels already determine σ to well under 1 %).
 *
 * <p>What it measures is all the white noise in the image, quantisation included: an 8-bit image
 * without added noise reads about 0.3 (uniform rounding error, 1/√12), more where strong texture
 * leaves no noise-only components (measured accuracy: README, "Noise level").
 */
public final class NoiseEstimator {
    /** The patch side used by {@link #DEFAULT}: 8, as in the papers. */
    public static final int DEFAULT_PATCH_SIZE = 8;
    /** Images larger than this in height or width are measured on a centre crop of this side. */
    public static final int MAX_SIDE = 1024;
    /** The least number of patches per covariance dimension accepted. */
    static final int MIN_PATCHES_PER_DIMENSION = 4;
    /** The estimator with {@value #DEFAULT_PATCH_SIZE}×{@value #DEFAULT_PATCH_SIZE} patches. */
    public static final NoiseEstimator DEFAULT = new NoiseEstimator(DEFAULT_PATCH_SIZE);

    private final int patchSize;

    private NoiseEstimator(int patchSize) {
        this.patchSize = patchSize;
    }

    /**
     * An estimator analysing {@code patchSize}×{@code patchSize} patches. Larger patches separate
     * signal from noise better on textured images but need larger images.
     *
     * @throws IllegalArgumentException unless 2 ≤ patchSize ≤ 16
     */
    public static NoiseEstimator withPatchSize(int patchSize) {
        if (patchSize < 2 || patchSize > 16) {
            throw new IllegalArgumentException("the patch size of the noise estimator must be 2..16, got " + patchSize);
        }
        return new NoiseEstimator(patchSize);
    }

    /** The patch side d. */
    public int patchSize() {
        return patchSize;
    }

    /**
     * The smallest image side this estimator accepts for {@code channels} channels: enough
     * overlapping patches ({@value #MIN_PATCHES_PER_DIMENSION} per covariance dimension C·d²) for the
     * noise eigenvalues to be measured, in a square image.
     */
    public int minimumSide(int channels) {
        long need = (long) MIN_PATCHES_PER_DIMENSION * channels * patchSize * patchSize;
        return (int) Math.ceil(Math.sqrt(need)) + patchSize - 1;
    }

    /**
     * The part of an image of {@code height × width} pixels that {@link #estimate} measures: the
     * whole image, or its centre crop of at most {@value #MAX_SIDE}×{@value #MAX_SIDE}. Estimating
     * that region alone gives the same σ, bit for bit (how a huge image is measured from a region
     * read).
     *
     * @return {@code {top, left, height, width}}
     */
    public static int[] measuredRegion(int height, int width) {
        int h = Math.min(height, MAX_SIDE);
        int w = Math.min(width, MAX_SIDE);
        return new int[] {(height - h) / 2, (width - w) / 2, h, w};
    }

    /**
     * Measures the noise level of {@code image} (samples in [0, 1], any number of channels).
     *
     * @return σ of all channels together and of each channel, in [0, 255] units
     * @throws IllegalArgumentException if the image holds NaN or infinity, or is too small: fewer than
     *                                  {@value #MIN_PATCHES_PER_DIMENSION}·C·d² overlapping patches
     *                                  (for 8×8 patches: 23×23 pixels grey, 35×35 colour)
     */
    public NoiseEstimate estimate(Image image) {
        if (image == null) {
            throw new IllegalArgumentException("image must not be null");
        }
        Checks.requireFinite("the image", image);
        int c = image.channels();
        int[] region = measuredRegion(image.height(), image.width());
        int h = region[2];
        int w = region[3];
        long patches = (long) Math.max(0, h - patchSize + 1) * Math.max(0, w - patchSize + 1);
        int r = c * patchSize * patchSize;
        if (patches < (long) MIN_PATCHES_PER_DIMENSION * r) {
            throw new IllegalArgumentException("image " + image.height() + "×" + image.width() + " is too small to "
                    + "measure its noise: " + patchSize + "×" + patchSize + " patches of " + c + " channel"
                    + (c == 1 ? "" : "s") + " need at least " + minimumSide(c) + "×" + minimumSide(c) + " pixels");
        }
        double[][] planes = centredPlanes(image, region[0], region[1], h, w);
        DMatrixRMaj cov = patchCovariance(planes, h, w, patchSize);
        double sigma = Math.sqrt(noiseVariance(eigenvalues(cov), patches));
        List<Double> channel = new ArrayList<>(c);
        if (c == 1) {
            channel.add(sigma);
        } else {
            int d2 = patchSize * patchSize;
            for (int ch = 0; ch < c; ch++) {
                DMatrixRMaj block = new DMatrixRMaj(d2, d2);
                for (int i = 0; i < d2; i++) {
                    for (int j = 0; j < d2; j++) {
                        block.unsafe_set(i, j, cov.unsafe_get(ch * d2 + i, ch * d2 + j));
                    }
                }
                channel.add(Math.sqrt(noiseVariance(eigenvalues(block), patches)));
            }
        }
        return new NoiseEstimate(sigma, channel, patchSize, patches, h + "×" + w);
    }

    /**
     * The channels of the h×w region at (top, left) in [0, 255] units, each minus its mean (which
     * changes no covariance and keeps the sums of products small, so that they lose no precision).
     */
    private static double[][] centredPlanes(Image image, int top, int left, int h, int w) {
        float[] src = image.buffer();
        int c = image.channels();
        double[][] planes = new double[c][h * w];
        for (int ch = 0; ch < c; ch++) {
            double[] p = planes[ch];
            double sum = 0;
            for (int i = 0; i < h; i++) {
                int row = (ch * image.height() + top + i) * image.width() + left;
                for (int j = 0; j < w; j++) {
                    p[i * w + j] = 255.0 * src[row + j];
                    sum += p[i * w + j];
                }
            }
            double mean = sum / p.length;
            for (int i = 0; i < p.length; i++) {
                p[i] -= mean;
            }
        }
        return planes;
    }

    /**
     * The covariance of all overlapping d×d patches of the h×w planes (population normalisation,
     * 1/N). Patch vectors are ordered (channel, row, column): index c·d² + a·d + b holds the sample at
     * (a, b) of the patch in channel c. With the patches' top-left corners (i, j) on the grid
     * G = [0, h−d] × [0, w−d] of N points,
     *
     * <pre>  cov[(c,a,b), (c',a',b')] = (1/N)·Σ_G x_c[i+a, j+b]·x_c'[i+a', j+b'] − μ(c,a,b)·μ(c',a',b')</pre>
     *
     * <p>with μ(c,a,b) = (1/N)·Σ_G x_c[i+a, j+b]. For one channel pair and one shift
     * (a'−a, b'−b) every such sum is a rectangle of the product image x_c[u, v]·x_c'[u+a'−a, v+b'−b],
     * read from its integral image.
     */
    static DMatrixRMaj patchCovariance(double[][] planes, int h, int w, int d) {
        int c = planes.length;
        int d2 = d * d;
        int gh = h - d + 1;
        int gw = w - d + 1;
        double n = (double) gh * gw;
        double[][] mean = new double[c][d2];
        for (int ch = 0; ch < c; ch++) {
            double[] integral = integral(planes[ch], null, h, w, 0, 0);
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    mean[ch][a * d + b] = rectangle(integral, w + 1, a, b, gh, gw) / n;
                }
            }
        }
        // One task per channel pair (c1 ≤ c2) and shift (dy, dx); for c1 = c2 only the shifts with
        // (dy, dx) ≥ (0, 0) in lexicographic order, the others being the transposed entries.
        List<int[]> tasks = new ArrayList<>();
        for (int c1 = 0; c1 < c; c1++) {
            for (int c2 = c1; c2 < c; c2++) {
                for (int dy = -(d - 1); dy < d; dy++) {
                    for (int dx = -(d - 1); dx < d; dx++) {
                        if (c1 < c2 || dy > 0 || (dy == 0 && dx >= 0)) {
                            tasks.add(new int[] {c1, c2, dy, dx});
                        }
                    }
                }
            }
        }
        DMatrixRMaj cov = new DMatrixRMaj(c * d2, c * d2);
        Parallel.forEach(Parallel.worthIt((long) h * w * tasks.size()), tasks.size(), t -> {
            int[] task = tasks.get(t);
            int c1 = task[0];
            int c2 = task[1];
            int dy = task[2];
            int dx = task[3];
            double[] integral = integral(planes[c1], planes[c2], h, w, dy, dx);
            for (int a = Math.max(0, -dy); a < Math.min(d, d - dy); a++) {
                for (int b = Math.max(0, -dx); b < Math.min(d, d - dx); b++) {
                    int p = c1 * d2 + a * d + b;
                    int q = c2 * d2 + (a + dy) * d + b + dx;
                    double v = rectangle(integral, w + 1, a, b, gh, gw) / n - mean[c1][a * d + b]
                            * mean[c2][(a + dy) * d + b + dx];
                    // distinct tasks write distinct entries: no two threads touch one
                    cov.unsafe_set(p, q, v);
                    cov.unsafe_set(q, p, v);
                }
            }
        });
        return cov;
    }

    /**
     * The (h+1)×(w+1) integral image of x[u, v]·y[u+dy, v+dx] (of x alone if y is null), the
     * product taken as 0 where (u+dy, v+dx) leaves the image: entry (u, v) is the sum over
     * [0, u) × [0, v).
     */
    private static double[] integral(double[] x, double[] y, int h, int w, int dy, int dx) {
        int stride = w + 1;
        double[] s = new double[(h + 1) * stride];
        for (int u = 0; u < h; u++) {
            double row = 0;
            int yu = u + dy;
            boolean inside = yu >= 0 && yu < h;
            for (int v = 0; v < w; v++) {
                double p;
                if (y == null) {
                    p = x[u * w + v];
                } else {
                    int yv = v + dx;
                    p = inside && yv >= 0 && yv < w ? x[u * w + v] * y[yu * w + yv] : 0;
                }
                row += p;
                s[(u + 1) * stride + v + 1] = s[u * stride + v + 1] + row;
            }
        }
        return s;
    }

    /** The sum over rows [top, top+rows) and columns [left, left+cols) from an integral image. */
    private static double rectangle(double[] s, int stride, int top, int left, int rows, int cols) {
        int bottom = top + rows;
        int right = left + cols;
        return s[bottom * stride + right] - s[top * stride + right] - s[bottom * stride + left]
                + s[top * stride + left];
    }

    /** The eigenvalues of a symmetric matrix, ascending, negative round-off clamped to 0. */
    static double[] eigenvalues(DMatrixRMaj symmetric) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(symmetric.numRows, false, true);
        if (!eig.decompose(symmetric.copy())) {
            throw new IllegalStateException("the eigen-decomposition of the patch covariance did not converge");
        }
        double[] lambda = new double[symmetric.numRows];
        for (int i = 0; i < lambda.length; i++) {
            Complex_F64 e = eig.getEigenvalue(i);
            lambda[i] = Math.max(0, e.real);
        }
        Arrays.sort(lambda);
        return lambda;
    }

    /**
     * The noise variance from ascending eigenvalues λ₁ ≤ … ≤ λ_r of a covariance of N patches.
     *
     * <ol>
     * <li>Chen et al.'s rule: τ = mean(λ₁ … λ_m) for the largest m ≤ r such that as many of λ₁ … λ_m
     *     exceed τ as fall below it. Alone it is biased low: the sample eigenvalues of noise are not
     *     symmetric about σ², so the rule stops before the largest of them (−6 % in σ for 60×60 colour
     *     noise).
     * <li>So m is then grown (never shrunk) to every eigenvalue inside the band that noise of variance τ fills,
     *     λ ≤ τ·(1 + √γ)² with γ = r/N (the upper edge of the Marchenko–Pastur law, which the largest
     *     eigenvalue of overlapping-patch noise meets within 1 %), τ recomputed as their mean, until m no
     *     longer changes. On pure noise this takes the whole spectrum (unbiased at every size); on
     *     small, strongly textured images it may take in a weak signal component, erring towards a
     *     larger σ, the safer side for a restoration.
     * </ol>
     */
    static double noiseVariance(double[] ascending, long patches) {
        double[] prefix = new double[ascending.length + 1];
        for (int i = 0; i < ascending.length; i++) {
            prefix[i + 1] = prefix[i] + ascending[i];
        }
        int m = ascending.length;
        while (m > 1 && !balanced(ascending, m, prefix[m] / m)) {
            m--;
        }
        double edge = Math.pow(1 + Math.sqrt((double) ascending.length / patches), 2);
        for (int round = 0; round < ascending.length; round++) {
            double tau = prefix[m] / m;
            int grown = m;
            while (grown < ascending.length && ascending[grown] <= tau * edge) {
                grown++;
            }
            if (grown == m) {
                break;
            }
            m = grown;
        }
        return prefix[m] / m;
    }

    /** True if as many of λ₁ … λ_m exceed τ as fall below it. */
    private static boolean balanced(double[] ascending, int m, double tau) {
        int below = 0;
        int above = 0;
        for (int i = 0; i < m; i++) {
            if (ascending[i] < tau) {
                below++;
            } else if (ascending[i] > tau) {
                above++;
            }
        }
        return below == above;
    }
}
