package io.usrnet.core.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The image file formats {@link ImageFiles} handles, chosen by file extension (case-insensitive).
 *
 * <table>
 * <caption>Formats</caption>
 * <tr><th>format</th><th>extensions</th><th>read</th><th>write</th></tr>
 * <tr><td>PNG</td><td>.png</td><td>1–16 bit grey, RGB, palette; with or without alpha</td>
 *     <td>UINT8, UINT16; grey or RGB, optional alpha</td></tr>
 * <tr><td>TIFF</td><td>.tif, .tiff</td><td>TIFF and BigTIFF, either byte order; strips or tiles,
 *     chunky or planar; uncompressed, LZW, Deflate, PackBits (JPEG and CCITT through the Java
 *     runtime's reader); horizontal and floating-point predictors; 1/2/4/8/16-bit unsigned integers,
 *     16/32/64-bit floats; grey, RGB or palette, optional alpha; the pixel size of the resolution
 *     tags, ImageJ and OME-XML metadata. A single image only: stacks and multi-page files are
 *     refused</td><td>UINT8, UINT16, FLOAT32; grey or RGB, optional alpha; Deflate (default) or
 *     uncompressed; the pixel size as resolution tags (+ ImageJ unit); BigTIFF past 4 GiB</td></tr>
 * <tr><td>JPEG</td><td>.jpg, .jpeg</td><td>8-bit grey or RGB</td><td>no (lossy)</td></tr>
 * <tr><td>NPY</td><td>.npy</td><td>H×W or H×W×C float32/float64/uint8/uint16/bool, either byte order,
 *     C or Fortran order</td>
 *     <td>float32 H×W or H×W×C, unclamped, no alpha</td></tr>
 * </table>
 */
public enum ImageFormat {
    /** Portable Network Graphics. */
    PNG(true, EnumSet.of(SampleFormat.UINT8, SampleFormat.UINT16), SampleFormat.UINT8, "png"),
    /** TIFF and BigTIFF (Deflate-compressed when written, unless told otherwise). */
    TIFF(true, EnumSet.allOf(SampleFormat.class), SampleFormat.FLOAT32, "tif", "tiff"),
    /** JPEG, read only: writing it would lose information silently. */
    JPEG(false, EnumSet.noneOf(SampleFormat.class), SampleFormat.UINT8, "jpg", "jpeg"),
    /** NumPy {@code .npy} arrays, as the reference fixtures store images. */
    NPY(true, EnumSet.allOf(SampleFormat.class), SampleFormat.FLOAT32, "npy");

    private final boolean writable;
    private final Set<SampleFormat> writableFormats;
    private final SampleFormat defaultFormat;
    private final List<String> extensions;

    ImageFormat(boolean writable, Set<SampleFormat> writableFormats, SampleFormat defaultFormat,
            String... extensions) {
        this.writable = writable;
        this.writableFormats = writableFormats;
        this.defaultFormat = defaultFormat;
        this.extensions = List.of(extensions);
    }

    /** The extensions of this format, lower case, without the dot. */
    public List<String> extensions() {
        return extensions;
    }

    /** True if {@link ImageFiles} can write this format. */
    public boolean isWritable() {
        return writable;
    }

    /**
     * True if a file of this format can be written with the given sample format. {@code .npy}
     * accepts every sample format but always stores float32.
     */
    public boolean canWrite(SampleFormat format) {
        return writableFormats.contains(format);
    }

    /**
     * The sample format {@link ImageFiles#write(Path, io.usrnet.data.Image)} uses for a plain
     * image: UINT8 for PNG, FLOAT32 (lossless) for TIFF and NPY.
     */
    public SampleFormat defaultSampleFormat() {
        return defaultFormat;
    }

    /**
     * The format of a file, from its extension.
     *
     * @throws IllegalArgumentException if the extension is not one of {@link #readableExtensions()}
     */
    public static ImageFormat forPath(Path file) {
        String ext = extension(file);
        for (ImageFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return f;
            }
        }
        throw new IllegalArgumentException(file + ": unsupported image file extension "
                + (ext.isEmpty() ? "(none)" : "'." + ext + "'") + "; supported: " + String.join(", ", readableExtensions()));
    }

    /** Whether a file's extension is one of {@link #readableExtensions()} (the file itself is not opened). */
    public static boolean isReadable(Path file) {
        String ext = extension(file);
        for (ImageFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The format of a file to be written, from its extension.
     *
     * @throws IllegalArgumentException if the extension is unknown or names a read-only format
     */
    public static ImageFormat forWriting(Path file) {
        ImageFormat f;
        try {
            f = forPath(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": unsupported output image extension; supported: "
                    + String.join(", ", writableExtensions()), e);
        }
        if (!f.writable) {
            throw new IllegalArgumentException(file + ": writing " + f + " is not supported (lossy); supported: "
                    + String.join(", ", writableExtensions()));
        }
        return f;
    }

    /** All readable extensions with their dot, e.g. {@code .png}. */
    public static List<String> readableExtensions() {
        return dotted(false);
    }

    /** All writable extensions with their dot. */
    public static List<String> writableExtensions() {
        return dotted(true);
    }

    private static List<String> dotted(boolean writableOnly) {
        List<String> out = new ArrayList<>();
        for (ImageFormat f : values()) {
            if (f.writable || !writableOnly) {
                f.extensions.forEach(e -> out.add("." + e));
            }
        }
        return out;
    }

    /** The extension of a file name, lower case without the dot, or "" if it has none. */
    static String extension(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
