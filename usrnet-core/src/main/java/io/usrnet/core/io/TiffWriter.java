package io.usrnet.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Writes one image as a little-endian TIFF: chunky samples (colour, then alpha as an unassociated
 * extra sample), 8/16-bit unsigned or 32-bit float, in strips of about 64 KiB, uncompressed or
 * Deflate-compressed without a predictor (which every TIFF reader, the Java runtime's included,
 * reads). Files that could pass 4 GiB are written as BigTIFF.
 *
 * <p>The pixel size goes into XResolution/YResolution (pixels per unit). An inch or centimetre
 * unit is ResolutionUnit 2 or 3; any other unit is ResolutionUnit 1 ("none") plus the unit in an
 * ImageJ-style description ({@code ImageJ=1.11a}, {@code unit=\u005Cu00B5m} for µm), which ImageJ, Fiji,
 * Bio-Formats and tifffile read: the same convention ImageJ's own TIFF writer uses.
 *
 * <p>Every image is encoded strip by strip from a {@link RowSource}, so an image supplied row by
 * row is never held whole; an image in memory is handed over as one ({@link RowSource#of}).
 *
 * <p>{@link TiffStackWriter} writes stacks page by page with the same pieces ({@link Strips},
 * {@link #writeStrips}, {@link #fields}, {@link #directory}).
 */
final class TiffWriter {
    /** Uncompressed bytes per strip: small enough to stream, large enough to compress well. */
    private static final int STRIP_BYTES = 64 * 1024;
    /** Deflate level 6, zlib's and libtiff's default: most of level 9's gain at a fraction of its time. */
    private static final int DEFLATE_LEVEL = Deflater.DEFAULT_COMPRESSION;
    /** The largest offset a classic TIFF holds. */
    static final long CLASSIC_LIMIT = 0xFFFFFFFFL;

    private TiffWriter() {
    }

    /** One directory entry before layout: tag, type and the values as longs (or the text). */
    record Field(int tag, int type, long[] values, byte[] text) {
        long count() {
            return text != null ? text.length : type == 5 ? values.length / 2 : values.length;
        }
    }

    /**
     * How one image is cut into strips: rows per strip chosen for about {@link #STRIP_BYTES} each.
     *
     * @param width          pixels per row
     * @param height         rows
     * @param colors         colour samples per pixel (1 or 3)
     * @param alpha          whether an alpha sample follows the colours
     * @param format         how samples are stored
     * @param rowsPerStrip   rows in each strip but the last
     */
    record Strips(int width, int height, int colors, boolean alpha, SampleFormat format, int rowsPerStrip) {
        /** The strips of a {@code width}×{@code height} image of the given samples. */
        static Strips of(int width, int height, int colors, boolean alpha, SampleFormat format) {
            long rowBytes = (long) width * (colors + (alpha ? 1 : 0)) * bytesPerSample(format);
            int rowsPerStrip = (int) Math.max(1, Math.min(height, STRIP_BYTES / rowBytes));
            return new Strips(width, height, colors, alpha, format, rowsPerStrip);
        }

        /** Samples per pixel: the colours and the alpha. */
        int samples() {
            return colors + (alpha ? 1 : 0);
        }

        /** Number of strips. */
        int count() {
            return (height + rowsPerStrip - 1) / rowsPerStrip;
        }

        /** Bytes of one uncompressed row. */
        long rowBytes() {
            return (long) width * samples() * bytesPerSample(format);
        }

        /** Bytes of the whole uncompressed image. */
        long rawBytes() {
            return rowBytes() * height;
        }

        /**
         * An upper bound on the bytes the strips take in the file: Deflate can grow incompressible
         * data by a few bytes per 16 KiB block, so a wide margin.
         */
        long worstCaseBytes() {
            return rawBytes() + rawBytes() / 100 + 16L * count();
        }
    }

    private static int bytesPerSample(SampleFormat format) {
        return switch (format) {
            case UINT8 -> 1;
            case UINT16 -> 2;
            case FLOAT32 -> 4;
        };
    }

    /** Writes {@code data} to {@code target} (a new file or a temporary file of {@link AtomicFiles}). */
    static void write(Path target, ImageData data, Compression compression) throws IOException {
        write(target, data, compression, false);
    }

    /** As {@link #write(Path, ImageData, Compression)}, as BigTIFF also when the file would fit in a TIFF. */
    static void write(Path target, ImageData data, Compression compression, boolean bigTiff) throws IOException {
        write(target, RowSource.of(data.color(), data.alpha()), data.format(), data.pixelSize(), compression, bigTiff);
    }

    /**
     * Writes the image {@code rows} supplies, row by row: only one strip is held at a time. The
     * source must have 1 or 3 colour channels.
     *
     * @param size the pixel size to record, or {@code null}
     */
    static void write(Path target, RowSource rows, SampleFormat format, PixelSize size, Compression compression)
            throws IOException {
        write(target, rows, format, size, compression, false);
    }

    private static void write(Path target, RowSource rows, SampleFormat format, PixelSize size,
            Compression compression, boolean bigTiff) throws IOException {
        Strips layout = Strips.of(rows.width(), rows.height(), rows.channels(), rows.hasAlpha(), format);
        boolean big = bigTiff || layout.worstCaseBytes() + (1L << 20) > CLASSIC_LIMIT;
        long[] offsets = new long[layout.count()];
        long[] counts = new long[layout.count()];
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long position = writeStrips(out, big ? 16 : 8, layout, rows, compression, offsets, counts);
            position += position & 1; // directories start on a word boundary
            String unitLine = imageJUnitLine(size);
            String description = unitLine.isEmpty() ? null : IMAGEJ_VERSION + "\n" + unitLine;
            List<Field> fields = fields(layout, compression, offsets, counts, big, size, description);
            long ifd = position;
            writeFully(out, directory(fields, ifd, big, 0), ifd);
            writeHeader(out, big, ifd);
        }
    }

    /** The first line of the ImageJ descriptions written here (tifffile writes the same). */
    static final String IMAGEJ_VERSION = "ImageJ=1.11a";

    /**
     * Writes the image's strips from {@code position} on, back to back, and records where each
     * went and its size in bytes. The rows are taken from {@code rows} strip by strip, in order,
     * so only one strip of the image is held at a time; every image written here, whole or
     * streamed, is encoded by this.
     *
     * @param rows the image, of the layout's size, channels and alpha
     * @return the position after the last strip
     */
    static long writeStrips(FileChannel out, long position, Strips layout, RowSource rows,
            Compression compression, long[] offsets, long[] counts) throws IOException {
        int w = layout.width();
        int h = layout.height();
        int colors = layout.colors();
        int spp = layout.samples();
        int rowsPerStrip = layout.rowsPerStrip();
        SampleFormat format = layout.format();
        float[] color = new float[colors * w];
        float[] alpha = layout.alpha() ? new float[w] : null;
        long at = position;
        ByteBuffer strip = ByteBuffer.allocate((int) (layout.rowBytes() * rowsPerStrip)).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < layout.count(); s++) {
            int y0 = s * rowsPerStrip;
            int stripRows = Math.min(rowsPerStrip, h - y0);
            strip.clear();
            for (int y = y0; y < y0 + stripRows; y++) {
                rows.row(y, color, alpha);
                for (int x = 0; x < w; x++) {
                    for (int c = 0; c < spp; c++) {
                        float v = c < colors ? color[c * w + x] : alpha[x];
                        switch (format) {
                            case UINT8 -> strip.put((byte) format.quantize(v));
                            case UINT16 -> strip.putShort((short) format.quantize(v));
                            case FLOAT32 -> strip.putFloat(v);
                        }
                    }
                }
            }
            strip.flip();
            ByteBuffer payload = compression == Compression.DEFLATE
                    ? ByteBuffer.wrap(TiffCodecs.deflate(strip.array(), 0, strip.limit(), DEFLATE_LEVEL))
                    : strip;
            offsets[s] = at;
            counts[s] = payload.remaining();
            at += writeFully(out, payload, at);
        }
        return at;
    }

    /** ResolutionUnit for the pixel size's unit: 2 inch, 3 centimetre, 1 any other (or none). */
    private static int resolutionUnit(PixelSize size) {
        return switch (size.unit()) {
            case "inch" -> 2;
            case "cm" -> 3;
            default -> 1;
        };
    }

    /**
     * The description written with a pixel size: the ImageJ {@code unit=} line for units other than
     * inch and cm (which ResolutionUnit holds), else nothing.
     */
    static String imageJUnitLine(PixelSize size) {
        return size != null && resolutionUnit(size) == 1 && !size.unit().isEmpty()
                ? "unit=" + imageJUnit(size.unit()) + "\n" : "";
    }

    /**
     * The directory entries of one image, in tag order.
     *
     * @param size        the pixel size, or {@code null}
     * @param description the ImageDescription, or {@code null} for none
     */
    static List<Field> fields(Strips layout, Compression compression, long[] offsets, long[] counts, boolean big,
            PixelSize size, String description) {
        int spp = layout.samples();
        List<Field> fields = new ArrayList<>();
        fields.add(field(TiffDirectory.NEW_SUBFILE_TYPE, 4, 0));
        fields.add(field(TiffDirectory.IMAGE_WIDTH, 4, layout.width()));
        fields.add(field(TiffDirectory.IMAGE_LENGTH, 4, layout.height()));
        fields.add(field(TiffDirectory.BITS_PER_SAMPLE, 3, repeat(spp, bytesPerSample(layout.format()) * 8L)));
        fields.add(field(TiffDirectory.COMPRESSION, 3, compression == Compression.DEFLATE ? 8 : 1));
        fields.add(field(TiffDirectory.PHOTOMETRIC, 3, layout.colors() == 3 ? 2 : 1));
        if (description != null) {
            fields.add(new Field(TiffDirectory.IMAGE_DESCRIPTION, 2, null, ascii(description)));
        }
        fields.add(field(TiffDirectory.STRIP_OFFSETS, big ? 16 : 4, offsets));
        fields.add(field(TiffDirectory.SAMPLES_PER_PIXEL, 3, spp));
        fields.add(field(TiffDirectory.ROWS_PER_STRIP, 4, layout.rowsPerStrip()));
        fields.add(field(TiffDirectory.STRIP_BYTE_COUNTS, big ? 16 : 4, counts));
        if (size != null) {
            fields.add(field(TiffDirectory.X_RESOLUTION, 5, rational(1 / size.width())));
            fields.add(field(TiffDirectory.Y_RESOLUTION, 5, rational(1 / size.height())));
        }
        fields.add(field(TiffDirectory.PLANAR_CONFIGURATION, 3, 1));
        if (size != null) {
            fields.add(field(TiffDirectory.RESOLUTION_UNIT, 3, resolutionUnit(size)));
        }
        fields.add(new Field(TiffDirectory.SOFTWARE, 2, null, ascii("usrnet")));
        if (layout.alpha()) {
            fields.add(field(TiffDirectory.EXTRA_SAMPLES, 3, 2));
        }
        fields.add(field(TiffDirectory.SAMPLE_FORMAT, 3, repeat(spp, layout.format() == SampleFormat.FLOAT32 ? 3 : 1)));
        return fields;
    }

    /** Writes the file header (little-endian) pointing at the first directory. */
    static void writeHeader(FileChannel out, boolean big, long firstDirectory) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(big ? 16 : 8).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'I').put((byte) 'I');
        if (big) {
            header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstDirectory);
        } else {
            header.putShort((short) 42).putInt((int) firstDirectory);
        }
        writeFully(out, header.flip(), 0);
    }

    /** The bytes {@link #directory} gives for these fields (the same whatever its position). */
    static int directoryBytes(List<Field> fields, boolean big) {
        int entrySize = big ? 20 : 12;
        int inline = big ? 8 : 4;
        int bytes = (big ? 8 : 2) + fields.size() * entrySize + (big ? 8 : 4);
        for (Field f : fields) {
            int n = valueBytes(f);
            if (n > inline) {
                bytes += n + (n & 1);
            }
        }
        return bytes;
    }

    /**
     * The directory at {@code at}: entries, then the values that do not fit in them.
     *
     * @param next the position of the next directory, 0 for the last
     */
    static ByteBuffer directory(List<Field> fields, long at, boolean big, long next) {
        int entrySize = big ? 20 : 12;
        int inline = big ? 8 : 4;
        int head = (big ? 8 : 2) + fields.size() * entrySize + (big ? 8 : 4);
        int extra = 0;
        for (Field f : fields) {
            int bytes = valueBytes(f);
            if (bytes > inline) {
                extra += bytes + (bytes & 1);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(head + extra).order(ByteOrder.LITTLE_ENDIAN);
        if (big) {
            b.putLong(fields.size());
        } else {
            b.putShort((short) fields.size());
        }
        int valueAt = head;
        for (Field f : fields) {
            b.putShort((short) f.tag()).putShort((short) f.type());
            if (big) {
                b.putLong(f.count());
            } else {
                b.putInt((int) f.count());
            }
            int bytes = valueBytes(f);
            if (bytes <= inline) {
                int start = b.position();
                putValues(b, f);
                b.position(start + inline);
            } else {
                if (big) {
                    b.putLong(at + valueAt);
                } else {
                    b.putInt((int) (at + valueAt));
                }
                int mark = b.position();
                b.position(valueAt);
                putValues(b, f);
                valueAt += bytes + (bytes & 1);
                b.position(mark);
            }
        }
        if (big) {
            b.putLong(next);
        } else {
            b.putInt((int) next);
        }
        b.position(0);
        return b;
    }

    private static int valueBytes(Field f) {
        if (f.text() != null) {
            return f.text().length;
        }
        int size = switch (f.type()) {
            case 3 -> 2;
            case 4 -> 4;
            default -> 8; // 16 (LONG8); a RATIONAL is two LONGs, counted in values
        };
        return f.type() == 5 ? f.values().length * 4 : f.values().length * size;
    }

    private static void putValues(ByteBuffer b, Field f) {
        if (f.text() != null) {
            b.put(f.text());
            return;
        }
        for (long v : f.values()) {
            switch (f.type()) {
                case 3 -> b.putShort((short) v);
                case 4, 5 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
    }

    private static Field field(int tag, int type, long... values) {
        return new Field(tag, type, values, null);
    }

    private static long[] repeat(int n, long value) {
        long[] v = new long[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    private static byte[] ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(b, b.length + 1); // NUL-terminated
    }

    /** The unit as ImageJ 1.54 writes it: characters outside ASCII as \\uXXXX ("\\u00B5m" for µm). */
    private static String imageJUnit(String unit) {
        StringBuilder sb = new StringBuilder();
        for (char c : unit.toCharArray()) {
            if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            } else {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return sb.toString();
    }

    /**
     * The closest fraction num/den to {@code v} with both parts below 2^32 (continued fractions),
     * as a TIFF RATIONAL.
     */
    static long[] rational(double v) {
        long h0 = 0;
        long h1 = 1;
        long k0 = 1;
        long k1 = 0;
        double x = v;
        for (int i = 0; i < 64; i++) {
            if (x > CLASSIC_LIMIT) {
                break;
            }
            long a = (long) Math.floor(x);
            long h2 = a * h1 + h0;
            long k2 = a * k1 + k0;
            if (h2 > CLASSIC_LIMIT || k2 > CLASSIC_LIMIT) {
                break;
            }
            h0 = h1;
            h1 = h2;
            k0 = k1;
            k1 = k2;
            double fraction = x - a;
            if (fraction < 1e-12 || Math.abs((double) h1 / k1 - v) <= 1e-15 * v) {
                break;
            }
            x = 1 / fraction;
        }
        if (k1 == 0) {
            return new long[] {CLASSIC_LIMIT, 1}; // larger than a RATIONAL holds
        }
        if (h1 == 0) {
            return new long[] {1, CLASSIC_LIMIT}; // smaller than a RATIONAL holds
        }
        return new long[] {h1, k1};
    }

    static int writeFully(FileChannel out, ByteBuffer b, long position) throws IOException {
        int n = b.remaining();
        long at = position;
        while (b.hasRemaining()) {
            at += out.write(b, at);
        }
        return n;
    }
}
