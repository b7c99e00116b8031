package io.usrnet.core.io;

import io.usrnet.data.Image;
import java.io.IOException;
import java.util.Objects;

/**
 * An image supplied one row at a time, for writing images larger than memory
 * ({@link ImageFiles#write(java.nio.file.Path, RowSource, SampleFormat, PixelSize)}): a writer asks for the rows
 * it is about to encode and keeps no more than a row or a strip of them. Rows are normally asked for
 * in increasing order, each once, but a source must answer for any row in any order.
 *
 * <p>Samples are floats as everywhere in the library: nominally in [0, 1], which integer sample
 * formats clamp to; {@code .npy} files store them as they are.
 */
public interface RowSource {
    /** Number of rows, at least 1. */
    int height();

    /** Number of columns, at least 1. */
    int width();

    /** Number of colour channels, at least 1 (1 grey or 3 RGB for PNG and TIFF). */
    int channels();

    /** True if the image has an alpha channel (1 = opaque), which {@link #row} then fills. */
    boolean hasAlpha();

    /**
     * Fills row y: colour samples by channel, color[c * width() + x]; alpha[x] when hasAlpha()
     * (else alpha is null).
     *
     * @param y     the row, 0 ≤ y &lt; {@link #height()}
     * @param color modified: receives the row's {@link #channels()} × {@link #width()} colour
     *              samples, channel after channel
     * @param alpha modified: receives the row's {@link #width()} alpha samples; {@code null} unless
     *              {@link #hasAlpha()}
     * @throws IOException if the row cannot be produced (the write then fails and leaves no file)
     */
    void row(int y, float[] color, float[] alpha) throws IOException;

    /**
     * The rows of an image held in memory (planar C×H×W): what the whole-image writers hand to the
     * row-by-row encoders, so that both take one path.
     *
     * @param color the colour channels
     * @param alpha the alpha channel, 1×H×W like the colour, or {@code null} for none
     * @throws IllegalArgumentException if {@code alpha} is not single-channel of the colour's size
     */
    static RowSource of(Image color, Image alpha) {
        Objects.requireNonNull(color, "color");
        new ImageData(color, alpha, SampleFormat.FLOAT32); // checks the alpha's shape, with its message
        return new RowSource() {
            @Override
            public int height() {
                return color.height();
            }

            @Override
            public int width() {
                return color.width();
            }

            @Override
            public int channels() {
                return color.channels();
            }

            @Override
            public boolean hasAlpha() {
                return alpha != null;
            }

            @Override
            public void row(int y, float[] colorRow, float[] alphaRow) {
                int w = color.width();
                for (int c = 0; c < color.channels(); c++) {
                    for (int x = 0; x < w; x++) {
                        colorRow[c * w + x] = color.get(c, y, x);
                    }
                }
                if (alpha != null) {
                    for (int x = 0; x < w; x++) {
                        alphaRow[x] = alpha.get(0, y, x);
                    }
                }
            }
        };
    }
}
