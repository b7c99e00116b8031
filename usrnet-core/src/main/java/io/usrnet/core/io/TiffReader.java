package io.usrnet.core.io;

import static io.usrnet.core.io.TiffDirectory.BITS_PER_SAMPLE;
import static io.usrnet.core.io.TiffDirectory.COLOR_MAP;
import static io.usrnet.core.io.TiffDirectory.COMPRESSION;
import static io.usrnet.core.io.TiffDirectory.EXTRA_SAMPLES;
import static io.usrnet.core.io.TiffDirectory.FILL_ORDER;
import static io.usrnet.core.io.TiffDirectory.IMAGE_DESCRIPTION;
import static io.usrnet.core.io.TiffDirectory.IMAGE_LENGTH;
import static io.usrnet.core.io.TiffDirectory.IMAGE_WIDTH;
import static io.usrnet.core.io.TiffDirectory.PHOTOMETRIC;
import static io.usrnet.core.io.TiffDirectory.PLANAR_CONFIGURATION;
import static io.usrnet.core.io.TiffDirectory.PREDICTOR;
import static io.usrnet.core.io.TiffDirectory.RESOLUTION_UNIT;
import static io.usrnet.core.io.TiffDirectory.ROWS_PER_STRIP;
import static io.usrnet.core.io.TiffDirectory.SAMPLES_PER_PIXEL;
import static io.usrnet.core.io.TiffDirectory.SAMPLE_FORMAT;
import static io.usrnet.core.io.TiffDirectory.STRIP_BYTE_COUNTS;
import static io.usrnet.core.io.TiffDirectory.STRIP_OFFSETS;
import static io.usrnet.core.io.TiffDirectory.TILE_BYTE_COUNTS;
import static io.usrnet.core.io.TiffDirectory.TILE_LENGTH;
import static io.usrnet.core.io.TiffDirectory.TILE_OFFSETS;
import static io.usrnet.core.io.TiffDirectory.TILE_WIDTH;
import static io.usrnet.core.io.TiffDirectory.X_RESOLUTION;
import static io.usrnet.core.io.TiffDirectory.Y_RESOLUTION;

import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the image of a single-image TIFF or BigTIFF file into planar floats, with its pixel size.
 *
 * <p>Decoded here: strips and tiles; chunky and planar sample layouts; no compression, LZW,
 * Deflate (both tag values) and PackBits; the horizontal predictor on 8-, 16-, 32- and 64-bit
 * samples and the floating-point predictor; 1/2/4/8/16-bit unsigned integers and 16/32/64-bit
 * floats; grey (black or white is zero), RGB and palette images, with one alpha channel. Other
 * layouts (JPEG or CCITT compression, YCbCr, CMYK, …) raise {@link Unsupported}, and the caller
 * hands the file to the Java runtime's TIFF reader, which knows those.
 *
 * <p>{@link #read(Path, ImageFiles.Region)} decodes a region of the image alone: the strips or tiles
 * that intersect it; the whole image is the region covering it, read by the same code.
 *
 * <p>{@link #read(Path)} refuses files with more than one full-resolution image (several
 * directories, or an ImageJ or OME description that counts several planes): cutting a stack to its
 * first page would lose data without a word. {@link TiffStack} reads them page by page with
 * {@link #decode(Path, TiffDirectory, long)}, which decodes any one directory.
 *
 * <p>The pixel size comes from OME-XML if present, else from the resolution tags with the unit of
 * ImageJ's description or of ResolutionUnit (inch, centimetre, or none). A resolution of 1 per no
 * unit, the placeholder many writers put in, is no pixel size.
 */
final class TiffReader {
    /** Thrown for a valid TIFF whose layout this reader does not decode. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private static final Pattern IMAGEJ_KEY = Pattern.compile("(?m)^(\\w+)=(.*?)\\s*$");
    private static final Pattern OME_PIXELS = Pattern.compile("<(?:\\w+:)?Pixels\\b([^>]*)>");
    private static final Pattern XML_ATTRIBUTE = Pattern.compile("(\\w+)\\s*=\\s*\"([^\"]*)\"");

    private final Path file;
    private final TiffDirectory dir;
    private final int width;
    private final int height;
    private final int samples;
    private final int bits;
    private final boolean floats;
    private final int compression;
    private final int predictor;
    private final boolean planar;
    /** Added to every strip or tile offset: where an ImageJ one-directory stack's plane lies. */
    private final long shift;

    /**
     * What a page decodes to: its size, colour channels (1 or 3), whether it has alpha, and its
     * sample format; the pages of a stack must all be of one type.
     */
    record PageType(int width, int height, int colors, boolean alpha, SampleFormat format) {
        @Override
        public String toString() {
            String samples = switch (format) {
                case UINT8 -> "8-bit";
                case UINT16 -> "16-bit";
                case FLOAT32 -> "32-bit float";
            };
            return width + "×" + height + " " + samples + " " + (colors == 3 ? "RGB" : "grey") + (alpha ? " + alpha" : "");
        }
    }

    private TiffReader(Path file, TiffDirectory dir) throws IOException, Unsupported {
        this(file, dir, 0);
    }

    private TiffReader(Path file, TiffDirectory dir, long shift) throws IOException, Unsupported {
        this.file = file;
        this.dir = dir;
        this.shift = shift;
        long w = dir.longValue(IMAGE_WIDTH, 0);
        long h = dir.longValue(IMAGE_LENGTH, 0);
        if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw dir.invalid("image size " + w + "×" + h);
        }
        width = (int) w;
        height = (int) h;
        long spp = dir.longValue(SAMPLES_PER_PIXEL, 1);
        if (spp < 1 || spp > 64) {
            throw dir.invalid(spp + " samples per pixel");
        }
        samples = (int) spp;
        long[] bps = dir.longs(BITS_PER_SAMPLE);
        if (bps != null && bps.length == 0) {
            throw dir.invalid("BitsPerSample holds no value");
        }
        bits = bps == null ? 1 : (int) bps[0];
        if (bps != null && Arrays.stream(bps).anyMatch(b -> b != bits)) {
            throw new Unsupported("samples of different bit depths " + Arrays.toString(bps));
        }
        int sampleFormat = (int) dir.longValue(SAMPLE_FORMAT, 1);
        floats = sampleFormat == 3;
        if (sampleFormat == 2) {
            throw new InvalidFileException(file, "unsupported sample type (signed " + bits + "-bit integers); "
                    + "supported: 1 to 16-bit unsigned integers and 16/32/64-bit floats");
        }
        if (floats ? bits != 16 && bits != 32 && bits != 64
                : bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16) {
            throw new InvalidFileException(file, "unsupported sample type (" + bits + "-bit "
                    + (floats ? "floats" : sampleFormat == 1 ? "unsigned integers" : "samples of format " + sampleFormat)
                    + "); supported: 1 to 16-bit unsigned integers and 16/32/64-bit floats");
        }
        compression = (int) dir.longValue(COMPRESSION, 1);
        if (compression != 1 && compression != 5 && compression != 8 && compression != 32946
                && compression != 32773) {
            throw new Unsupported("compression " + compression);
        }
        predictor = (int) dir.longValue(PREDICTOR, 1);
        if (predictor != 1 && !(predictor == 2 && bits >= 8) && !(predictor == 3 && floats)) {
            throw dir.invalid("predictor " + predictor + " with " + bits + "-bit " + (floats ? "float" : "integer")
                    + " samples");
        }
        planar = dir.longValue(PLANAR_CONFIGURATION, 1) == 2 && samples > 1;
        if (dir.longValue(FILL_ORDER, 1) != 1) {
            throw new Unsupported("reversed bit fill order");
        }
    }

    /**
     * Reads the file's image.
     *
     * @throws Unsupported          if the layout is a valid one this reader does not decode
     * @throws InvalidFileException if the file is damaged, a stack, or of a layout no reader here
     *                              supports (signed samples, more than one extra channel, …)
     */
    static ImageData read(Path file) throws IOException, Unsupported {
        return read(file, null);
    }

    /**
     * Reads part of the file's image: only the strips or tiles that intersect the region are read
     * and decoded (of uncompressed strips, only the region's rows), into a buffer of the region's
     * size. The same as {@link #read(Path)} followed by a crop, pixel size included.
     *
     * @param region the rows and columns to read, or {@code null} for the whole image
     * @throws Unsupported              if the layout is a valid one this reader does not decode
     * @throws InvalidFileException     as {@link #read(Path)}; the pixel limit applies to the region
     * @throws ImageFiles.RegionOutside if the region is not inside the image
     */
    static ImageData read(Path file, ImageFiles.Region region) throws IOException, Unsupported {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffDirectory dir = TiffDirectory.first(channel, file);
            String description = dir.text(IMAGE_DESCRIPTION);
            requireSingleImage(file, dir, description);
            TiffReader reader = new TiffReader(file, dir);
            ImageFiles.Region whole = new ImageFiles.Region(0, 0, reader.height, reader.width);
            if (region != null) {
                region.requireInside(file, reader.height, reader.width);
            }
            ImageData pixels = reader.decode(region == null ? whole : region);
            return new ImageData(pixels.color(), pixels.alpha(), pixels.format(), pixelSize(dir, description));
        }
    }

    /**
     * Decodes the image of one directory of the file: the pixels, alpha and sample format, without
     * a pixel size. A stack is read page by page with this.
     *
     * @param shift added to every strip or tile offset (0, or where a plane of an ImageJ
     *              one-directory stack lies relative to the first)
     * @throws Unsupported          if the layout is a valid one this reader does not decode
     * @throws InvalidFileException if the directory or its data are damaged or of a layout no reader
     *                              here supports
     */
    static ImageData decode(Path file, TiffDirectory dir, long shift) throws IOException, Unsupported {
        TiffReader reader = new TiffReader(file, dir, shift);
        return reader.decode(new ImageFiles.Region(0, 0, reader.height, reader.width));
    }

    /**
     * What the directory's image decodes to, from its tags alone (for a palette image the colour
     * map is read to tell grey from colour).
     *
     * @throws Unsupported          if the layout is a valid one this reader does not decode
     * @throws InvalidFileException if the tags are damaged or of a layout no reader here supports
     */
    static PageType pageType(Path file, TiffDirectory dir) throws IOException, Unsupported {
        TiffReader r = new TiffReader(file, dir);
        Layout layout = r.layout();
        int colors = layout.palette ? (r.paletteIsGrey() ? 1 : 3) : layout.colors;
        SampleFormat format = layout.palette ? SampleFormat.UINT8 : r.sampleFormat();
        return new PageType(r.width, r.height, colors, layout.alphaIndex >= 0, format);
    }

    /**
     * The bytes of one plane of an ImageJ one-directory stack (ImageJ writes stacks that way when
     * they pass 4 GiB, and tifffile too): the directory describes the first plane and the others
     * follow it back to back, so plane {@code p} is the first shifted by {@code p} times this.
     * Only an uncompressed image in strips stored one after the other can be such a stack.
     *
     * @throws InvalidFileException if the image is compressed, tiled, or its strips are not contiguous
     */
    static long contiguousPlaneBytes(Path file, TiffDirectory dir) throws IOException, Unsupported {
        TiffReader r = new TiffReader(file, dir);
        r.layout();
        String layout = "ImageJ's one-directory stack layout (one image directory, the other planes after the first)";
        if (r.compression != 1 || dir.has(TILE_WIDTH) || dir.has(TILE_OFFSETS)) {
            throw new InvalidFileException(file, "not a valid TIFF file: " + layout + " with "
                    + (r.compression != 1 ? "compression " + r.compression : "tiles")
                    + "; only uncompressed strips can be read that way");
        }
        long rowsPerStrip = Math.min(r.height, dir.longValue(ROWS_PER_STRIP, r.height));
        if (rowsPerStrip < 1) {
            throw dir.invalid("rows per strip " + rowsPerStrip);
        }
        int planes = r.planar ? r.samples : 1;
        long rowBytes = ((long) r.width * (r.planar ? 1 : r.samples) * r.bits + 7) / 8;
        long down = (r.height + rowsPerStrip - 1) / rowsPerStrip;
        long[] offsets = dir.longs(STRIP_OFFSETS);
        if (offsets == null || offsets.length < down * planes) {
            throw dir.invalid("it lists " + (offsets == null ? 0 : offsets.length) + " strips, " + down * planes
                    + " expected");
        }
        long at = offsets[0];
        int index = 0;
        for (int p = 0; p < planes; p++) {
            for (long y = 0; y < r.height; y += rowsPerStrip, index++) {
                if (offsets[index] != at) {
                    throw new InvalidFileException(file, "not a valid TIFF file: " + layout
                            + ", but the strips of the first plane are not stored one after the other");
                }
                at += rowBytes * Math.min(rowsPerStrip, r.height - y);
            }
        }
        return at - offsets[0];
    }

    /** The hyperstack dimensions a description gives: channels, slices, frames and the images it counts. */
    record Dimensions(long images, long channels, long slices, long frames) {
    }

    /**
     * The dimensions an ImageJ description ({@code ImageJ=…}, keys {@code images}, {@code channels},
     * {@code slices}, {@code frames}) gives, each 1 when absent; {@code null} for other descriptions.
     */
    static Dimensions imageJDimensions(String description) {
        if (description == null || !description.startsWith("ImageJ=")) {
            return null;
        }
        Matcher m = IMAGEJ_KEY.matcher(description);
        long images = 1;
        long c = 1;
        long z = 1;
        long t = 1;
        while (m.find()) {
            switch (m.group(1)) {
                case "images" -> images = Math.max(images, parseCount(m.group(2)));
                case "channels" -> c = parseCount(m.group(2));
                case "slices" -> z = parseCount(m.group(2));
                case "frames" -> t = parseCount(m.group(2));
                default -> { }
            }
        }
        return new Dimensions(images, c, z, t);
    }

    /**
     * The dimensions of an OME-XML description's first {@code Pixels} element ({@code SizeC},
     * {@code SizeZ}, {@code SizeT}), with the planes they count: SizeC counts the samples of an
     * RGB page as three channels, so it is divided by 3 for pages of {@code samplesPerPixel} &ge; 3.
     * Also the {@code DimensionOrder} (default {@code XYZCT}, the schema's). {@code null} for other
     * descriptions.
     */
    static OmeDimensions omeDimensions(String description, long samplesPerPixel) {
        if (description == null || !description.contains("<OME")) {
            return null;
        }
        Matcher m = OME_PIXELS.matcher(description);
        if (!m.find()) {
            return null;
        }
        long z = 1;
        long c = 1;
        long t = 1;
        String order = "XYZCT";
        Matcher a = XML_ATTRIBUTE.matcher(m.group(1));
        while (a.find()) {
            switch (a.group(1)) {
                case "SizeZ" -> z = parseCount(a.group(2));
                case "SizeC" -> c = parseCount(a.group(2));
                case "SizeT" -> t = parseCount(a.group(2));
                case "DimensionOrder" -> order = a.group(2).strip();
                default -> { }
            }
        }
        long channels = Math.max(1, c / (samplesPerPixel >= 3 ? 3 : 1));
        return new OmeDimensions(new Dimensions(z * t * channels, channels, z, t), order);
    }

    /** OME dimensions and the order of the planes, e.g. {@code XYZCT} (Z fastest). */
    record OmeDimensions(Dimensions dimensions, String order) {
    }

    /**
     * Refuses a multi-page TIFF (a stack) rather than restoring its first page alone without a word:
     * more than one full-resolution image, or an ImageJ or OME description that counts more than one
     * plane (ImageJ writes large stacks as one directory followed by the other planes).
     */
    private static void requireSingleImage(Path file, TiffDirectory dir, String description) throws IOException {
        long images = countImages(dir, description);
        if (images > 1) {
            String shape = "";
            Dimensions ij = imageJDimensions(description);
            if (ij != null) {
                StringBuilder dims = new StringBuilder();
                long[] sizes = {ij.channels(), ij.slices(), ij.frames()};
                String[] names = {"channels", "slices", "frames"};
                for (int i = 0; i < 3; i++) {
                    if (sizes[i] > 1) {
                        dims.append(dims.length() == 0 ? "" : " × ").append(sizes[i]).append(' ').append(names[i]);
                    }
                }
                shape = dims.length() == 0 ? "" : ", ImageJ " + dims;
            }
            throw new InvalidFileException(file, "holds " + images + " images (a stack or a multi-page TIFF" + shape
                    + "); this reads single images and will not take the first alone: usrnet restore, degrade and "
                    + "solve process stacks page by page (in Java: TiffStack), or save each page as its own file "
                    + "(ImageJ: Image > Stacks > Stack to Images)");
        }
    }

    /**
     * The number of images in the file whose first directory is {@code dir}: its full-resolution
     * directories, or more where an ImageJ or OME description counts more planes.
     */
    static long countImages(TiffDirectory dir, String description) throws IOException {
        long images = dir.countImages();
        Dimensions ij = imageJDimensions(description);
        if (ij != null) {
            images = Math.max(images, ij.images());
        } else {
            OmeDimensions ome = omeDimensions(description, dir.longValue(SAMPLES_PER_PIXEL, 1));
            if (ome != null) {
                images = Math.max(images, ome.dimensions().images());
            }
        }
        return images;
    }

    private static long parseCount(String s) {
        try {
            return Math.max(1, Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    // ---------------------------------------------------------------- pixel size

    /** The pixel size the file records, or {@code null}: OME first, then ImageJ, then baseline tags. */
    static PixelSize pixelSize(TiffDirectory dir, String description) throws IOException {
        if (description != null && description.contains("<OME")) {
            Matcher m = OME_PIXELS.matcher(description);
            if (m.find()) {
                double x = Double.NaN;
                double y = Double.NaN;
                String xUnit = "\u00b5m"; // the OME schema's default unit
                String yUnit = "\u00b5m";
                Matcher a = XML_ATTRIBUTE.matcher(m.group(1));
                while (a.find()) {
                    switch (a.group(1)) {
                        case "PhysicalSizeX" -> x = parseSize(a.group(2));
                        case "PhysicalSizeY" -> y = parseSize(a.group(2));
                        case "PhysicalSizeXUnit" -> xUnit = unescapeXml(a.group(2));
                        case "PhysicalSizeYUnit" -> yUnit = unescapeXml(a.group(2));
                        default -> { }
                    }
                }
                if (x > 0 && y > 0 && xUnit.equals(yUnit)) {
                    return new PixelSize(x, y, xUnit);
                }
                if (x > 0 && !(y > 0)) {
                    return new PixelSize(x, x, xUnit);
                }
            }
        }
        double xRes = dir.doubleValue(X_RESOLUTION);
        double yRes = dir.doubleValue(Y_RESOLUTION);
        if (!(xRes > 0) || !Double.isFinite(xRes)) {
            return null;
        }
        if (!(yRes > 0) || !Double.isFinite(yRes)) {
            yRes = xRes;
        }
        int unitTag = (int) dir.longValue(RESOLUTION_UNIT, 2);
        String unit = unitTag == 2 ? "inch" : unitTag == 3 ? "cm" : "";
        if (description != null && description.startsWith("ImageJ=")) {
            Matcher m = IMAGEJ_KEY.matcher(description);
            while (m.find()) {
                if (m.group(1).equals("unit")) {
                    unit = unescapeImageJ(m.group(2));
                }
            }
        }
        if (unit.isEmpty() && xRes == 1 && yRes == 1) {
            return null; // one pixel per no unit: the placeholder tifffile and libtiff tools write by default
        }
        return new PixelSize(1 / xRes, 1 / yRes, unit);
    }

    private static double parseSize(String s) {
        try {
            double v = Double.parseDouble(s.strip());
            return Double.isFinite(v) ? v : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** ImageJ writes characters outside ASCII as {@code \\uXXXX} ("\\u00B5m" for µm). */
    private static String unescapeImageJ(String s) {
        Matcher m = Pattern.compile("\\\\u([0-9a-fA-F]{4})").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        return m.appendTail(sb).toString();
    }

    private static String unescapeXml(String s) {
        Matcher m = Pattern.compile("&#(x?)([0-9a-fA-F]+);").matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int cp;
            try {
                cp = Integer.parseInt(m.group(2), m.group(1).isEmpty() ? 10 : 16);
            } catch (NumberFormatException e) {
                cp = '?';
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(Character.isValidCodePoint(cp)
                    ? new String(Character.toChars(cp)) : "?"));
        }
        return m.appendTail(sb).toString().replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&apos;", "'").replace("&amp;", "&");
    }

    // ---------------------------------------------------------------- pixels

    /** What the samples of a pixel are: colour channels, whether white is zero, alpha. */
    private record Layout(int colors, boolean whiteIsZero, boolean palette, int alphaIndex, boolean premultiplied) {
    }

    private Layout layout() throws IOException, Unsupported {
        int photometric = (int) dir.longValue(PHOTOMETRIC, samples >= 3 ? 2 : 1);
        int colors = switch (photometric) {
            case 0, 1, 3 -> 1;
            case 2 -> 3;
            default -> throw new Unsupported("photometric interpretation " + photometric);
        };
        if (photometric == 3 && (floats || bits > 16)) {
            throw dir.invalid("a palette image with " + bits + "-bit " + (floats ? "float " : "") + "samples");
        }
        if (samples < colors) {
            throw dir.invalid(samples + " samples per pixel for " + (colors == 3 ? "RGB" : "grey"));
        }
        int extra = samples - colors;
        if (extra > 1) {
            throw new InvalidFileException(file, "unsupported colour layout (" + samples + " samples per pixel: "
                    + (colors == 3 ? "RGB" : "grey") + " and " + extra + " extra channels); only grey and RGB "
                    + "images with at most one alpha channel are supported");
        }
        long[] kinds = dir.longs(EXTRA_SAMPLES);
        boolean premultiplied = extra == 1 && kinds != null && kinds.length > 0 && kinds[0] == 1;
        return new Layout(colors, photometric == 0, photometric == 3, extra == 1 ? colors : -1, premultiplied);
    }

    /**
     * Decodes the part of the image in {@code region} (inside the image): the strips or tiles that
     * intersect it, each only down to the region's last row (decoders stop there), and of
     * uncompressed strips only the region's rows. {@link ImageFiles#MAX_PIXELS} applies to the
     * region, so a region of an image too large to read whole can be read.
     */
    private ImageData decode(ImageFiles.Region region) throws IOException, Unsupported {
        if ((long) region.width() * region.height() > ImageFiles.MAX_PIXELS) {
            boolean whole = region.width() == width && region.height() == height;
            throw new InvalidFileException(file, (whole ? "image" : "region") + " too large (" + region.width()
                    + "×" + region.height() + " pixels)");
        }
        Layout layout = layout();
        boolean tiled = dir.has(TILE_WIDTH) || dir.has(TILE_OFFSETS);
        long cw;
        long ch;
        if (tiled) {
            cw = dir.longValue(TILE_WIDTH, 0);
            ch = dir.longValue(TILE_LENGTH, 0);
        } else {
            cw = width;
            ch = Math.min(height, dir.longValue(ROWS_PER_STRIP, height));
        }
        if (cw < 1 || ch < 1 || cw > (1 << 24) || ch > (1 << 24)) {
            throw dir.invalid((tiled ? "tile size " : "rows per strip ") + cw + "×" + ch);
        }
        int chunkWidth = (int) cw;
        int chunkHeight = (int) ch;
        int across = (width + chunkWidth - 1) / chunkWidth;
        int down = (height + chunkHeight - 1) / chunkHeight;
        int planes = planar ? samples : 1;
        long[] offsets = dir.longs(tiled ? TILE_OFFSETS : STRIP_OFFSETS);
        long[] counts = dir.longs(tiled ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS);
        long chunks = (long) across * down * planes;
        if (offsets == null || offsets.length < chunks) {
            throw dir.invalid("it lists " + (offsets == null ? 0 : offsets.length) + " " + (tiled ? "tiles" : "strips")
                    + ", " + chunks + " expected");
        }
        if (counts == null && compression != 1) {
            throw dir.invalid("the byte counts of its " + (tiled ? "tiles" : "strips") + " are missing");
        }
        if (counts != null && counts.length < chunks) {
            throw dir.invalid("it lists the byte counts of " + counts.length + " " + (tiled ? "tiles" : "strips")
                    + ", " + chunks + " expected");
        }
        int chunkSamples = planar ? 1 : samples;
        long rowBytes = ((long) chunkWidth * chunkSamples * bits + 7) / 8;
        int top = region.y() / chunkHeight;
        int bottom = (region.y() + region.height() - 1) / chunkHeight;
        int left = region.x() / chunkWidth;
        int right = (region.x() + region.width() - 1) / chunkWidth;
        float[] out = new float[samples * region.width() * region.height()];
        for (int p = 0; p < planes; p++) {
            for (int ty = top; ty <= bottom; ty++) {
                int chunkTop = ty * chunkHeight;
                int rows = tiled ? chunkHeight : Math.min(chunkHeight, height - chunkTop);
                // the chunk's rows the region needs: [first, end); an uncompressed chunk is read from
                // its first such row, a compressed one decoded from its start
                int first = Math.max(0, region.y() - chunkTop);
                int end = Math.min(rows, region.y() + region.height() - chunkTop);
                int from = compression == 1 ? first : 0;
                if (rowBytes * (end - from) > Integer.MAX_VALUE - 8) {
                    throw dir.invalid("a " + (tiled ? "tile" : "strip") + " of " + rowBytes * (end - from) + " bytes");
                }
                for (int tx = left; tx <= right; tx++) {
                    int index = (p * down + ty) * across + tx;
                    long count = counts == null ? rowBytes * rows : counts[index];
                    byte[] raw = chunk(index, offsets[index] + shift, count, rowBytes, from, end, tiled);
                    undoPredictor(raw, end - from, (int) rowBytes, chunkSamples);
                    unpack(raw, (int) rowBytes, chunkTop + from, chunkWidth, chunkSamples, p, tx * chunkWidth,
                            region, out);
                }
            }
        }
        return toImageData(out, layout, region.height(), region.width());
    }

    /**
     * Reads and decompresses rows {@code from..end-1} of one strip or tile ({@code from} is 0 unless
     * the chunk is uncompressed): exactly {@code (end - from) * rowBytes} bytes.
     */
    private byte[] chunk(int index, long offset, long count, long rowBytes, int from, int end, boolean tiled)
            throws IOException {
        String what = (tiled ? "tile " : "strip ") + index;
        if (count < 0 || (count > Integer.MAX_VALUE - 8 && compression != 1)) {
            throw dir.invalid(what + " has " + count + " bytes");
        }
        long skip = from * rowBytes;
        int expected = (int) ((end - from) * rowBytes);
        int stored = compression == 1
                ? (int) Math.max(0, Math.min(count - skip, expected)) // extra bytes after the data are allowed
                : (int) count;
        ByteBuffer b = dir.read(offset + skip, stored);
        byte[] in = b.array();
        byte[] out;
        try {
            out = switch (compression) {
                case 1 -> in;
                case 5 -> TiffCodecs.lzwDecode(in, expected);
                case 8, 32946 -> TiffCodecs.inflate(in, expected);
                case 32773 -> TiffCodecs.packBitsDecode(in, expected);
                default -> throw new IllegalStateException("compression " + compression);
            };
        } catch (IllegalArgumentException e) {
            throw dir.invalid(what + ": " + e.getMessage());
        }
        if (out.length < expected) {
            throw dir.invalid(what + " holds " + (skip + out.length) + " bytes, " + (skip + expected) + " expected");
        }
        return out;
    }

    /** Undoes the horizontal (2) or floating-point (3) predictor row by row, in place. */
    private void undoPredictor(byte[] data, int rows, int rowBytes, int chunkSamples) {
        if (predictor == 1) {
            return;
        }
        int bytes = bits / 8;
        boolean little = dir.order() == ByteOrder.LITTLE_ENDIAN;
        if (predictor == 3) {
            byte[] row = new byte[rowBytes];
            int values = rowBytes / bytes;
            for (int r = 0; r < rows; r++) {
                int base = r * rowBytes;
                for (int i = chunkSamples; i < rowBytes; i++) {
                    data[base + i] += data[base + i - chunkSamples];
                }
                // the bytes of each value were split into planes, most significant first
                for (int v = 0; v < values; v++) {
                    for (int k = 0; k < bytes; k++) {
                        int target = little ? v * bytes + (bytes - 1 - k) : v * bytes + k;
                        row[target] = data[base + k * values + v];
                    }
                }
                System.arraycopy(row, 0, data, base, rowBytes);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(dir.order());
        int stride = chunkSamples * bytes;
        for (int r = 0; r < rows; r++) {
            int base = r * rowBytes;
            for (int i = base + stride; i + bytes <= base + rowBytes; i += bytes) {
                switch (bytes) {
                    case 1 -> data[i] += data[i - stride];
                    case 2 -> b.putShort(i, (short) (b.getShort(i) + b.getShort(i - stride)));
                    case 4 -> b.putInt(i, b.getInt(i) + b.getInt(i - stride));
                    default -> b.putLong(i, b.getLong(i) + b.getLong(i - stride));
                }
            }
        }
    }

    /**
     * Copies the samples of one decoded chunk that fall inside {@code region} into the planar output
     * {@code out[sample][y - region.y][x - region.x]}, leaving out the padding of tiles that overhang
     * the image. Integers stay raw here; floats are their values.
     *
     * @param y0 the image row of the data's first row
     * @param x0 the image column of the chunk's first column
     */
    private void unpack(byte[] data, int rowBytes, int y0, int chunkWidth, int chunkSamples, int planeIndex,
            int x0, ImageFiles.Region region, float[] out) {
        ByteBuffer b = ByteBuffer.wrap(data).order(dir.order());
        int plane = region.width() * region.height();
        int xStart = Math.max(x0, region.x());
        int xEnd = Math.min(x0 + chunkWidth, region.x() + region.width());
        int yStart = Math.max(y0, region.y());
        int yEnd = Math.min(y0 + data.length / rowBytes, region.y() + region.height());
        for (int y = yStart; y < yEnd; y++) {
            int rowStart = (y - y0) * rowBytes;
            int outRow = (y - region.y()) * region.width() - region.x();
            for (int x = xStart; x < xEnd; x++) {
                for (int s = 0; s < chunkSamples; s++) {
                    int sampleIndex = (x - x0) * chunkSamples + s;
                    float v;
                    if (bits < 8) {
                        long bit = (long) sampleIndex * bits;
                        int shift = 8 - bits - (int) (bit & 7);
                        v = (data[rowStart + (int) (bit >> 3)] >> shift) & ((1 << bits) - 1);
                    } else {
                        int at = rowStart + sampleIndex * (bits / 8);
                        v = switch (bits) {
                            case 8 -> data[at] & 0xff;
                            case 16 -> floats ? halfToFloat(b.getShort(at)) : b.getShort(at) & 0xffff;
                            case 32 -> b.getFloat(at);
                            default -> (float) b.getDouble(at);
                        };
                    }
                    int channel = planar ? planeIndex : s;
                    out[channel * plane + outRow + x] = v;
                }
            }
        }
    }

    private SampleFormat sampleFormat() {
        return floats ? SampleFormat.FLOAT32 : bits == 16 ? SampleFormat.UINT16 : SampleFormat.UINT8;
    }

    /** The colour map of a palette image, checked: red, green and blue of {@code 2^bits} entries each. */
    private long[] colorMap() throws IOException {
        long[] map = dir.longs(COLOR_MAP);
        int entries = 1 << bits;
        if (map == null || map.length < 3L * entries) {
            throw dir.invalid("a palette image without a colour map of " + 3 * entries + " values");
        }
        return map;
    }

    /** True if every entry of the colour map is a grey (red = green = blue). */
    private boolean paletteIsGrey() throws IOException {
        long[] map = colorMap();
        int entries = 1 << bits;
        for (int i = 0; i < entries; i++) {
            if (map[i] != map[entries + i] || map[i] != map[2 * entries + i]) {
                return false;
            }
        }
        return true;
    }

    /** The image of the {@code rows}×{@code columns} raw samples (planar, one plane per sample). */
    private ImageData toImageData(float[] raw, Layout layout, int rows, int columns) throws IOException {
        int plane = columns * rows;
        SampleFormat format = sampleFormat();
        float max = floats ? 1 : (float) ((1 << bits) - 1);
        float[] alpha = null;
        if (layout.alphaIndex >= 0) {
            alpha = new float[plane];
            for (int i = 0; i < plane; i++) {
                alpha[i] = floats ? raw[layout.alphaIndex * plane + i] : raw[layout.alphaIndex * plane + i] / max;
            }
        }
        int channels = layout.colors;
        float[] color;
        if (layout.palette) {
            long[] map = colorMap();
            int entries = 1 << bits;
            channels = paletteIsGrey() ? 1 : 3;
            color = new float[channels * plane];
            for (int i = 0; i < plane; i++) {
                int v = (int) raw[i];
                for (int c = 0; c < channels; c++) {
                    color[c * plane + i] = (float) (map[c * entries + v] / 65535.0);
                }
            }
            format = SampleFormat.UINT8;
        } else {
            color = new float[channels * plane];
            for (int i = 0; i < channels * plane; i++) {
                float v = floats ? raw[i] : (float) (raw[i] / (double) max);
                color[i] = layout.whiteIsZero ? 1 - v : v;
            }
        }
        if (alpha != null && layout.premultiplied) {
            for (int i = 0; i < plane; i++) {
                if (alpha[i] > 0) {
                    for (int c = 0; c < channels; c++) {
                        color[c * plane + i] = Math.min(1f, color[c * plane + i] / alpha[i]);
                    }
                }
            }
        }
        Image a = alpha == null ? null : Image.wrap(1, rows, columns, alpha);
        return new ImageData(Image.wrap(channels, rows, columns, color), a, format);
    }

    /** An IEEE 754 half-precision value (binary16) as a float. */
    static float halfToFloat(short h) {
        int bitsOf = h & 0xffff;
        int sign = (bitsOf & 0x8000) << 16;
        int exponent = (bitsOf >> 10) & 0x1f;
        int mantissa = bitsOf & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float v = mantissa * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
