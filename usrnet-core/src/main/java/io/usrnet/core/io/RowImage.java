package io.usrnet.core.io;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.Vector;

/**
 * A {@link RowSource} as a Java 2D image whose pixels are made when asked for: {@link #getData(Rectangle)}
 * builds the raster of the requested rows from {@link RowSource#row}, so that an ImageIO writer that
 * encodes row by row (the PNG writer asks for {@code getData(new Rectangle(0, y, width, 1))} once per
 * row) never holds the image. Samples are stored as {@link SampleFormat} says, integers quantised
 * with {@link SampleFormat#quantize}; {@link #toBufferedImage()} gives the whole image the same way,
 * so that both kinds of writes encode the same pixels.
 *
 * <p>The interface's methods cannot throw {@link IOException}: a failure of the source (or a
 * {@link RuntimeException} from it, such as a rejected sample) leaves them as a {@link Failure},
 * which {@link Failure#rethrowIn} turns back into what the source threw.
 */
final class RowImage implements RenderedImage {
    /** A failure of the row source, carried through the Java 2D and ImageIO code that called it. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(Exception cause) {
            super(cause);
        }

        /**
         * Throws what the row source threw if {@code e} is, or was caused by, a {@link Failure};
         * returns otherwise.
         */
        static void rethrowIn(Throwable e) throws IOException {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof Failure f) {
                    if (f.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw (RuntimeException) f.getCause();
                }
            }
        }
    }

    private final RowSource rows;
    private final SampleFormat format;
    private final ComponentColorModel colorModel;
    private final SampleModel sampleModel;
    private final float[] color;
    private final float[] alpha;

    /**
     * The image of {@code rows}, its samples to be stored as {@code format}.
     *
     * @throws IllegalArgumentException unless the source has 1 (grey) or 3 (RGB) channels
     */
    RowImage(RowSource rows, SampleFormat format) {
        if (rows.channels() != 1 && rows.channels() != 3) {
            throw new IllegalArgumentException("a Java 2D image holds 1 (grey) or 3 (RGB) colour channels, got "
                    + rows.channels());
        }
        this.rows = rows;
        this.format = format;
        int type = switch (format) {
            case UINT8 -> DataBuffer.TYPE_BYTE;
            case UINT16 -> DataBuffer.TYPE_USHORT;
            case FLOAT32 -> DataBuffer.TYPE_FLOAT;
        };
        ColorSpace space = ColorSpace.getInstance(rows.channels() == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        boolean hasAlpha = rows.hasAlpha();
        colorModel = new ComponentColorModel(space, hasAlpha, false,
                hasAlpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
        // a description of the layout alone: no samples are allocated for the whole image
        sampleModel = colorModel.createCompatibleSampleModel(rows.width(), rows.height());
        color = new float[rows.channels() * rows.width()];
        alpha = hasAlpha ? new float[rows.width()] : null;
    }

    /** The whole image in memory, with the colour model and samples {@link #getData(Rectangle)} gives. */
    BufferedImage toBufferedImage() throws IOException {
        WritableRaster raster = colorModel.createCompatibleWritableRaster(rows.width(), rows.height());
        fill(raster);
        return new BufferedImage(colorModel, raster, false, null);
    }

    /**
     * Fills the part of the image {@code raster} covers (its bounds, inside the image) from the rows
     * of the source, one row at a time: colour bands, then alpha.
     */
    private void fill(WritableRaster raster) throws IOException {
        int w = rows.width();
        int x0 = raster.getMinX();
        int n = raster.getWidth();
        int colors = rows.channels();
        float[] band = new float[n];
        int[] quantized = format.isInteger() ? new int[n] : null;
        for (int y = raster.getMinY(); y < raster.getMinY() + raster.getHeight(); y++) {
            rows.row(y, color, alpha);
            for (int b = 0; b < colors + (alpha != null ? 1 : 0); b++) {
                if (b < colors) {
                    System.arraycopy(color, b * w + x0, band, 0, n);
                } else {
                    System.arraycopy(alpha, x0, band, 0, n);
                }
                if (quantized == null) {
                    raster.setSamples(x0, y, n, 1, b, band);
                } else {
                    for (int i = 0; i < n; i++) {
                        quantized[i] = format.quantize(band[i]);
                    }
                    raster.setSamples(x0, y, n, 1, b, quantized);
                }
            }
        }
    }

    private Rectangle bounds() {
        return new Rectangle(0, 0, rows.width(), rows.height());
    }

    /** The samples of {@code region} (clipped to the image), made from its rows now. */
    @Override
    public Raster getData(Rectangle region) {
        Rectangle r = region.intersection(bounds());
        WritableRaster raster = Raster.createWritableRaster(
                sampleModel.createCompatibleSampleModel(r.width, r.height), new Point(r.x, r.y));
        return copyData(raster);
    }

    /** The whole image: holds every sample; the writers here ask for rows instead. */
    @Override
    public Raster getData() {
        return getData(bounds());
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        WritableRaster target = raster != null ? raster : colorModel.createCompatibleWritableRaster(rows.width(),
                rows.height());
        Rectangle r = target.getBounds().intersection(bounds());
        try {
            fill(target.createWritableChild(r.x, r.y, r.width, r.height, r.x, r.y, null));
        } catch (IOException | RuntimeException e) {
            throw new Failure(e);
        }
        return target;
    }

    /** The image is one tile: the whole image (see {@link #getData()}). */
    @Override
    public Raster getTile(int tileX, int tileY) {
        return getData();
    }

    @Override
    public Vector<RenderedImage> getSources() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        return java.awt.Image.UndefinedProperty;
    }

    @Override
    public String[] getPropertyNames() {
        return null;
    }

    @Override
    public ColorModel getColorModel() {
        return colorModel;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel;
    }

    @Override
    public int getWidth() {
        return rows.width();
    }

    @Override
    public int getHeight() {
        return rows.height();
    }

    @Override
    public int getMinX() {
        return 0;
    }

    @Override
    public int getMinY() {
        return 0;
    }

    @Override
    public int getNumXTiles() {
        return 1;
    }

    @Override
    public int getNumYTiles() {
        return 1;
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return 0;
    }

    @Override
    public int getTileWidth() {
        return rows.width();
    }

    @Override
    public int getTileHeight() {
        return rows.height();
    }

    @Override
    public int getTileGridXOffset() {
        return 0;
    }

    @Override
    public int getTileGridYOffset() {
        return 0;
    }
}
