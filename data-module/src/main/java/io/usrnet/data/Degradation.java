package io.usrnet.data;

import java.util.Objects;

/**
 * A known degradation {@code y = (x ⊗ k)↓s + n} (PROTOCOL.md §1): the blur kernel k, the integer
 * scale s, the standard deviation σ of the white Gaussian noise n, and how the image border is
 * treated. Immutable and validated once, when it is built; every part of the library that degrades
 * or restores (degrade, solve, restore, the evaluation and the training sampler) takes this one type.
 *
 * <p><b>Units.</b> σ is always in 8-bit units, [0, 255], as the paper writes it: σ = 2.55 is 1 % of
 * the range of an image whose samples lie in [0, 1]. (The networks receive σ/255 internally.)
 *
 * <pre>{@code
 * Degradation d = Degradation.of(kernel, 4, 2.55);                  // periodic boundary
 * Image lr = d.apply(hr, seed);                                     // synthetic LR
 * Degradation real = d.toBuilder().boundary(Boundary.SMOOTH).build(); // for a photograph
 * }</pre>
 */
public final class Degradation {
    private final Kernel kernel;
    private final int scale;
    private final double sigma;
    private final Boundary boundary;

    private Degradation(Builder b) {
        if (b.kernel == null) {
            throw new IllegalArgumentException("a degradation needs a kernel (Kernel.delta() for none)");
        }
        if (b.scale < 1) {
            throw new IllegalArgumentException("scale must be a positive integer, got " + b.scale);
        }
        if (!(b.sigma >= 0) || !Double.isFinite(b.sigma)) {
            throw new IllegalArgumentException("sigma must be a finite number >= 0 in [0, 255] units, got " + b.sigma);
        }
        this.kernel = b.kernel;
        this.scale = b.scale;
        this.sigma = b.sigma;
        this.boundary = Objects.requireNonNull(b.boundary, "boundary");
    }

    /**
     * The degradation with kernel {@code kernel}, scale {@code scale} and noise level {@code sigma}
     * (in [0, 255] units), periodic boundary.
     *
     * @throws IllegalArgumentException if the kernel is null, the scale below 1 or σ negative or not
     *                                  finite
     */
    public static Degradation of(Kernel kernel, int scale, double sigma) {
        return builder().kernel(kernel).scale(scale).sigma(sigma).build();
    }

    /** A builder: scale 1, σ 0, periodic boundary; the kernel must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this degradation's values, to derive another. */
    public Builder toBuilder() {
        return builder().kernel(kernel).scale(scale).sigma(sigma).boundary(boundary);
    }

    /** @return the blur kernel, not flipped, as given */
    public Kernel kernel() {
        return kernel;
    }

    /** @return the integer scale factor s ≥ 1 (1 = deblurring only) */
    public int scale() {
        return scale;
    }

    /** @return the noise standard deviation σ in [0, 255] units */
    public double sigma() {
        return sigma;
    }

    /** @return how the border is treated */
    public Boundary boundary() {
        return boundary;
    }

    /**
     * Degrades {@code hr}: blur by the kernel ({@link Boundary#PERIODIC}: circular,
     * {@link Degradations#blur}; {@link Boundary#SMOOTH}: mirror-reflected, as a real camera's
     * blur behaves at the border, {@link Degradations#blurReflect}), upper-left decimation by s
     * ({@link Degradations#decimate}), then white Gaussian noise of standard deviation σ/255 drawn
     * from {@code seed} ({@link Degradations#addGaussianNoise}; none for σ = 0). Values are
     * neither quantised nor clamped. {@code hr} is not modified.
     *
     * @param hr   the sharp image, any channel count
     * @param seed the noise seed (unused for σ = 0)
     * @return the degraded image, ⌈H/s⌉ × ⌈W/s⌉
     */
    public Image apply(Image hr, long seed) {
        Objects.requireNonNull(hr, "hr");
        Image blurred = boundary == Boundary.PERIODIC ? Degradations.blur(hr, kernel)
                : Degradations.blurReflect(hr, kernel);
        return Degradations.addGaussianNoise(Degradations.decimate(blurred, scale), sigma, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Degradation d && kernel.equals(d.kernel) && scale == d.scale
                && Double.compare(sigma, d.sigma) == 0 && boundary == d.boundary;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kernel, scale, sigma, boundary);
    }

    @Override
    public String toString() {
        return "Degradation[kernel " + kernel.shape() + ", scale " + scale + ", sigma " + sigma + "/255, "
                + boundary.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }

    /** Builder of {@link Degradation}; {@link #build()} validates. */
    public static final class Builder {
        private Kernel kernel;
        private int scale = 1;
        private double sigma;
        private Boundary boundary = Boundary.PERIODIC;

        private Builder() {
        }

        /** The blur kernel, not flipped ({@link Kernel#delta()} for no blur). */
        public Builder kernel(Kernel kernel) {
            this.kernel = kernel;
            return this;
        }

        /** The integer scale factor s ≥ 1 (default 1: deblurring only). */
        public Builder scale(int scale) {
            this.scale = scale;
            return this;
        }

        /** The noise standard deviation σ in [0, 255] units (default 0). */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        /** The border handling (default {@link Boundary#PERIODIC}). */
        public Builder boundary(Boundary boundary) {
            this.boundary = boundary;
            return this;
        }

        /**
         * The degradation.
         *
         * @throws IllegalArgumentException if the kernel is missing, the scale below 1 or σ negative
         *                                  or not finite
         * @throws NullPointerException     if the boundary is null
         */
        public Degradation build() {
            return new Degradation(this);
        }
    }
}
