package io.usrnet.train;

import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Seeded synthetic training batches following the USRNet recipe, generated on the fly from
 * {@link TrainingImages} held in memory.
 *
 * <p>A super-resolution batch ({@link #batch}) has one scale factor s drawn uniformly from the
 * configured scales; each sample is a random square HR patch of a uniformly drawn image, under one
 * of the 8 flips/rotations, blurred by its own kernel, decimated (upper-left) and noised:
 * {@code y = (x ⊗ k)↓s + n} in floating point (circular boundary, {@link Degradation#apply}).
 * Kernels: with probability 1 − {@code motionProbability} an anisotropic Gaussian whose two
 * variances are uniform in [{@code minVariance}, {@code maxVariance}] at a uniform angle, shifted
 * up-left by (s−1)/2 ({@link Kernels#shiftForDecimation}); otherwise a random camera-shake kernel
 * ({@link Kernels#motion}), not shifted. Noise: σ = 0 with probability
 * {@code zeroNoiseProbability}, otherwise uniform in [0, {@code maxSigma255}]/255.
 *
 * <p>Determinism: the batch of step t is a pure function of (seed, t) and the images (every sample
 * draws from its own generator seeded by (seed, t, index)); nothing else is stateful, so training
 * resumes exactly from a step number, and batches do not depend on thread scheduling.
 */
public final class TrainingSampler {
    private final TrainingImages images;
    private final Settings settings;
    private final int[] eligible;

    /**
     * The recipe.
     *
     * @param patchSize            HR patch side; a multiple of every scale and at least the kernel size
     * @param batchSize            samples per batch
     * @param kernelSize           side of the square blur kernels (25 in USRNet)
     * @param scales               the scale factors to draw from (uniformly)
     * @param minVariance          smallest Gaussian variance (0.6)
     * @param maxVariance          largest Gaussian variance (12)
     * @param motionProbability    probability of a camera-shake kernel (0.5)
     * @param zeroNoiseProbability probability of σ = 0 (1/8)
     * @param maxSigma255          largest noise level in [0, 255] units (25)
     */
    public record Settings(int patchSize, int batchSize, int kernelSize, int[] scales, double minVariance,
            double maxVariance, double motionProbability, double zeroNoiseProbability, double maxSigma255) {
        /** Validates and copies. */
        public Settings {
            if (batchSize < 1 || kernelSize < 1) {
                throw new IllegalArgumentException("batch and kernel sizes must be >= 1");
            }
            if (scales == null || scales.length == 0) {
                throw new IllegalArgumentException("at least one scale is needed");
            }
            scales = scales.clone();
            for (int s : scales) {
                if (s < 1 || patchSize % s != 0) {
                    throw new IllegalArgumentException("patch size " + patchSize + " must be a multiple of every "
                            + "scale, got scale " + s);
                }
            }
            if (patchSize < kernelSize) {
                throw new IllegalArgumentException("patch size " + patchSize + " is smaller than the kernel size "
                        + kernelSize);
            }
            if (!(minVariance > 0) || !(maxVariance >= minVariance) || !(maxSigma255 >= 0)
                    || !(motionProbability >= 0 && motionProbability <= 1)
                    || !(zeroNoiseProbability >= 0 && zeroNoiseProbability <= 1)) {
                throw new IllegalArgumentException("invalid sampler settings " + this);
            }
        }

        /**
         * The USRNet recipe (variances [0.6, 12], half camera-shake kernels, σ = 0 with probability
         * 1/8, otherwise up to 25/255) for a patch size, batch size, kernel size and scales.
         */
        public static Settings usrnet(int patchSize, int batchSize, int kernelSize, int... scales) {
            return new Settings(patchSize, batchSize, kernelSize, scales, 0.6, 12, 0.5, 1.0 / 8, 25);
        }

        @Override
        public int[] scales() {
            return scales.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Settings s && patchSize == s.patchSize && batchSize == s.batchSize
                    && kernelSize == s.kernelSize && Arrays.equals(scales, s.scales) && minVariance == s.minVariance
                    && maxVariance == s.maxVariance && motionProbability == s.motionProbability
                    && zeroNoiseProbability == s.zeroNoiseProbability && maxSigma255 == s.maxSigma255;
        }

        @Override
        public int hashCode() {
            return Objects.hash(patchSize, batchSize, kernelSize, Arrays.hashCode(scales), minVariance, maxVariance);
        }

        @Override
        public String toString() {
            return "Settings[patch=" + patchSize + ", batch=" + batchSize + ", kernel=" + kernelSize + ", scales="
                    + Arrays.toString(scales) + ", variance=[" + minVariance + ", " + maxVariance + "], motion="
                    + motionProbability + ", zeroNoise=" + zeroNoiseProbability + ", maxSigma255=" + maxSigma255 + "]";
        }
    }

    /**
     * A super-resolution batch; arrays are planar {@code [N, 3, ·, ·]}.
     *
     * @param scale   the scale factor s of the batch
     * @param size    the number of samples N
     * @param patch   the HR patch side P
     * @param hr      the clean HR patches, {@code N·3·P·P} values
     * @param lr      the degraded LR images, {@code N·3·(P/s)²} values
     * @param kernels the blur kernel of each sample
     * @param sigmas  the noise level of each sample in [0, 1] units
     */
    public record Batch(int scale, int size, int patch, float[] hr, float[] lr, List<Kernel> kernels, float[] sigmas) {
    }

    /**
     * A denoising batch (for pre-training the prior).
     *
     * @param size   the number of samples N
     * @param patch  the patch side P
     * @param clean  the clean patches, {@code N·3·P·P}
     * @param noisy  the same plus white Gaussian noise
     * @param sigmas the noise level of each sample in [0, 1] units
     */
    public record DenoisingBatch(int size, int patch, float[] clean, float[] noisy, float[] sigmas) {
    }

    /**
     * A sampler over the given images.
     *
     * @param images   the training images (only those at least as large as a patch are used)
     * @param settings the recipe
     * @throws IllegalArgumentException if no image is large enough for a patch
     */
    public TrainingSampler(TrainingImages images, Settings settings) {
        this.images = Objects.requireNonNull(images, "images");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.eligible = IntStream.range(0, images.size())
                .filter(i -> images.height(i) >= settings.patchSize() && images.width(i) >= settings.patchSize())
                .toArray();
        if (eligible.length == 0) {
            throw new IllegalArgumentException("no training image is at least " + settings.patchSize() + "×"
                    + settings.patchSize());
        }
    }

    /** @return the recipe */
    public Settings settings() {
        return settings;
    }

    /** @return the number of images patches are drawn from */
    public int imageCount() {
        return eligible.length;
    }

    /**
     * The super-resolution batch of a step (deterministic in (seed, step)).
     *
     * @param seed the run's seed
     * @param step the step number
     * @return the batch
     */
    public Batch batch(long seed, long step) {
        int n = settings.batchSize();
        int p = settings.patchSize();
        int[] scales = settings.scales();
        int scale = scales[new SplittableRandom(mix(seed, step, -1)).nextInt(scales.length)];
        int l = p / scale;
        float[] hr = new float[n * 3 * p * p];
        float[] lr = new float[n * 3 * l * l];
        Kernel[] kernels = new Kernel[n];
        float[] sigmas = new float[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            SplittableRandom rnd = new SplittableRandom(mix(seed, step, i));
            cutPatch(rnd, hr, i * 3 * p * p);
            Kernel k = kernel(rnd, scale);
            double sigma255 = rnd.nextDouble() < settings.zeroNoiseProbability() ? 0
                    : rnd.nextDouble() * settings.maxSigma255();
            Image x = Image.wrap(3, p, p, Arrays.copyOfRange(hr, i * 3 * p * p, (i + 1) * 3 * p * p));
            Image y = Degradation.of(k, scale, sigma255).apply(x, rnd.nextLong());
            y.copyTo(lr, i * 3 * l * l);
            kernels[i] = k;
            sigmas[i] = (float) (sigma255 / 255);
        });
        return new Batch(scale, n, p, hr, lr, List.of(kernels), sigmas);
    }

    /**
     * The denoising batch of a step: clean patches plus white Gaussian noise, σ uniform in
     * [0, {@code maxSigma255}]/255 per sample (deterministic in (seed, step)).
     *
     * @param seed        the run's seed
     * @param step        the step number
     * @param maxSigma255 largest noise level in [0, 255] units (50 in the recipe)
     * @return the batch
     */
    public DenoisingBatch denoisingBatch(long seed, long step, double maxSigma255) {
        int n = settings.batchSize();
        int p = settings.patchSize();
        int per = 3 * p * p;
        float[] clean = new float[n * per];
        float[] noisy = new float[n * per];
        float[] sigmas = new float[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            SplittableRandom rnd = new SplittableRandom(mix(seed ^ 0x5DEECE66DL, step, i));
            cutPatch(rnd, clean, i * per);
            double sigma255 = rnd.nextDouble() * maxSigma255;
            Image x = Image.wrap(3, p, p, Arrays.copyOfRange(clean, i * per, (i + 1) * per));
            Degradations.addGaussianNoise(x, sigma255, rnd.nextLong()).copyTo(noisy, i * per);
            sigmas[i] = (float) (sigma255 / 255);
        });
        return new DenoisingBatch(n, p, clean, noisy, sigmas);
    }

    private void cutPatch(SplittableRandom rnd, float[] out, int offset) {
        int p = settings.patchSize();
        int image = eligible[rnd.nextInt(eligible.length)];
        int top = rnd.nextInt(images.height(image) - p + 1);
        int left = rnd.nextInt(images.width(image) - p + 1);
        images.patch(image, top, left, p, rnd.nextInt(8), out, offset);
    }

    /** A kernel of the recipe for scale s, drawn from {@code rnd}. */
    Kernel kernel(SplittableRandom rnd, int scale) {
        int size = settings.kernelSize();
        if (rnd.nextDouble() < settings.motionProbability()) {
            return Kernels.motion(size, rnd.nextLong());
        }
        double span = settings.maxVariance() - settings.minVariance();
        double v1 = settings.minVariance() + rnd.nextDouble() * span;
        double v2 = settings.minVariance() + rnd.nextDouble() * span;
        double theta = rnd.nextDouble() * Math.PI;
        Kernel k = Kernels.anisotropicGaussian(size, Math.sqrt(v1), Math.sqrt(v2), theta);
        return Kernels.shiftForDecimation(k, scale);
    }

    /** Mixes (seed, step, index) into one well-spread 64-bit seed (SplitMix64 finalizer). */
    static long mix(long seed, long step, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L + index;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
