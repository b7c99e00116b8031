package io.usrnet.data;

/** Argument checks with messages that name the offending value. */
final class Checks {
    private Checks() {
    }

    /**
     * Throws if a planar C×H×W sample array holds NaN or infinity, naming the first such sample.
     *
     * @param what the name used in the message, e.g. "x"
     */
    static void requireFinite(String what, float[] planar, int height, int width) {
        String where = firstNonFinite(planar, height, width);
        if (where != null) {
            throw new IllegalArgumentException(what + " contains a non-finite sample at " + where);
        }
    }

    /**
     * Where the first NaN or infinite sample of a planar C×H×W array is, as
     * {@code "channel C, row R, column X (VALUE)"}, or null if every sample is finite.
     */
    static String firstNonFinite(float[] planar, int height, int width) {
        for (int i = 0; i < planar.length; i++) {
            if (!Float.isFinite(planar[i])) {
                int plane = height * width;
                return "channel " + i / plane + ", row " + (i % plane) / width + ", column " + i % width + " ("
                        + planar[i] + ")";
            }
        }
        return null;
    }

    /** Throws if {@code image} holds NaN or infinity, naming the first such sample. */
    static void requireFinite(String what, Image image) {
        requireFinite(what, image.buffer(), image.height(), image.width());
    }

    /** Throws unless {@code value ≥ 1}. */
    static void requirePositive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be ≥ 1, got " + value);
        }
    }
}
