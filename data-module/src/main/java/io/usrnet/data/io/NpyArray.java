package io.usrnet.data.io;

import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An n-dimensional array in NumPy's {@code .npy} format (versions 1.0–3.0), as the reference
 * fixtures store images (H×W×C float32) and kernels (H×W float64).
 *
 * <p>Readable: float32, float64, signed and unsigned integers of 1, 2, 4 and 8 bytes and bool,
 * little- or big-endian, in C or Fortran order (what {@code np.asfortranarray} and arrays from
 * {@code scipy.io.loadmat} save). Whatever the file's layout, the elements are presented in C order
 * with their numeric values, so every variant of an array reads as the same numbers. Written files
 * are little-endian C-order float32 (images) or float64 (kernels). For arrays larger than memory,
 * {@link #readHeader} reads the header alone, {@link #readRegion} part of an image array, and
 * {@link #imageHeader} gives the header to write an image row by row after. Dimensions are checked against the file size before
 * anything is allocated, so a header that claims absurd dimensions fails fast.
 */
public final class NpyArray {
    /** Element types this codec reads, with NumPy's type code (kind and size, as in {@code '<f4'}). */
    public enum DType {
        FLOAT32("f4"), FLOAT64("f8"),
        INT8("i1"), INT16("i2"), INT32("i4"), INT64("i8"),
        UINT8("u1"), UINT16("u2"), UINT32("u4"), UINT64("u8"),
        BOOL("b1");

        private final String code;

        DType(String code) {
            this.code = code;
        }

        /** Size of one element in bytes. */
        public int bytes() {
            return code.charAt(1) - '0';
        }

        /** True for the signed and unsigned integer types (not bool, not the floats). */
        public boolean isInteger() {
            return code.charAt(0) == 'i' || code.charAt(0) == 'u';
        }

        /** The NumPy name: float32, int16, uint8, bool... */
        public String numpyName() {
            return this == BOOL ? "bool" : name().toLowerCase(Locale.ROOT);
        }

        /** The type with this code (the descr without its byte-order mark), or null. */
        static DType forCode(String code) {
            for (DType t : values()) {
                if (t.code.equals(code)) {
                    return t;
                }
            }
            return null;
        }
    }

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int MAX_HEADER = 1 << 20;

    private final int[] shape;
    private final DType dtype;
    private final ByteBuffer data; // read-only, byte order set to the file's

    /** An array over {@code raw}, its elements in C order and in {@code order}. */
    private NpyArray(int[] shape, DType dtype, byte[] raw, ByteOrder order) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = ByteBuffer.wrap(raw).order(order).asReadOnlyBuffer().order(order);
    }

    /**
     * What the header of a {@code .npy} file says, checked against the file's size: enough to read
     * any part of the data without reading the rest.
     *
     * @param shape        the array's dimensions (a copy is kept and handed out)
     * @param dtype        the element type
     * @param order        the byte order of the elements
     * @param fortranOrder true if the elements are stored first index fastest (Fortran order),
     *                     false for C order (last index fastest)
     * @param dataOffset   where the elements start in the file, in bytes
     */
    public record Header(int[] shape, DType dtype, ByteOrder order, boolean fortranOrder, long dataOffset) {
        /** Keeps a copy of {@code shape}. */
        public Header {
            shape = shape.clone();
        }

        /** The array's dimensions (a copy). */
        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** Number of elements: the product of the dimensions. */
        public long elementCount() {
            long n = 1;
            for (int v : shape) {
                n *= v;
            }
            return n;
        }

        /**
         * Checks that the array is one {@link #toImage()} converts: H×W or H×W×C, of a float, bool,
         * uint8 or uint16 type.
         *
         * @throws IllegalArgumentException with the message {@link #toImage()} gives otherwise
         */
        public void requireImage() {
            NpyArray.requireImage(shape, dtype);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && Arrays.equals(shape, h.shape) && dtype == h.dtype && order.equals(h.order)
                    && fortranOrder == h.fortranOrder && dataOffset == h.dataOffset;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(shape), dtype, order, fortranOrder, dataOffset);
        }

        @Override
        public String toString() {
            return "Header[shape=" + Arrays.toString(shape) + ", dtype=" + dtype + ", order=" + order
                    + ", fortranOrder=" + fortranOrder + ", dataOffset=" + dataOffset + "]";
        }
    }

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) throws IOException {
        long fileSize = fileSize(file);
        try (InputStream in = Files.newInputStream(file)) {
            Header header = readHeader(file, in, fileSize);
            long bytes = header.elementCount() * header.dtype().bytes();
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new InvalidFileException(file, "array too large (" + bytes + " bytes)");
            }
            byte[] raw = in.readNBytes((int) bytes);
            if (raw.length != bytes) {
                throw new InvalidFileException(file, "truncated .npy data");
            }
            int[] shape = header.shape();
            if (header.fortranOrder()) {
                raw = fortranToC(raw, shape, header.dtype().bytes());
            }
            return new NpyArray(shape, header.dtype(), raw, header.order());
        }
    }

    /**
     * Reads the header of a {@code .npy} file alone, checked as {@link #read} checks it (the data
     * must fit in the file).
     *
     * @throws NoSuchFileException  if the file does not exist ("file not found")
     * @throws InvalidFileException if the header is corrupt, of an unsupported version or element
     *                              type, or claims more data than the file holds
     */
    public static Header readHeader(Path file) throws IOException {
        long fileSize = fileSize(file);
        try (InputStream in = Files.newInputStream(file)) {
            return readHeader(file, in, fileSize);
        }
    }

    /**
     * Reads rows {@code y..y+height-1}, columns {@code x..x+width-1} of an array of at least two
     * dimensions: the array {@code a[y:y+height, x:x+width, ...]} in NumPy's terms, of shape
     * {@code {height, width, shape[2], ...}} and the file's element type, so {@link #toImage()} of it
     * is the same part of the whole array's image. Of a C-order file only the bytes of those rows'
     * segments are read; a Fortran-order file, whose rows are scattered, is read whole and cut.
     *
     * @throws NoSuchFileException      if the file does not exist ("file not found")
     * @throws InvalidFileException     if the file is corrupt or truncated
     * @throws IllegalArgumentException if the array has fewer than two dimensions, the region is
     *                                  empty or not inside the array, or too large for one array
     */
    public static NpyArray readRegion(Path file, int y, int x, int height, int width) throws IOException {
        Header header = readHeader(file);
        int[] shape = header.shape;
        if (shape.length < 2) {
            throw new IllegalArgumentException(file + ": a region needs an array of at least 2 dimensions, got shape "
                    + Arrays.toString(shape));
        }
        if (y < 0 || x < 0 || height < 1 || width < 1 || (long) y + height > shape[0]
                || (long) x + width > shape[1]) {
            throw new IllegalArgumentException(file + ": region of " + height + "×" + width + " at row " + y
                    + ", column " + x + " is not inside the array of shape " + Arrays.toString(shape));
        }
        int elementBytes = header.dtype().bytes();
        long pixelBytes = header.elementCount() / ((long) shape[0] * shape[1]) * elementBytes;
        long segmentBytes = width * pixelBytes;
        if (segmentBytes * height > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(file + ": region of " + height + "×" + width + " too large ("
                    + segmentBytes * height + " bytes)");
        }
        int segment = (int) segmentBytes;
        byte[] out = new byte[segment * height];
        if (header.fortranOrder()) {
            NpyArray whole = read(file);
            for (int r = 0; r < height; r++) {
                int from = (int) (((long) (y + r) * shape[1] + x) * pixelBytes);
                whole.data.get(from, out, r * segment, segment);
            }
        } else {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int r = 0; r < height; r++) {
                    long from = header.dataOffset() + ((long) (y + r) * shape[1] + x) * pixelBytes;
                    ByteBuffer target = ByteBuffer.wrap(out, r * segment, segment);
                    while (target.hasRemaining()) {
                        if (channel.read(target, from + target.position() - r * segment) < 0) {
                            throw new InvalidFileException(file, "truncated .npy data");
                        }
                    }
                }
            }
        }
        int[] regionShape = shape.clone();
        regionShape[0] = height;
        regionShape[1] = width;
        return new NpyArray(regionShape, header.dtype(), out, header.order());
    }

    private static long fileSize(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
    }

    /** Reads and checks the header from the start of {@code in}, leaving it at the data. */
    private static Header readHeader(Path file, InputStream in, long fileSize) throws IOException {
        byte[] head = in.readNBytes(10);
        if (head.length < 10 || !Arrays.equals(Arrays.copyOf(head, 6), MAGIC)) {
            throw new InvalidFileException(file, "not a .npy file (bad magic bytes)");
        }
        int major = head[6] & 0xff;
        long headerLen;
        int prefix;
        if (major == 1) {
            headerLen = (head[8] & 0xff) | (head[9] & 0xff) << 8;
            prefix = 10;
        } else if (major == 2 || major == 3) {
            byte[] more = in.readNBytes(2);
            if (more.length < 2) {
                throw new InvalidFileException(file, "truncated .npy header");
            }
            headerLen = (head[8] & 0xffL) | (head[9] & 0xffL) << 8 | (more[0] & 0xffL) << 16
                    | (more[1] & 0xffL) << 24;
            prefix = 12;
        } else {
            throw new InvalidFileException(file, "unsupported .npy format version " + major);
        }
        if (headerLen > MAX_HEADER || prefix + headerLen > fileSize) {
            throw new InvalidFileException(file, "truncated or corrupt .npy header");
        }
        byte[] headerBytes = in.readNBytes((int) headerLen);
        String header = new String(headerBytes,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(file, header, prefix + headerLen, fileSize);
    }

    private static Header parse(Path file, String header, long dataStart, long fileSize) throws IOException {
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new InvalidFileException(file, "corrupt .npy header: " + header.trim());
        }
        String descr = d.group(1);
        // '<' little, '>' big, '|' not applicable (one byte), '=' native: little on every platform NumPy
        // writes for (and np.save always writes an explicit mark anyway)
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DType dtype = DType.forCode(descr.replaceFirst("^[<>|=]", ""));
        if (dtype == null) {
            throw new InvalidFileException(file, "unsupported .npy element type '" + descr
                    + "' (supported: float32, float64, int8..int64, uint8..uint64, bool)");
        }
        boolean fortran = f.group(1).equals("True");
        String dims = s.group(1).trim();
        String[] parts = dims.isEmpty() ? new String[0] : dims.split("\\s*,\\s*");
        int n = parts.length;
        if (n > 0 && parts[n - 1].isEmpty()) {
            n--;
        }
        int[] shape = new int[n];
        long count = 1;
        for (int i = 0; i < n; i++) {
            long v;
            try {
                v = Long.parseLong(parts[i].replace("L", ""));
            } catch (NumberFormatException e) {
                throw new InvalidFileException(file, "corrupt .npy shape (" + dims + ")");
            }
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new InvalidFileException(file, "invalid .npy dimension " + v);
            }
            shape[i] = (int) v;
            count *= v;
            if (count > fileSize) {
                break; // the check below reports it
            }
        }
        long bytes = count * dtype.bytes();
        if (count > fileSize || dataStart + bytes > fileSize) {
            throw new InvalidFileException(file, "truncated .npy data: shape " + Arrays.toString(shape)
                    + " needs " + bytes + " bytes, the file has " + Math.max(0, fileSize - dataStart));
        }
        return new Header(shape, dtype, order, fortran, dataStart);
    }

    /**
     * The elements of a Fortran-order (first index fastest) array rearranged into C order (last
     * index fastest), byte for byte; the byte order within an element is untouched.
     */
    private static byte[] fortranToC(byte[] raw, int[] shape, int elementBytes) {
        int n = shape.length;
        int count = raw.length / elementBytes;
        if (n < 2 || count < 2) {
            return raw; // one dimension or at most one element: both orders are the same
        }
        // every dimension is at least 1 here (count > 0) and the product is count, so no overflow
        int[] cStride = new int[n];
        cStride[n - 1] = 1;
        for (int k = n - 2; k >= 0; k--) {
            cStride[k] = cStride[k + 1] * shape[k + 1];
        }
        byte[] out = new byte[raw.length];
        int[] index = new int[n];
        int c = 0; // C-order position of the multi-index; advanced with the first index (Fortran order)
        for (int fPos = 0; fPos < count; fPos++) {
            System.arraycopy(raw, fPos * elementBytes, out, c * elementBytes, elementBytes);
            for (int k = 0; k < n; k++) {
                if (++index[k] < shape[k]) {
                    c += cStride[k];
                    break;
                }
                c -= (shape[k] - 1) * cStride[k];
                index[k] = 0;
            }
        }
        return out;
    }

    /** Array dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** Element type as stored in the file. */
    public DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public int size() {
        int n = 1;
        for (int v : shape) {
            n *= v;
        }
        return n;
    }

    /** All elements in C order as doubles (integer types keep their raw values, not scaled). */
    public double[] toDoubles() {
        int n = size();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = element(i);
        }
        return out;
    }

    /** All elements in C order as floats (integer types keep their raw values, not scaled). */
    public float[] toFloats() {
        int n = size();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) element(i);
        }
        return out;
    }

    private double element(int i) {
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(i * 4);
            case FLOAT64 -> data.getDouble(i * 8);
            case INT8 -> data.get(i);
            case INT16 -> data.getShort(i * 2);
            case INT32 -> data.getInt(i * 4);
            case INT64 -> data.getLong(i * 8);
            case UINT8 -> data.get(i) & 0xff;
            case UINT16 -> data.getShort(i * 2) & 0xffff;
            case UINT32 -> data.getInt(i * 4) & 0xffffffffL;
            case UINT64 -> unsigned(data.getLong(i * 8));
            case BOOL -> data.get(i) != 0 ? 1 : 0;
        };
    }

    /** The value of a uint64 held in a long, rounded to the nearest double. */
    private static double unsigned(long v) {
        // halve (keeping the lowest bit for correct rounding), convert, double again: exact scaling by 2
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }

    /**
     * This array as an image: H×W (grey) or H×W×C. Floats are taken as they are (nominal [0,1]);
     * uint8 and uint16 are scaled by 1/255 and 1/65535; bool is 0 or 1.
     *
     * @throws IllegalArgumentException if the array is not 2-D or 3-D, or of a signed or 32/64-bit
     *     integer type (no agreed range of samples: is 255 white, or 65535, or 1?)
     */
    public Image toImage() {
        requireImage(shape, dtype);
        int h = shape[0];
        int w = shape[1];
        int c = shape.length == 3 ? shape[2] : 1;
        double scale = switch (dtype) {
            case UINT8 -> 1.0 / 255;
            case UINT16 -> 1.0 / 65535;
            default -> 1.0;
        };
        float[] planar = new float[c * h * w];
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                double v = element(p * c + ch);
                planar[ch * plane + p] = (float) (scale == 1.0 ? v : v * scale);
            }
        }
        return Image.wrap(c, h, w, planar);
    }

    private static void requireImage(int[] shape, DType dtype) {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException("an image array must be H×W or H×W×C, got shape "
                    + Arrays.toString(shape));
        }
        if (dtype.isInteger() && dtype != DType.UINT8 && dtype != DType.UINT16) {
            throw new IllegalArgumentException("an image array of " + dtype.numpyName() + " has no agreed range "
                    + "of samples; save it as float32 in [0, 1], uint8 or uint16");
        }
    }

    /**
     * This array as a kernel (must be 2-D), values as stored.
     *
     * @throws IllegalArgumentException if the array is not 2-D or holds NaN/infinite values
     */
    public Kernel toKernel() {
        if (shape.length != 2) {
            throw new IllegalArgumentException("a kernel array must be 2-D, got shape " + Arrays.toString(shape));
        }
        return Kernel.of(shape[0], shape[1], toDoubles());
    }

    /** Writes a little-endian float32 C-order array of the given shape. */
    public static void writeFloat32(Path file, int[] shape, float[] values) throws IOException {
        ByteBuffer buf = withHeader(shape, values.length, DType.FLOAT32);
        buf.asFloatBuffer().put(values);
        write(file, buf);
    }

    /** Writes a little-endian float64 C-order array of the given shape. */
    public static void writeFloat64(Path file, int[] shape, double[] values) throws IOException {
        ByteBuffer buf = withHeader(shape, values.length, DType.FLOAT64);
        buf.asDoubleBuffer().put(values);
        write(file, buf);
    }

    /**
     * Writes a kernel as an H×W float64 array, the taps exactly as held (what the reference
     * fixtures' {@code k.npy} files are, and what {@link #toKernel()} reads back unchanged).
     */
    public static void writeKernel(Path file, Kernel kernel) throws IOException {
        writeFloat64(file, new int[] {kernel.height(), kernel.width()}, kernel.toArray());
    }

    /**
     * A buffer for a version 1.0 file holding {@code count} elements of {@code dtype}, its header
     * written, positioned at the data.
     */
    private static ByteBuffer withHeader(int[] shape, int count, DType dtype) {
        long expected = 1;
        for (int v : shape) {
            expected *= v;
        }
        if (expected != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + expected
                    + " elements, got " + count);
        }
        byte[] header = header(shape, dtype);
        ByteBuffer buf = ByteBuffer.allocate(header.length + count * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        return buf.put(header);
    }

    /**
     * The header of a version 1.0 file of a little-endian C-order array: magic, version, length and
     * the dictionary, padded so that the data start at a multiple of 64 bytes, as NumPy does.
     */
    private static byte[] header(int[] shape, DType dtype) {
        StringBuilder dims = new StringBuilder();
        for (int v : shape) {
            dims.append(v).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = String.format(Locale.ROOT, "{'descr': '<%s', 'fortran_order': False, 'shape': (%s), }",
                dtype.code, shape.length == 0 ? "" : dims.toString().trim());
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String text = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        return buf.put(text.getBytes(StandardCharsets.ISO_8859_1)).array();
    }

    private static void write(Path file, ByteBuffer buf) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(buf.array());
        }
    }

    /**
     * The header {@link #writeImage} writes for an image of this size: float32, little-endian, C
     * order, shape H×W for one channel and H×W×C otherwise. The H·W·C float32 samples, pixel by
     * pixel and channel by channel within a pixel, follow it directly; for writing an image row by
     * row without holding it.
     *
     * @throws IllegalArgumentException if a dimension is below 1
     */
    public static byte[] imageHeader(int height, int width, int channels) {
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("image of " + channels + "×" + height + "×" + width);
        }
        return header(imageShape(height, width, channels), DType.FLOAT32);
    }

    private static int[] imageShape(int height, int width, int channels) {
        return channels == 1 ? new int[] {height, width} : new int[] {height, width, channels};
    }

    /** Writes an image as an H×W×C float32 array (H×W for one channel), unclamped. */
    public static void writeImage(Path file, Image image) throws IOException {
        int c = image.channels();
        int h = image.height();
        int w = image.width();
        float[] planar = image.toArray();
        float[] hwc = new float[planar.length];
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            for (int ch = 0; ch < c; ch++) {
                hwc[p * c + ch] = planar[ch * plane + p];
            }
        }
        writeFloat32(file, imageShape(h, w, c), hwc);
    }

}
