package io.usrnet.data.io;

import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An n-dimensional array in NumPy's {@code .npy} format (version 1–3, C order), as the reference
 * fixtures store images (H×W×C float32) and kernels (H×W float64).
 *
 * <p>Readable element types: float32, float64, uint8, uint16 (little or big endian). Written files
 * are always little-endian float32. Dimensions are checked against the file size before anything is
 * allocated, so a header that claims absurd dimensions fails fast.
 */
public final class NpyArray {
    /** Element types this codec reads. */
    public enum DType {
        FLOAT32(4), FLOAT64(8), UINT8(1), UINT16(2);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Size of one element in bytes. */
        public int bytes() {
            return bytes;
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

    private NpyArray(int[] shape, DType dtype, ByteBuffer data) {
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
    }

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) throws IOException {
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
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
            return parse(file, header, prefix + headerLen, fileSize, in);
        }
    }

    private static NpyArray parse(Path file, String header, long dataStart, long fileSize, InputStream in)
            throws IOException {
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new InvalidFileException(file, "corrupt .npy header: " + header.trim());
        }
        if (f.group(1).equals("True")) {
            throw new InvalidFileException(file, "Fortran-order .npy arrays are not supported; save with C order");
        }
        String descr = d.group(1);
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        DType dtype = switch (descr.replaceFirst("^[<>|=]", "")) {
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "u1" -> DType.UINT8;
            case "u2" -> DType.UINT16;
            default -> throw new InvalidFileException(file,
                    "unsupported .npy element type '" + descr + "' (supported: float32, float64, uint8, uint16)");
        };
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
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new InvalidFileException(file, "array too large (" + bytes + " bytes)");
        }
        byte[] raw = in.readNBytes((int) bytes);
        if (raw.length != bytes) {
            throw new InvalidFileException(file, "truncated .npy data");
        }
        return new NpyArray(shape, dtype, ByteBuffer.wrap(raw).order(order).asReadOnlyBuffer().order(order));
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
            case UINT8 -> data.get(i) & 0xff;
            case UINT16 -> data.getShort(i * 2) & 0xffff;
        };
    }

    /**
     * This array as an image: H×W (grey) or H×W×C. Floats are taken as they are (nominal [0,1]);
     * uint8 and uint16 are scaled by 1/255 and 1/65535.
     *
     * @throws IllegalArgumentException if the array is not 2-D or 3-D
     */
    public Image toImage() {
        if (shape.length != 2 && shape.length != 3) {
            throw new IllegalArgumentException("an image array must be H×W or H×W×C, got shape "
                    + Arrays.toString(shape));
        }
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
        long count = 1;
        for (int v : shape) {
            count *= v;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " elements, got " + values.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int v : shape) {
            dims.append(v).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 1);
        }
        String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }",
                shape.length == 0 ? "" : dims.toString().trim());
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        buf.asFloatBuffer().put(values);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(buf.array());
        }
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
        writeFloat32(file, c == 1 ? new int[] {h, w} : new int[] {h, w, c}, hwc);
    }

}
