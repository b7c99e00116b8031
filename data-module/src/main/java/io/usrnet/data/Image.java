package io.usrnet.data;

import java.util.Arrays;
import java.util.Optional;

/**
 * An immutable image: {@code channels × height × width} float samples stored planar
 * (channel-major, then row-major), nominal range [0, 1].
 *
 * <p>Values are not clamped: intermediate results of a restoration may leave [0, 1]. Use
 * {@link #of} to build one from an array you keep, or {@link #wrap} to hand over an array you
 * will never touch again (no copy). {@link #toArray()} always returns a fresh copy.
 */
public final class Image {
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    private Image(int channels, int height, int width, float[] data) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "image dimensions must be positive, got " + channels + "×" + height + "×" + width);
        }
        long n = (long) channels * height * width;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "image too large: " + channels + "×" + height + "×" + width + " samples");
        }
        if (data.length != n) {
            throw new IllegalArgumentException("image data holds " + data.length + " samples, but "
                    + channels + "×" + height + "×" + width + " needs " + n);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    /** An image holding a copy of {@code planar} (C×H×W order). */
    public static Image of(int channels, int height, int width, float[] planar) {
        return new Image(channels, height, width, planar.clone());
    }

    /**
     * An image that takes ownership of {@code planar} (C×H×W order) without copying. The caller
     * must not modify the array afterwards; this exists so that producers of fresh arrays (readers,
     * the data step, the prior) do not pay for a copy.
     */
    public static Image wrap(int channels, int height, int width, float[] planar) {
        return new Image(channels, height, width, planar);
    }

    /** A zero-filled image. */
    public static Image zeros(int channels, int height, int width) {
        return new Image(channels, height, width, new float[channels * height * width]);
    }

    /** Number of channels C. */
    public int channels() {
        return channels;
    }

    /** Height H in pixels. */
    public int height() {
        return height;
    }

    /** Width W in pixels. */
    public int width() {
        return width;
    }

    /** Number of samples, {@code channels × height × width}. */
    public int size() {
        return data.length;
    }

    /** Sample at channel {@code c}, row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    /**
     * The backing array itself (planar C×H×W), for read-only use inside this package: callers
     * must never modify it. Saves a copy in the numerics of this package.
     */
    float[] buffer() {
        return data;
    }

    /** A fresh copy of the samples in planar C×H×W order. */
    public float[] toArray() {
        return data.clone();
    }

    /** Copies the samples (planar C×H×W) into {@code out}, which must have {@link #size()} entries. */
    public void copyTo(float[] out) {
        if (out.length != data.length) {
            throw new IllegalArgumentException(
                    "output holds " + out.length + " samples, image has " + data.length);
        }
        System.arraycopy(data, 0, out, 0, data.length);
    }

    /**
     * Copies the samples (planar C×H×W) into {@code out} starting at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if they do not fit
     */
    public void copyTo(float[] out, int offset) {
        System.arraycopy(data, 0, out, offset, data.length);
    }

    /** One channel as a new single-channel image. */
    public Image channel(int c) {
        if (c < 0 || c >= channels) {
            throw new IndexOutOfBoundsException("channel " + c + " of a " + channels + "-channel image");
        }
        int plane = height * width;
        return new Image(1, height, width, Arrays.copyOfRange(data, c * plane, (c + 1) * plane));
    }

    /**
     * This image as RGB: a grey (1-channel) image with its plane copied to all three channels; a
     * 3-channel image is returned itself.
     *
     * @throws IllegalArgumentException for other channel counts
     */
    public Image toRgb() {
        if (channels == 3) {
            return this;
        }
        if (channels != 1) {
            throw new IllegalArgumentException("only a grey or an RGB image converts to RGB, got " + channels
                    + " channels");
        }
        int plane = height * width;
        float[] v = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(data, 0, v, c * plane, plane);
        }
        return new Image(3, height, width, v);
    }

    /** The mean of the channels, sample by sample (in double), as a new single-channel image. */
    public Image meanOfChannels() {
        int plane = height * width;
        float[] g = new float[plane];
        for (int p = 0; p < plane; p++) {
            double s = 0;
            for (int c = 0; c < channels; c++) {
                s += data[c * plane + p];
            }
            g[p] = (float) (s / channels);
        }
        return new Image(1, height, width, g);
    }

    /**
     * The largest absolute difference between corresponding samples of this image and
     * {@code other} (computed in double; 0 for equal images).
     *
     * @throws IllegalArgumentException if the shapes differ
     */
    public double maxAbsDifference(Image other) {
        if (channels != other.channels || height != other.height || width != other.width) {
            throw new IllegalArgumentException("cannot compare a " + shape() + " image with a " + other.shape() + " image");
        }
        double m = 0;
        for (int i = 0; i < data.length; i++) {
            m = Math.max(m, Math.abs((double) data[i] - other.data[i]));
        }
        return m;
    }

    /** True if every sample is finite (no NaN or infinity). */
    public boolean isFinite() {
        return firstNonFinite().isEmpty();
    }

    /**
     * Where the first NaN or infinite sample is (in planar order), as
     * {@code "channel C, row R, column X (VALUE)"}; empty if every sample is finite.
     */
    public Optional<String> firstNonFinite() {
        return Optional.ofNullable(Checks.firstNonFinite(data, height, width));
    }

    /** Shape as text, e.g. {@code 3×64×96}. */
    public String shape() {
        return channels + "×" + height + "×" + width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Image other
                && channels == other.channels
                && height == other.height
                && width == other.width
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * channels + height) + width) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Image[" + shape() + "]";
    }
}
