package io.usrnet.core.io;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * The image file directories (IFDs) of a TIFF or BigTIFF file, read through a {@link FileChannel}
 * so that only the directories and, later, one strip or tile at a time are held in memory.
 *
 * <p>Every offset and count in the file is checked against the file's size before anything is
 * allocated, so a corrupt or hostile file fails with an {@link InvalidFileException} rather than an
 * out-of-memory error. Tag numbers and types follow TIFF 6.0 and the BigTIFF extension.
 */
final class TiffDirectory {
    static final int NEW_SUBFILE_TYPE = 254;
    static final int IMAGE_WIDTH = 256;
    static final int IMAGE_LENGTH = 257;
    static final int BITS_PER_SAMPLE = 258;
    static final int COMPRESSION = 259;
    static final int PHOTOMETRIC = 262;
    static final int FILL_ORDER = 266;
    static final int IMAGE_DESCRIPTION = 270;
    static final int STRIP_OFFSETS = 273;
    static final int SAMPLES_PER_PIXEL = 277;
    static final int ROWS_PER_STRIP = 278;
    static final int STRIP_BYTE_COUNTS = 279;
    static final int X_RESOLUTION = 282;
    static final int Y_RESOLUTION = 283;
    static final int PLANAR_CONFIGURATION = 284;
    static final int RESOLUTION_UNIT = 296;
    static final int SOFTWARE = 305;
    static final int PREDICTOR = 317;
    static final int COLOR_MAP = 320;
    static final int TILE_WIDTH = 322;
    static final int TILE_LENGTH = 323;
    static final int TILE_OFFSETS = 324;
    static final int TILE_BYTE_COUNTS = 325;
    static final int EXTRA_SAMPLES = 338;
    static final int SAMPLE_FORMAT = 339;

    /** Most directories followed in one file; ImageJ stacks of many thousand slices stay below. */
    private static final int MAX_DIRECTORIES = 1_000_000;
    /** Most entries in one directory (real files have 10 to 40). */
    private static final int MAX_ENTRIES = 4096;
    /** Most values read from one tag: strip tables of the largest images we accept fit easily. */
    private static final long MAX_VALUES = 1L << 26;

    /** One entry: the tag's type, value count and the file position of its values. */
    private record Entry(int type, long count, long position) {
    }

    private final FileChannel channel;
    private final Path file;
    private final ByteOrder order;
    private final boolean bigTiff;
    private final TreeMap<Integer, Entry> entries = new TreeMap<>();
    private final long next;
    private final long position;

    private TiffDirectory(FileChannel channel, Path file, ByteOrder order, boolean bigTiff, long position)
            throws IOException {
        this.channel = channel;
        this.position = position;
        this.file = file;
        this.order = order;
        this.bigTiff = bigTiff;
        int countSize = bigTiff ? 8 : 2;
        long count = bigTiff ? read(position, 8).getLong() : read(position, 2).getShort() & 0xffff;
        if (count < 1 || count > MAX_ENTRIES) {
            throw invalid("image directory at byte " + position + " has " + count + " entries");
        }
        int entrySize = bigTiff ? 20 : 12;
        ByteBuffer b = read(position + countSize, (int) count * entrySize);
        for (int i = 0; i < count; i++) {
            int base = i * entrySize;
            int tag = b.getShort(base) & 0xffff;
            int type = b.getShort(base + 2) & 0xffff;
            long n = bigTiff ? b.getLong(base + 4) : b.getInt(base + 4) & 0xffffffffL;
            int size = typeSize(type);
            if (size == 0 || n < 0 || n > MAX_VALUES) {
                continue; // an unknown type or an absurd count: ignore the entry, as TIFF readers must
            }
            int inline = bigTiff ? 8 : 4;
            long valuePosition = position + countSize + base + (bigTiff ? 12 : 8);
            if (n * size > inline) {
                valuePosition = bigTiff ? b.getLong(base + 12) : b.getInt(base + 8) & 0xffffffffL;
            }
            entries.put(tag, new Entry(type, n, valuePosition));
        }
        long nextPosition = position + countSize + count * entrySize;
        next = bigTiff ? read(nextPosition, 8).getLong() : read(nextPosition, 4).getInt() & 0xffffffffL;
    }

    /**
     * Reads the file's header and first directory.
     *
     * @throws InvalidFileException if the file is not a TIFF or its first directory is damaged
     */
    static TiffDirectory first(FileChannel channel, Path file) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(16);
        channel.read(h, 0);
        if (h.position() < 8) {
            throw new InvalidFileException(file, "not a valid TIFF file (shorter than its header)");
        }
        ByteOrder order;
        if (h.get(0) == 'I' && h.get(1) == 'I') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (h.get(0) == 'M' && h.get(1) == 'M') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new InvalidFileException(file, "not a valid TIFF file (no II or MM byte-order mark)");
        }
        h.order(order);
        int version = h.getShort(2) & 0xffff;
        if (version == 42) {
            return new TiffDirectory(channel, file, order, false, h.getInt(4) & 0xffffffffL);
        }
        if (version == 43 && h.position() >= 16 && h.getShort(4) == 8) {
            return new TiffDirectory(channel, file, order, true, h.getLong(8));
        }
        throw new InvalidFileException(file, "not a valid TIFF file (version " + version + ")");
    }

    /**
     * Counts the full-resolution images in the file: this directory and those chained after it,
     * leaving out reduced-resolution copies (thumbnails, NewSubfileType bit 0).
     */
    int countImages() throws IOException {
        return imagePositions().length;
    }

    /**
     * The file positions of the full-resolution images' directories: this directory's, then those
     * chained after it (following {@link #next()}), leaving out reduced-resolution copies
     * (thumbnails, NewSubfileType bit 0).
     *
     * @throws InvalidFileException if the chain loops, is too long or points at damaged directories
     */
    long[] imagePositions() throws IOException {
        long[] positions = new long[16];
        positions[0] = position;
        int images = 1;
        Set<Long> seen = new HashSet<>();
        seen.add(position);
        for (long at = next; at != 0; ) {
            if (!seen.add(at) || seen.size() > MAX_DIRECTORIES) {
                throw invalid("its chain of image directories loops or is too long");
            }
            TiffDirectory d = at(at);
            if ((d.longValue(NEW_SUBFILE_TYPE, 0) & 1) == 0) {
                if (images == positions.length) {
                    positions = java.util.Arrays.copyOf(positions, 2 * images);
                }
                positions[images++] = at;
            }
            at = d.next;
        }
        return java.util.Arrays.copyOf(positions, images);
    }

    /**
     * Reads the directory at {@code position} of the same file (a position from {@link #next()} or
     * {@link #imagePositions()}).
     *
     * @throws InvalidFileException if it lies outside the file or is damaged
     */
    TiffDirectory at(long position) throws IOException {
        return new TiffDirectory(channel, file, order, bigTiff, position);
    }

    /** The file position of the next directory in the chain, 0 after the last. */
    long next() {
        return next;
    }

    /** The file position of this directory. */
    long position() {
        return position;
    }

    /** The file's size in bytes. */
    long fileSize() throws IOException {
        return channel.size();
    }

    ByteOrder order() {
        return order;
    }

    boolean isBigTiff() {
        return bigTiff;
    }

    boolean has(int tag) {
        return entries.containsKey(tag);
    }

    /** The tag's first value as an integer, or {@code fallback} if the tag is absent. */
    long longValue(int tag, long fallback) throws IOException {
        long[] v = longs(tag);
        return v == null || v.length == 0 ? fallback : v[0];
    }

    /**
     * The tag's values as integers (BYTE, SHORT, LONG, LONG8 and their signed kinds; a rational is
     * truncated), or {@code null} if the tag is absent.
     */
    long[] longs(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null) {
            return null;
        }
        int size = typeSize(e.type);
        ByteBuffer b = read(e.position, Math.toIntExact(e.count * size));
        long[] out = new long[(int) e.count];
        for (int i = 0; i < out.length; i++) {
            int at = i * size;
            out[i] = switch (e.type) {
                case 1, 2, 7 -> b.get(at) & 0xff;
                case 6 -> b.get(at);
                case 3 -> b.getShort(at) & 0xffff;
                case 8 -> b.getShort(at);
                case 4, 13 -> b.getInt(at) & 0xffffffffL;
                case 9 -> b.getInt(at);
                case 5 -> (b.getInt(at + 4) & 0xffffffffL) == 0 ? 0
                        : (b.getInt(at) & 0xffffffffL) / (b.getInt(at + 4) & 0xffffffffL);
                case 10 -> b.getInt(at + 4) == 0 ? 0 : b.getInt(at) / b.getInt(at + 4);
                case 11 -> (long) b.getFloat(at);
                case 12 -> (long) b.getDouble(at);
                default -> b.getLong(at); // 16, 17, 18
            };
        }
        return out;
    }

    /** The tag's first value as a real number (RATIONAL, FLOAT, DOUBLE or integer), or NaN if absent. */
    double doubleValue(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null || e.count == 0) {
            return Double.NaN;
        }
        ByteBuffer b = read(e.position, typeSize(e.type));
        return switch (e.type) {
            case 5 -> (b.getInt(0) & 0xffffffffL) / (double) (b.getInt(4) & 0xffffffffL);
            case 10 -> b.getInt(0) / (double) b.getInt(4);
            case 11 -> b.getFloat(0);
            case 12 -> b.getDouble(0);
            default -> longValue(tag, 0);
        };
    }

    /** The tag's text (ASCII or UTF-8, up to the first NUL), or {@code null} if absent. */
    String text(int tag) throws IOException {
        Entry e = entries.get(tag);
        if (e == null || (e.type != 2 && e.type != 1 && e.type != 7)) {
            return null;
        }
        ByteBuffer b = read(e.position, Math.toIntExact(e.count));
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code length} bytes at {@code position} in the file's byte order.
     *
     * @throws InvalidFileException if they lie outside the file
     */
    ByteBuffer read(long position, int length) throws IOException {
        if (position < 0 || length < 0 || position > channel.size() - length) {
            throw invalid("it points at bytes " + position + " to " + (position + length)
                    + " beyond its end (" + channel.size() + " bytes); the file is truncated or corrupt");
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(order);
        while (b.hasRemaining()) {
            if (channel.read(b, position + b.position()) < 0) {
                throw invalid("it ended while being read");
            }
        }
        return b.flip();
    }

    InvalidFileException invalid(String problem) {
        return new InvalidFileException(file, "not a valid TIFF file: " + problem);
    }

    /** Bytes per value of a TIFF field type, 0 for an unknown type. */
    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11, 13 -> 4;
            case 5, 10, 12, 16, 17, 18 -> 8;
            default -> 0;
        };
    }
}
