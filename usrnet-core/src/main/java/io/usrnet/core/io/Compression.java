package io.usrnet.core.io;

/**
 * How {@link ImageFiles} compresses the TIFF files it writes. Both are lossless. PNG files are
 * always Deflate-compressed (the format has no other choice) and {@code .npy} files never are, so
 * this setting concerns TIFF only.
 */
public enum Compression {
    /**
     * Deflate (zlib, TIFF compression 8, "Adobe Deflate"), without a predictor, so that every
     * TIFF reader reads it, the Java runtime's included. The default.
     */
    DEFLATE,
    /** No compression: the largest files, for tools that read only baseline uncompressed TIFF. */
    NONE
}
