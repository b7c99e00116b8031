package io.usrnet.core.io;

import io.usrnet.data.io.InvalidFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Checks the structure of a MATLAB v5 {@code .mat} file before MFL parses it. MFL trusts the byte
 * counts and dimensions it reads, so a corrupt file could make it allocate gigabytes or fail with
 * an array-size exception; this walk makes every such file an {@link InvalidFileException} instead.
 *
 * <p>It visits every data element (inflating compressed variables, at most {@link #MAX_BYTES}
 * each) and checks that each element's byte count stays within its parent, that dimensions are
 * non-negative and their product fits an array, that numeric data holds exactly as many elements
 * as the dimensions say, that a cell or struct has no more elements than its bytes could hold, and
 * that arrays nest at most {@value #MAX_DEPTH} deep. Layout: "MAT-File Format", MathWorks, R2018.
 */
final class MatStructure {
    /** The most bytes a file, or one compressed variable once inflated, may hold (kernels are kB). */
    static final int MAX_BYTES = 256 << 20;
    private static final int MAX_DEPTH = 32;
    private static final int HEADER = 128;

    private static final int MI_INT8 = 1;
    private static final int MI_INT32 = 5;
    private static final int MI_UINT32 = 6;
    private static final int MI_MATRIX = 14;
    private static final int MI_COMPRESSED = 15;
    /** Bytes per element of the data types 1..18 (0: not a numeric data type). */
    private static final int[] SIZES = {0, 1, 1, 2, 2, 4, 4, 4, 0, 8, 0, 0, 8, 8, 0, 0, 1, 2, 4};

    private static final int CELL = 1;
    private static final int STRUCT = 2;
    private static final int OBJECT = 3;
    private static final int CHAR = 4;
    private static final int SPARSE = 5;
    private static final int FIRST_NUMERIC = 6;
    private static final int LAST_NUMERIC = 15;
    private static final int FUNCTION = 16;
    private static final int OPAQUE = 17;
    private static final int COMPLEX = 0x0800;

    /** A data element: its type, byte count, where its data starts and where the next element starts. */
    private record Element(int type, int bytes, int data, int next) {
        int end() {
            return data + bytes;
        }
    }

    private final Path file;
    private ByteBuffer buf;
    /** Where {@link #buf} is, for messages: "" for the file, or the compressed variable it inflates. */
    private String within = "";

    private MatStructure(Path file) {
        this.file = file;
    }

    /**
     * Checks a whole {@code .mat} file (v5 header already checked).
     *
     * @throws InvalidFileException naming the first inconsistency found
     */
    static void check(Path file, byte[] data) throws InvalidFileException {
        ByteOrder order = data[126] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        MatStructure s = new MatStructure(file);
        ByteBuffer whole = ByteBuffer.wrap(data).order(order);
        int pos = HEADER;
        while (data.length - pos >= 8) { // a shorter tail is ignored, as MFL does
            s.buf = whole;
            s.within = "";
            Element e = s.element(pos, data.length, "variable");
            if (e.type() == MI_COMPRESSED) {
                byte[] inflated = s.inflate(data, e.data(), e.bytes());
                s.buf = ByteBuffer.wrap(inflated).order(order);
                s.within = " of the variable compressed at byte " + pos;
                Element inner = s.element(0, inflated.length, "compressed variable");
                s.require(inner.type() == MI_MATRIX, "a compressed element holds data of type " + inner.type()
                        + " instead of an array");
                s.array(inner, 0);
            } else {
                s.require(e.type() == MI_MATRIX, "unexpected data element of type " + e.type() + " at byte " + pos
                        + " (expected an array or a compressed array)");
                s.array(e, 0);
            }
            pos = e.next();
        }
    }

    /** The data element at {@code pos}, which must end by {@code end}. */
    private Element element(int pos, int end, String what) throws InvalidFileException {
        require(end - pos >= 8, what + " at byte " + pos + within + " ends inside its tag");
        int first = buf.getInt(pos);
        if (first >>> 16 != 0) { // small element: type and byte count in one word, data in the next
            int bytes = first >>> 16;
            require(bytes <= 4, "small data element at byte " + pos + within + " claims " + bytes + " bytes");
            return new Element(first & 0xffff, bytes, pos + 4, pos + 8);
        }
        long bytes = buf.getInt(pos + 4) & 0xffffffffL;
        require(bytes <= end - pos - 8, what + " at byte " + pos + within + " claims " + bytes
                + " bytes, only " + (end - pos - 8) + " follow");
        long padded = first == MI_COMPRESSED ? bytes : (bytes + 7) / 8 * 8;
        return new Element(first, (int) bytes, pos + 8, (int) Math.min(pos + 8 + padded, end));
    }

    /** An array element (miMATRIX): flags, dimensions, name, then the content of its class. */
    private void array(Element matrix, int depth) throws InvalidFileException {
        if (matrix.bytes() == 0) {
            return; // an empty array
        }
        require(depth <= MAX_DEPTH, "arrays nested more than " + MAX_DEPTH + " deep");
        int end = matrix.end();
        Element flags = element(matrix.data(), end, "array flags");
        require(flags.type() == MI_UINT32 && flags.bytes() == 8,
                "corrupt array flags at byte " + matrix.data() + within);
        int word = buf.getInt(flags.data());
        int cls = word & 0xff;
        if (cls == OPAQUE) {
            elements(flags.next(), end, depth);
            return;
        }
        Element dims = element(flags.next(), end, "array dimensions");
        require(dims.type() == MI_INT32 && dims.bytes() >= 8 && dims.bytes() % 4 == 0,
                "corrupt array dimensions at byte " + flags.next() + within);
        long count = 1;
        for (int p = dims.data(); p < dims.end(); p += 4) {
            int d = buf.getInt(p);
            require(d >= 0, "negative array dimension " + d);
            count *= d;
            require(count <= Integer.MAX_VALUE, "array dimensions too large");
        }
        Element name = element(dims.next(), end, "array name");
        require(name.type() == MI_INT8, "corrupt array name at byte " + dims.next() + within);
        int pos = name.next();
        if (cls >= FIRST_NUMERIC && cls <= LAST_NUMERIC) {
            Element real = element(pos, end, "array data");
            requireCount(real, count);
            if ((word & COMPLEX) != 0) {
                requireCount(element(real.next(), end, "imaginary array data"), count);
            }
        } else if (cls == CELL) {
            nested(pos, end, count, depth);
        } else if (cls == STRUCT || cls == OBJECT) {
            if (cls == OBJECT) {
                pos = element(pos, end, "class name").next();
            }
            Element length = element(pos, end, "field name length");
            require(length.type() == MI_INT32 && length.bytes() == 4,
                    "corrupt field name length at byte " + pos + within);
            int nameLength = buf.getInt(length.data());
            require(nameLength >= 0, "negative field name length " + nameLength);
            Element names = element(length.next(), end, "field names");
            long fields = nameLength == 0 ? 0 : names.bytes() / nameLength;
            nested(names.next(), end, count * fields, depth);
        } else if (cls == CHAR) {
            Element chars = element(pos, end, "characters");
            require(count <= chars.bytes(), "a " + count + "-character array holds " + chars.bytes() + " bytes");
        } else if (cls == SPARSE || cls == FUNCTION) {
            elements(pos, end, depth);
        } else {
            throw invalid("unknown MATLAB array class " + cls);
        }
    }

    /** {@code count} arrays (cells or struct fields) from {@code pos}, each at least a tag long. */
    private void nested(int pos, int end, long count, int depth) throws InvalidFileException {
        require(count <= (end - pos) / 8, "an array of " + count + " cells or fields holds only " + (end - pos)
                + " bytes");
        for (long i = 0; i < count; i++) {
            Element e = element(pos, end, "nested array");
            require(e.type() == MI_MATRIX, "a cell or field holds data of type " + e.type() + " instead of an array");
            array(e, depth + 1);
            pos = e.next();
        }
    }

    /** Any data elements up to {@code end}; arrays among them are checked too. */
    private void elements(int pos, int end, int depth) throws InvalidFileException {
        while (pos < end) {
            Element e = element(pos, end, "data element");
            if (e.type() == MI_MATRIX) {
                array(e, depth + 1);
            }
            pos = e.next();
        }
    }

    private void requireCount(Element data, long count) throws InvalidFileException {
        int size = data.type() > 0 && data.type() < SIZES.length ? SIZES[data.type()] : 0;
        require(size > 0, "array data of unknown type " + data.type());
        require(data.bytes() % size == 0 && data.bytes() / size == count, "the dimensions say " + count
                + " elements, the array data holds " + data.bytes() + " bytes of " + size + "-byte elements");
    }

    /** The inflated bytes of a compressed element: at most {@link #MAX_BYTES}. */
    private byte[] inflate(byte[] data, int offset, int length) throws InvalidFileException {
        Inflater inflater = new Inflater();
        byte[] out;
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(data, offset, length), inflater)) {
            out = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw invalid("the compressed variable at byte " + (offset - 8) + " does not inflate ("
                    + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
        require(out.length <= MAX_BYTES, "a compressed variable inflates to more than " + (MAX_BYTES >> 20)
                + " MiB; kernel files this large are not supported");
        return out;
    }

    private void require(boolean condition, String problem) throws InvalidFileException {
        if (!condition) {
            throw invalid(problem);
        }
    }

    private InvalidFileException invalid(String problem) {
        return new InvalidFileException(file, "corrupt or truncated MATLAB .mat file: " + problem);
    }
}
