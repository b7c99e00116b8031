package io.usrnet.core.io;

/**
 * How the samples of an image are stored in a file: 8-bit or 16-bit unsigned integers, or 32-bit
 * floats. Inside the library every image is float in [0, 1]; integer samples map to it as
 * {@code v / 255} and {@code v / 65535}.
 */
public enum SampleFormat {
    /** Unsigned 8-bit samples, 0..255. */
    UINT8(255),
    /** Unsigned 16-bit samples, 0..65535. */
    UINT16(65535),
    /** 32-bit IEEE floats, stored as they are (not clamped). */
    FLOAT32(0);

    private final int max;

    SampleFormat(int max) {
        this.max = max;
    }

    /** True for {@link #UINT8} and {@link #UINT16}. */
    public boolean isInteger() {
        return max > 0;
    }

    /**
     * The largest integer sample (255 or 65535).
     *
     * @throws UnsupportedOperationException for {@link #FLOAT32}
     */
    public int maxValue() {
        if (max == 0) {
            throw new UnsupportedOperationException("FLOAT32 has no integer range");
        }
        return max;
    }

    /**
     * Converts one float sample to this integer format the way the reference does
     * ({@code np.uint8((img.clip(0, 1) * 255.).round())} on a float32 array): clamp to [0, 1],
     * multiply by the maximum in float32 arithmetic, round half to even.
     *
     * @param value a finite sample (NaN would map to 0; callers reject non-finite images first)
     * @return the integer sample, 0..{@link #maxValue()}
     * @throws UnsupportedOperationException for {@link #FLOAT32}
     */
    public int quantize(float value) {
        float clamped = value > 1f ? 1f : (value > 0f ? value : 0f);
        return (int) Math.rint(clamped * (float) maxValue());
    }
}
