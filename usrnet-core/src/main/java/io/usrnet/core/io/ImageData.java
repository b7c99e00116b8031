package io.usrnet.core.io;

import io.usrnet.data.Image;
import java.util.Objects;

/**
 * An image as read from a file, with what a writer needs to write it back the same way.
 *
 * @param color  the colour samples: 1 channel (grey) or 3 (RGB) for PNG/TIFF/JPEG files, any
 *               number for {@code .npy}; floats nominally in [0, 1]
 * @param alpha  the transparency channel kept aside as a single-channel image of the same height
 *               and width (1 = opaque), or {@code null} when the file has none
 * @param format    how the samples are (or are to be) stored in the file
 * @param pixelSize the physical size of a pixel as the file records it (TIFF resolution tags,
 *                  ImageJ or OME metadata), or {@code null} when it records none; written back
 *                  to TIFF files
 */
public record ImageData(Image color, Image alpha, SampleFormat format, PixelSize pixelSize) {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException     if {@code color} or {@code format} is null
     * @throws IllegalArgumentException if {@code alpha} is not single-channel of the colour's size
     */
    public ImageData {
        Objects.requireNonNull(color, "color");
        Objects.requireNonNull(format, "format");
        if (alpha != null && (alpha.channels() != 1 || alpha.height() != color.height()
                || alpha.width() != color.width())) {
            throw new IllegalArgumentException("alpha must be 1×" + color.height() + "×" + color.width()
                    + " to match the colour image " + color.shape() + ", got " + alpha.shape());
        }
    }

    /** An image without a pixel size. */
    public ImageData(Image color, Image alpha, SampleFormat format) {
        this(color, alpha, format, null);
    }

    /** An image without alpha, to be stored with the given sample format. */
    public static ImageData of(Image color, SampleFormat format) {
        return new ImageData(color, null, format);
    }

    /** True if an alpha channel is present. */
    public boolean hasAlpha() {
        return alpha != null;
    }

    /** True if a pixel size is present. */
    public boolean hasPixelSize() {
        return pixelSize != null;
    }

    /** The same image with the given pixel size ({@code null}: none). */
    public ImageData withPixelSize(PixelSize size) {
        return new ImageData(color, alpha, format, size);
    }
}
