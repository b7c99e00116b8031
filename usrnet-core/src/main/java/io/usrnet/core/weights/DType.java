package io.usrnet.core.weights;

import java.nio.ByteBuffer;

/**
 * The floating-point element types a weights file may store, all read into float32. Shared by the
 * {@code .safetensors} and {@code .pth} readers.
 */
enum DType {
    /** IEEE binary32. */
    F32(4, "float32"),
    /** IEEE binary64, narrowed to float32 (round to nearest). */
    F64(8, "float64"),
    /** IEEE binary16. */
    F16(2, "float16"),
    /** bfloat16: the upper half of a binary32. */
    BF16(2, "bfloat16");

    /** Bytes per element. */
    final int bytes;
    /** The PyTorch name of the type. */
    final String torchName;

    DType(int bytes, String torchName) {
        this.bytes = bytes;
        this.torchName = torchName;
    }

    /** The element starting at byte {@code offset} of {@code buf} (in the buffer's byte order). */
    float read(ByteBuffer buf, int offset) {
        return switch (this) {
            case F32 -> buf.getFloat(offset);
            case F64 -> (float) buf.getDouble(offset);
            case F16 -> halfToFloat(buf.getShort(offset));
            case BF16 -> Float.intBitsToFloat((buf.getShort(offset) & 0xffff) << 16);
        };
    }

    /** {@code count} consecutive elements starting at byte {@code offset}. */
    float[] readAll(ByteBuffer buf, int offset, int count) {
        float[] out = new float[count];
        if (this == F32) {
            buf.slice(offset, count * 4).order(buf.order()).asFloatBuffer().get(out);
            return out;
        }
        for (int i = 0; i < count; i++) {
            out[i] = read(buf, offset + i * bytes);
        }
        return out;
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrived only in Java 20). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13);
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | (exp + 112) << 23 | mant << 13);
    }
}
