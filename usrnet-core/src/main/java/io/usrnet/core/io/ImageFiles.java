package io.usrnet.core.io;

import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
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
 * <p>Writes are atomic ({@link AtomicFiles}): a failed write leaves no partial file and an
 * existing target untouched. Non-finite samples are rejected both when reading float files and
 * before writing any file.
 */
public final class ImageFiles {
    /** Largest pixel count accepted from a file header (the planar floats must fit in an array). */
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
        ImageFormat format = ImageFormat.forPath(file);
        requireReadableFile(file);
        ImageData data = switch (format) {
            case NPY -> readNpy(file);
            case TIFF -> readTiff(file);
            default -> readWithImageIO(file, format);
        };
        requireFinite(file, data.color(), "");
        if (data.hasAlpha()) {
            requireFinite(file, data.alpha(), "alpha ");
        }
        return data;
    }

    /**
     * The size of an image file (of its first page) from its header alone, without decoding it:
     * for planning memory before a batch is read. Formats the Java runtime reads (PNG, JPEG, BMP,
     * GIF, TIFF) are probed; for others ({@code .npy}) and files whose header cannot be read, null
     * (unknown; {@link #read} reports what is wrong).
     *
     * @return {@code {height, width}}, or null if unknown
     */
    public static int[] headerSize(Path file) {
        try {
            ImageFormat format = ImageFormat.forPath(file);
            Iterator<ImageReader> readers = format == ImageFormat.NPY ? null
                    : ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
            if (readers == null || !readers.hasNext()) {
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
        if (format == ImageFormat.NPY) {
            return new ImageData(color, null, SampleFormat.FLOAT32);
        }
        SampleFormat sample = format.canWrite(inputFormat) ? inputFormat : format.defaultSampleFormat();
        return new ImageData(color, alpha, sample, format == ImageFormat.TIFF ? pixelSize : null);
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
        if (format == ImageFormat.NPY) {
            if (data.hasAlpha()) {
                throw new IllegalArgumentException(file + ": .npy files do not carry a separate alpha channel; "
                        + "write the colour image alone or use .png/.tif");
            }
        } else {
            if (color.channels() != 1 && color.channels() != 3) {
                throw new IllegalArgumentException(file + ": " + format + " holds 1 (grey) or 3 (RGB) colour channels"
                        + " plus an optional alpha, the image has " + color.channels()
                        + " channels; use .npy for other channel counts");
            }
            if (!format.canWrite(data.format())) {
                throw new IllegalArgumentException(file + ": " + format + " cannot store " + data.format()
                        + " samples (it stores 8- or 16-bit integers); use .tif or .npy for float");
            }
        }
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
        BufferedImage image = toBufferedImage(data);
        String name = format.name().toLowerCase(Locale.ROOT);
        AtomicFiles.write(file, tmp -> writeWithImageIO(tmp, image, name));
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

    private static ImageData readNpy(Path file) throws IOException {
        NpyArray array = NpyArray.read(file);
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
     * Reads a TIFF with {@link TiffReader}; layouts it does not decode (JPEG or CCITT compression,
     * YCbCr, CMYK, …) go to the Java runtime's TIFF reader, after the stack check.
     */
    private static ImageData readTiff(Path file) throws IOException {
        try {
            return TiffReader.read(file);
        } catch (TiffReader.Unsupported e) {
            return readWithImageIO(file, ImageFormat.TIFF);
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "not a valid TIFF file, or corrupt or truncated (" + describe(e) + ")",
                    e);
        }
    }

    private static ImageData readWithImageIO(Path file, ImageFormat format) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String kind = format.name();
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(kind.toLowerCase(Locale.ROOT));
        if (!readers.hasNext()) {
            throw new IOException("no " + kind + " reader available in this Java runtime");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels > MAX_PIXELS) {
                throw new InvalidFileException(file, "image too large (" + reader.getWidth(0) + "×"
                        + reader.getHeight(0) + " pixels)");
            }
            return fromBufferedImage(file, reader.read(0));
        } catch (InvalidFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Everything was already in memory: any failure now is a problem of the content.
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

    private static BufferedImage toBufferedImage(ImageData data) {
        Image color = data.color();
        int colors = color.channels();
        boolean hasAlpha = data.hasAlpha();
        SampleFormat format = data.format();
        int type = switch (format) {
            case UINT8 -> DataBuffer.TYPE_BYTE;
            case UINT16 -> DataBuffer.TYPE_USHORT;
            case FLOAT32 -> DataBuffer.TYPE_FLOAT;
        };
        ColorSpace space = ColorSpace.getInstance(colors == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ComponentColorModel cm = new ComponentColorModel(space, hasAlpha, false,
                hasAlpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
        int w = color.width();
        int h = color.height();
        int plane = w * h;
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        float[] samples = color.toArray();
        float[] band = new float[plane];
        int[] quantized = format.isInteger() ? new int[plane] : null;
        for (int b = 0; b < colors + (hasAlpha ? 1 : 0); b++) {
            if (b < colors) {
                System.arraycopy(samples, b * plane, band, 0, plane);
            } else {
                data.alpha().copyTo(band);
            }
            if (quantized == null) {
                raster.setSamples(0, 0, w, h, b, band);
            } else {
                for (int i = 0; i < plane; i++) {
                    quantized[i] = format.quantize(band[i]);
                }
                raster.setSamples(0, 0, w, h, b, quantized);
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    private static void writeWithImageIO(Path tmp, BufferedImage image, String formatName) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(formatName);
        if (!writers.hasNext()) {
            throw new IOException("no " + formatName + " writer available in this Java runtime");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = new FileImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            writer.write(image);
        } catch (RuntimeException e) {
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
            throw new IllegalArgumentException(file + ": cannot write an image with NaN or infinite " + what
                    + "samples (first at " + where.get() + ")");
        }
    }

}
