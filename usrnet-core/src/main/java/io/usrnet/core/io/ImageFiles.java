package io.usrnet.core.io;

import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.awt.Rectangle;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.FileImageOutputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads and writes image files, choosing the format by extension (see {@link ImageFormat}).
 *
 * <p>Inside the library images are float in [0, 1]: 8-bit samples are {@code v / 255}, 16-bit
 * {@code v / 65535}, float samples are taken as they are. Grey files give one channel, RGB files
 * three; an alpha channel is kept aside in {@link ImageData#alpha()}. Writing integer formats
 * clamps to [0, 1] and rounds half to even like the reference ({@link SampleFormat#quantize}).
 *
 * <p>Images larger than memory are read by region ({@link #readRegion}) and written row by row
 * ({@link #write(Path, RowSource, SampleFormat, PixelSize)}).
 *
 * <p>Writes are atomic ({@link AtomicFiles}): a failed write leaves no partial file and an
 * existing target untouched. Non-finite samples are rejected both when reading float files and
 * before writing any file (row by row, as the rows arrive, when writing from a {@link RowSource}).
 */
public final class ImageFiles {
    /**
     * Largest pixel count decoded at once, of a whole image or of a region ({@link #readRegion}):
     * the planar floats must fit in an array.
     */
    static final long MAX_PIXELS = (Integer.MAX_VALUE - 8) / 4;

    private ImageFiles() {
    }

    /**
     * Reads an image file.
     *
     * @return the colour channels, the alpha channel if any, and the file's sample format
     *         (float64 {@code .npy} and TIFF files report {@link SampleFormat#FLOAT32})
     * @throws NoSuchFileException      if the file does not exist ("file not found")
     * @throws InvalidFileException     if the file is corrupt, truncated, of an unsupported layout,
     *                                  or holds NaN or infinite samples
     * @throws IllegalArgumentException if the extension is not a supported one
     * @throws IOException              on other read errors
     */
    public static ImageData read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads part of an image file: rows {@code y..y+height-1}, columns {@code x..x+width-1}. The
     * result is exactly what {@link #read} followed by a crop of the colour and alpha gives (the
     * same sample format and pixel size, the same floats bit for bit), without decoding or holding
     * the whole image where the format allows: of a TIFF only the strips or tiles that intersect
     * the region are decoded (layouts the library's TIFF reader does not decode go to the Java
     * runtime's, as below); PNG and JPEG files are decoded by the Java runtime's readers from the
     * file, told the region; of a C-order {@code .npy} array only the region's row segments
     * are read, a Fortran-order one is read whole and cut. The pixel limit of {@link #read} applies
     * to the region, so regions of an image too large to read whole can be read.
     *
     * @param y      the first row, 0 ≤ y
     * @param x      the first column, 0 ≤ x
     * @param height rows, at least 1, {@code y + height} at most the image's height
     * @param width  columns, at least 1, {@code x + width} at most the image's width
     * @return the region's colour channels, alpha if any, sample format and the file's pixel size
     * @throws IllegalArgumentException if the region is empty or not inside the image (the message
     *                                  names the file, the region and the image's size), or the
     *                                  extension is not a supported one
     * @throws NoSuchFileException      if the file does not exist ("file not found")
     * @throws InvalidFileException     as {@link #read}, also for NaN or infinite samples in the region
     * @throws IOException              on other read errors
     */
    public static ImageData readRegion(Path file, int y, int x, int height, int width) throws IOException {
        return read(file, new Region(y, x, height, width));
    }

    /** Reads the whole image ({@code region} null) or a region of it: the one path of both. */
    private static ImageData read(Path file, Region region) throws IOException {
        ImageFormat format = ImageFormat.forPath(file);
        requireReadableFile(file);
        ImageData data = switch (format) {
            case NPY -> readNpy(file, region);
            case TIFF -> readTiff(file, region);
            default -> readWithImageIO(file, format, region);
        };
        requireFinite(file, data.color(), "");
        if (data.hasAlpha()) {
            requireFinite(file, data.alpha(), "alpha ");
        }
        return data;
    }

    /**
     * Rows {@code y..y+height-1} and columns {@code x..x+width-1} of an image, as
     * {@link #readRegion} takes them.
     */
    record Region(int y, int x, int height, int width) {
        /**
         * Throws {@link RegionOutside} unless the region is non-empty and inside an image of
         * {@code imageHeight}×{@code imageWidth} pixels.
         */
        void requireInside(Path file, int imageHeight, int imageWidth) {
            if (y < 0 || x < 0 || height < 1 || width < 1 || (long) y + height > imageHeight
                    || (long) x + width > imageWidth) {
                throw new RegionOutside(file + ": region of height " + height + " and width " + width + " at row "
                        + y + ", column " + x + " is not inside the image of height " + imageHeight + " and width "
                        + imageWidth + " (rows and columns count from 0; height and width must be at least 1)");
            }
        }
    }

    /**
     * A region that is not inside the image: thrown through the readers' handlers of runtime
     * failures, which would otherwise report it as a damaged file.
     */
    static final class RegionOutside extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        RegionOutside(String message) {
            super(message);
        }
    }

    /**
     * The size of an image file (of its first page) from its header alone, without decoding it:
     * for planning memory before a batch is read, or cutting an image into regions
     * ({@link #readRegion}). Formats the Java runtime reads (PNG, JPEG, BMP, GIF, TIFF) are probed;
     * of a {@code .npy} file the header's shape gives it ({@code shape[0]}, {@code shape[1]} of an
     * H×W or H×W×C array). For files whose header cannot be read, or that hold no image, null
     * (unknown; {@link #read} reports what is wrong).
     *
     * @return {@code {height, width}}, or null if unknown
     */
    public static int[] headerSize(Path file) {
        try {
            ImageFormat format = ImageFormat.forPath(file);
            if (format == ImageFormat.NPY) {
                int[] shape = NpyArray.readHeader(file).shape();
                return shape.length == 2 || shape.length == 3 ? new int[] {shape[0], shape[1]} : null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                if (in == null) {
                    return null;
                }
                reader.setInput(in, true, true);
                return new int[] {reader.getHeight(0), reader.getWidth(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reads an image file and returns its colour channels only (any alpha is dropped). */
    public static Image readImage(Path file) throws IOException {
        return read(file).color();
    }

    /**
     * Writes an image with the default sample format of the file's format
     * ({@link ImageFormat#defaultSampleFormat()}: 8-bit PNG, float TIFF, float32 {@code .npy}).
     *
     * @see #write(Path, ImageData)
     */
    public static void write(Path file, Image image) throws IOException {
        write(file, ImageData.of(image, ImageFormat.forWriting(file).defaultSampleFormat()));
    }

    /**
     * Writes an image with the given sample format.
     *
     * @see #write(Path, ImageData)
     */
    public static void write(Path file, Image image, SampleFormat format) throws IOException {
        write(file, ImageData.of(image, format));
    }

    /**
     * Writes an image atomically in the format named by the file's extension.
     *
     * <p>PNG and TIFF take 1 (grey) or 3 (RGB) colour channels plus the optional alpha; PNG takes
     * UINT8 or UINT16 samples, TIFF also FLOAT32. {@code .npy} takes any number of channels (H×W
     * for one, H×W×C otherwise), always stores float32 values unclamped, and has no alpha.
     * TIFF files are Deflate-compressed and carry the {@link ImageData#pixelSize() pixel size};
     * PNG and {@code .npy} files do not record one.
     *
     * @throws IllegalArgumentException if the extension is unsupported or read-only, the format
     *                                  cannot hold the channel count, sample format or alpha, or
     *                                  a sample is NaN or infinite; nothing is written then
     * @throws NoSuchFileException      if the output directory does not exist
     * @throws IOException              if writing fails; the target is then unchanged
     */
    public static void write(Path file, ImageData data) throws IOException {
        write(file, data, Compression.DEFLATE);
    }

    /**
     * What to write to {@code output} for an image computed from an input: the input's sample format
     * where the output's format can hold it (8-bit in, 8-bit out; 16-bit in, 16-bit out), else the
     * output format's default; the alpha channel and the pixel size where the format records them
     * ({@code .npy} files hold float32 colour samples alone; only TIFF records a pixel size). The
     * rule every command and job that writes results follows.
     *
     * @param alpha       the alpha channel, or {@code null}
     * @param inputFormat the input's sample format
     * @param pixelSize   the output's pixel size (the input's, divided or multiplied by the scale), or
     *                    {@code null}
     * @throws IllegalArgumentException if the output's extension names no writable format
     */
    public static ImageData forOutput(Path output, Image color, Image alpha, SampleFormat inputFormat,
            PixelSize pixelSize) {
        ImageFormat format = ImageFormat.forWriting(output);
        SampleFormat sample = outputSampleFormat(output, inputFormat);
        if (format == ImageFormat.NPY) {
            return new ImageData(color, null, sample);
        }
        return new ImageData(color, alpha, sample, format == ImageFormat.TIFF ? pixelSize : null);
    }

    /**
     * The sample format {@link #forOutput} writes to {@code output} for an input of
     * {@code inputFormat}: the input's where the output's format holds it, else the output format's
     * default (always FLOAT32 for {@code .npy}).
     *
     * @throws IllegalArgumentException if the output's extension names no writable format
     */
    public static SampleFormat outputSampleFormat(Path output, SampleFormat inputFormat) {
        ImageFormat format = ImageFormat.forWriting(output);
        if (format == ImageFormat.NPY) {
            return SampleFormat.FLOAT32;
        }
        return format.canWrite(inputFormat) ? inputFormat : format.defaultSampleFormat();
    }

    /**
     * Writes an image atomically as {@link #write(Path, ImageData)} does, with the given TIFF
     * compression ({@link Compression}; PNG and {@code .npy} files are written as always).
     *
     * @see #write(Path, ImageData)
     */
    public static void write(Path file, ImageData data, Compression compression) throws IOException {
        Objects.requireNonNull(compression, "compression");
        ImageFormat format = ImageFormat.forWriting(file);
        Image color = data.color();
        requireWritable(file, format, color.channels(), data.hasAlpha(), data.format());
        requireFiniteForWrite(file, color, "");
        if (data.hasAlpha()) {
            requireFiniteForWrite(file, data.alpha(), "alpha ");
        }
        if (format == ImageFormat.NPY) {
            AtomicFiles.write(file, tmp -> NpyArray.writeImage(tmp, color));
            return;
        }
        if (format == ImageFormat.TIFF) {
            AtomicFiles.write(file, tmp -> TiffWriter.write(tmp, data, compression));
            return;
        }
        BufferedImage image = new RowImage(RowSource.of(color, data.alpha()), data.format()).toBufferedImage();
        String name = format.name().toLowerCase(Locale.ROOT);
        AtomicFiles.write(file, tmp -> writeWithImageIO(tmp, image, name));
    }

    /**
     * Writes an image supplied row by row, atomically, in the format named by the file's extension,
     * as {@link #write(Path, ImageData)} writes it (Deflate-compressed TIFF; the same bytes for the
     * same pixels), holding no more than about one row or one strip of it: for images larger than
     * memory. Each row is asked for once, in increasing order, and checked as it arrives: a NaN or
     * infinite sample fails the write (the temporary file is deleted, an existing target left as it
     * was).
     *
     * <p>TIFF files are encoded strip by strip ({@link RowSource#row} is called for the rows of one
     * strip, which is then compressed and written); PNG files row by row through the Java runtime's
     * writer; {@code .npy} files get the header of {@link NpyArray#writeImage} (float32, H×W or
     * H×W×C) and then the rows, pixel by pixel and channel by channel within a pixel.
     *
     * @param rows      the image: 1 or 3 colour channels and an optional alpha for PNG and TIFF, any
     *                  number of channels and no alpha for {@code .npy}
     * @param format    how the samples are stored: UINT8 or UINT16 for PNG, any for TIFF; ignored by
     *                  {@code .npy} files, which always hold float32 samples unclamped
     * @param pixelSize the pixel size to record, or {@code null}; recorded only by TIFF files
     * @throws IllegalArgumentException if the extension is unsupported or read-only, the format
     *                                  cannot hold the channel count, sample format or alpha, or a
     *                                  sample is NaN or infinite (then no file is left)
     * @throws NoSuchFileException      if the output directory does not exist
     * @throws IOException              if writing fails or the source throws it; the target is then
     *                                  unchanged
     */
    public static void write(Path file, RowSource rows, SampleFormat format, PixelSize pixelSize)
            throws IOException {
        Objects.requireNonNull(rows, "rows");
        Objects.requireNonNull(format, "format");
        ImageFormat fileFormat = ImageFormat.forWriting(file);
        if (rows.height() < 1 || rows.width() < 1 || rows.channels() < 1) {
            throw new IllegalArgumentException(file + ": cannot write an image of " + rows.channels() + " channels, "
                    + rows.height() + " rows and " + rows.width() + " columns");
        }
        requireWritable(file, fileFormat, rows.channels(), rows.hasAlpha(), format);
        RowSource checked = finiteRows(file, rows);
        switch (fileFormat) {
            case NPY -> AtomicFiles.write(file, tmp -> writeNpy(tmp, checked));
            case TIFF -> AtomicFiles.write(file, tmp -> TiffWriter.write(tmp, checked, format, pixelSize,
                    Compression.DEFLATE));
            default -> AtomicFiles.write(file, tmp -> writeWithImageIO(tmp, new RowImage(checked, format),
                    fileFormat.name().toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * Checks that {@code format} can hold an image of these channels, alpha and sample format, with
     * the messages every write gives.
     */
    private static void requireWritable(Path file, ImageFormat format, int channels, boolean hasAlpha,
            SampleFormat sampleFormat) {
        if (format == ImageFormat.NPY) {
            if (hasAlpha) {
                throw new IllegalArgumentException(file + ": .npy files do not carry a separate alpha channel; "
                        + "write the colour image alone or use .png/.tif");
            }
            return;
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(file + ": " + format + " holds 1 (grey) or 3 (RGB) colour channels"
                    + " plus an optional alpha, the image has " + channels + " channels; use .npy for other channel"
                    + " counts");
        }
        if (!format.canWrite(sampleFormat)) {
            throw new IllegalArgumentException(file + ": " + format + " cannot store " + sampleFormat
                    + " samples (it stores 8- or 16-bit integers); use .tif or .npy for float");
        }
    }

    /**
     * Throws {@link NoSuchFileException} ("file not found") if {@code file} does not exist and
     * {@link InvalidFileException} if it is a directory.
     */
    static void requireReadableFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw new InvalidFileException(file, "is a directory, not a file");
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a {@code .npy} image, or the region of it: only the region's part of the array is read
     * ({@link NpyArray#readRegion}) after its header shows an image array.
     */
    private static ImageData readNpy(Path file, Region region) throws IOException {
        NpyArray array;
        if (region == null) {
            array = NpyArray.read(file);
        } else {
            NpyArray.Header header = NpyArray.readHeader(file);
            try {
                header.requireImage();
            } catch (IllegalArgumentException e) {
                throw new InvalidFileException(file, e.getMessage(), e);
            }
            int[] shape = header.shape();
            region.requireInside(file, shape[0], shape[1]);
            array = NpyArray.readRegion(file, region.y(), region.x(), region.height(), region.width());
        }
        Image image;
        try {
            image = array.toImage();
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(file, e.getMessage(), e);
        }
        SampleFormat format = switch (array.dtype()) {
            case UINT8, BOOL -> SampleFormat.UINT8;
            case UINT16 -> SampleFormat.UINT16;
            default -> SampleFormat.FLOAT32; // float32/64: the other integer types were refused by toImage
        };
        return ImageData.of(image, format);
    }

    /**
     * Reads a TIFF, or the region of it, with {@link TiffReader}; layouts it does not decode (JPEG
     * or CCITT compression, YCbCr, CMYK, …) go to the Java runtime's TIFF reader, after the stack
     * check.
     */
    private static ImageData readTiff(Path file, Region region) throws IOException {
        try {
            return TiffReader.read(file, region);
        } catch (TiffReader.Unsupported e) {
            return readWithImageIO(file, ImageFormat.TIFF, region);
        } catch (RegionOutside e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "not a valid TIFF file, or corrupt or truncated (" + describe(e) + ")",
                    e);
        }
    }

    /**
     * Reads an image, or the region of it, with the Java runtime's reader for the format. A whole
     * image is read from the file's bytes in memory, so that any failure of the decoder is a problem
     * of the content; a region is read from the file itself (the point of a region is not to hold
     * the file), the reader told the region ({@link ImageReadParam#setSourceRegion}).
     */
    private static ImageData readWithImageIO(Path file, ImageFormat format, Region region) throws IOException {
        String kind = format.name();
        ImageInputStream in = region == null
                ? new MemoryCacheImageInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))
                : new FileImageInputStream(file.toFile());
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(kind.toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            in.close();
            throw new IOException("no " + kind + " reader available in this Java runtime");
        }
        ImageReader reader = readers.next();
        try (in) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            ImageReadParam param = null; // the reader's default: the whole image
            if (region != null) {
                region.requireInside(file, height, width);
                param = reader.getDefaultReadParam();
                param.setSourceRegion(new Rectangle(region.x(), region.y(), region.width(), region.height()));
                width = region.width();
                height = region.height();
            }
            if ((long) width * height > MAX_PIXELS) {
                throw new InvalidFileException(file, (region == null ? "image" : "region") + " too large (" + width
                        + "×" + height + " pixels)");
            }
            return fromBufferedImage(file, reader.read(0, param));
        } catch (InvalidFileException | RegionOutside e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // The readers report damaged content and failures of the stream alike (IIOException),
            // so both are reported as a problem of the file.
            throw new InvalidFileException(file, "not a valid " + kind + " file, or corrupt or truncated ("
                    + describe(e) + ")", e);
        } finally {
            reader.dispose();
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return sb.toString();
    }

    private static ImageData fromBufferedImage(Path file, BufferedImage image) throws InvalidFileException {
        ColorModel cm = image.getColorModel();
        if (!(cm instanceof ComponentColorModel)) {
            // palette (also how Java decodes 1/2/4-bit grey) or packed pixels: 8-bit results
            return fromArgb(image, cm.hasAlpha(), cm instanceof IndexColorModel icm && isGreyPalette(icm));
        }
        if (cm.isAlphaPremultiplied()) {
            image.coerceData(false);
        }
        int colors = cm.getNumColorComponents();
        int space = cm.getColorSpace().getType();
        if (!(colors == 1 && space == ColorSpace.TYPE_GRAY) && !(colors == 3 && space == ColorSpace.TYPE_RGB)) {
            throw new InvalidFileException(file, "unsupported colour layout (" + colors
                    + " colour components); only grey and RGB images are supported");
        }
        Raster raster = image.getRaster();
        int bits = raster.getSampleModel().getSampleSize(0);
        SampleFormat format;
        double max;
        switch (raster.getSampleModel().getDataType()) {
            case DataBuffer.TYPE_BYTE -> {
                format = SampleFormat.UINT8;
                max = (1 << bits) - 1;
            }
            case DataBuffer.TYPE_USHORT -> {
                format = SampleFormat.UINT16;
                max = (1 << bits) - 1;
            }
            case DataBuffer.TYPE_FLOAT, DataBuffer.TYPE_DOUBLE -> {
                format = SampleFormat.FLOAT32;
                max = 1;
            }
            default -> throw new InvalidFileException(file,
                    "unsupported sample type (signed or 32-bit integer samples); supported: 8/16-bit unsigned, float");
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        Image color = Image.wrap(colors, h, w, planes(raster, 0, colors, max));
        Image alpha = cm.hasAlpha() ? Image.wrap(1, h, w, planes(raster, colors, 1, max)) : null;
        return new ImageData(color, alpha, format);
    }

    private static float[] planes(Raster raster, int firstBand, int count, double max) {
        int w = raster.getWidth();
        int plane = w * raster.getHeight();
        float[] out = new float[count * plane];
        float[] band = new float[plane];
        for (int b = 0; b < count; b++) {
            raster.getSamples(0, 0, w, raster.getHeight(), firstBand + b, band);
            if (max == 1) {
                System.arraycopy(band, 0, out, b * plane, plane);
            } else {
                for (int i = 0; i < plane; i++) {
                    out[b * plane + i] = (float) (band[i] / max);
                }
            }
        }
        return out;
    }

    private static boolean isGreyPalette(IndexColorModel cm) {
        for (int i = 0; i < cm.getMapSize(); i++) {
            if (cm.getRed(i) != cm.getGreen(i) || cm.getRed(i) != cm.getBlue(i)) {
                return false;
            }
        }
        return true;
    }

    private static ImageData fromArgb(BufferedImage image, boolean hasAlpha, boolean grey) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        int channels = grey ? 1 : 3;
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] color = new float[channels * plane];
        float[] a = hasAlpha ? new float[plane] : null;
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            for (int c = 0; c < channels; c++) {
                color[c * plane + i] = (float) (((p >> (16 - 8 * c)) & 0xff) / 255.0);
            }
            if (a != null) {
                a[i] = (float) (((p >>> 24) & 0xff) / 255.0);
            }
        }
        Image alpha = a == null ? null : Image.wrap(1, h, w, a);
        return new ImageData(Image.wrap(channels, h, w, color), alpha, SampleFormat.UINT8);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a {@code .npy} image row by row: the header {@link NpyArray#writeImage} writes, then
     * each row's float32 samples, little-endian, pixel by pixel and channel by channel within a pixel.
     */
    private static void writeNpy(Path tmp, RowSource rows) throws IOException {
        int w = rows.width();
        int channels = rows.channels();
        if ((long) w * channels * Float.BYTES > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(tmp + ": a row of " + w + " pixels of " + channels
                    + " channels does not fit in one array");
        }
        float[] color = new float[channels * w];
        ByteBuffer row = ByteBuffer.allocate(channels * w * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            out.write(NpyArray.imageHeader(rows.height(), w, channels));
            for (int y = 0; y < rows.height(); y++) {
                rows.row(y, color, null);
                row.clear();
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < channels; c++) {
                        row.putFloat(color[c * w + x]);
                    }
                }
                out.write(row.array(), 0, row.position());
            }
        }
    }

    /**
     * Writes {@code image} with the Java runtime's writer for the format; a {@link RowImage} is
     * encoded as the writer asks for its rows, and what its source throws is thrown as it was.
     */
    private static void writeWithImageIO(Path tmp, RenderedImage image, String formatName) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
        if (!writers.hasNext()) {
            throw new IOException("no " + formatName + " writer available in this Java runtime");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = new FileImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            writer.write(image);
        } catch (IOException | RuntimeException e) {
            RowImage.Failure.rethrowIn(e);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(tmp + ": " + formatName + " writer failed: " + describe(e), e);
        } finally {
            writer.dispose();
        }
    }

    // ---------------------------------------------------------------- checks

    private static void requireFinite(Path file, Image image, String what) throws InvalidFileException {
        Optional<String> where = image.firstNonFinite();
        if (where.isPresent()) {
            throw new InvalidFileException(file, "contains NaN or infinite " + what + "samples (first at "
                    + where.get() + "); only finite values are accepted");
        }
    }

    private static void requireFiniteForWrite(Path file, Image image, String what) {
        Optional<String> where = image.firstNonFinite();
        if (where.isPresent()) {
            throw nonFiniteForWrite(file, what, where.get());
        }
    }

    private static IllegalArgumentException nonFiniteForWrite(Path file, String what, String where) {
        return new IllegalArgumentException(file + ": cannot write an image with NaN or infinite " + what
                + "samples (first at " + where + ")");
    }

    /**
     * The rows of {@code rows}, each checked for NaN and infinite samples as it arrives; the first
     * one found fails the write as {@link #requireFiniteForWrite} does for a whole image.
     */
    private static RowSource finiteRows(Path file, RowSource rows) {
        return new RowSource() {
            @Override
            public int height() {
                return rows.height();
            }

            @Override
            public int width() {
                return rows.width();
            }

            @Override
            public int channels() {
                return rows.channels();
            }

            @Override
            public boolean hasAlpha() {
                return rows.hasAlpha();
            }

            @Override
            public void row(int y, float[] color, float[] alpha) throws IOException {
                rows.row(y, color, alpha);
                requireFiniteRow(y, color, "");
                if (alpha != null) {
                    requireFiniteRow(y, alpha, "alpha ");
                }
            }

            private void requireFiniteRow(int y, float[] samples, String what) {
                int w = rows.width();
                for (int i = 0; i < samples.length; i++) {
                    if (!Float.isFinite(samples[i])) {
                        // where Image.firstNonFinite would place it in the whole image
                        throw nonFiniteForWrite(file, what, "channel " + i / w + ", row " + y + ", column " + i % w
                                + " (" + samples[i] + ")");
                    }
                }
            }
        };
    }
}
