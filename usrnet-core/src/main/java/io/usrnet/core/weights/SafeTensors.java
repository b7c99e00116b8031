package io.usrnet.core.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader for the {@code .safetensors} format: an 8-byte little-endian header length, a JSON header
 * (tensor name → dtype, shape, byte offsets; optional {@code __metadata__} of strings), then the raw
 * little-endian tensor bytes. F32, F64, F16 and BF16 tensors are read into float32.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** Reads every tensor and the metadata of a {@code .safetensors} file. */
    public static StateDict read(Path file) throws IOException {
        long size = Files.size(file);
        byte[] all;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            if (lenBytes.length < 8) {
                throw new InvalidFileException(file, "not a .safetensors file (too short)");
            }
            long headerLen = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new InvalidFileException(file, "not a .safetensors file or truncated (header length "
                        + headerLen + ", file size " + size + ")");
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new InvalidFileException(file, "weights file too large (" + size + " bytes)");
            }
            all = new byte[(int) size];
            System.arraycopy(lenBytes, 0, all, 0, 8);
            int got = in.readNBytes(all, 8, (int) size - 8);
            if (got != size - 8) {
                throw new InvalidFileException(file, "truncated .safetensors file");
            }
            String json = new String(all, 8, (int) headerLen, StandardCharsets.UTF_8);
            return parse(file, json, ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN), 8 + (int) headerLen);
        }
    }

    private static StateDict parse(Path file, String json, ByteBuffer buf, int dataStart)
            throws InvalidFileException {
        JsonObject header;
        try {
            header = JsonParser.parseString(json.trim()).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new InvalidFileException(file, "corrupt .safetensors header (not a JSON object)");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        int dataLen = buf.capacity() - dataStart;
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            try {
                JsonObject o = e.getValue().getAsJsonObject();
                if (name.equals("__metadata__")) {
                    for (Map.Entry<String, JsonElement> m : o.entrySet()) {
                        metadata.put(m.getKey(), m.getValue().getAsString());
                    }
                    continue;
                }
                String dtype = o.get("dtype").getAsString();
                JsonArray shapeJson = o.getAsJsonArray("shape");
                JsonArray offsets = o.getAsJsonArray("data_offsets");
                int[] shape = new int[shapeJson.size()];
                long count = 1;
                for (int i = 0; i < shape.length; i++) {
                    long d = shapeJson.get(i).getAsLong();
                    if (d < 0 || d > Integer.MAX_VALUE) {
                        throw new InvalidFileException(file, "tensor '" + name + "' has invalid dimension " + d);
                    }
                    shape[i] = (int) d;
                    count = Math.min(count * d, Integer.MAX_VALUE);
                }
                long begin = offsets.get(0).getAsLong();
                long end = offsets.get(1).getAsLong();
                int elementBytes = switch (dtype) {
                    case "F32" -> 4;
                    case "F64" -> 8;
                    case "F16", "BF16" -> 2;
                    default -> throw new InvalidFileException(file,
                            "tensor '" + name + "' has unsupported dtype " + dtype);
                };
                if (begin < 0 || end < begin || end > dataLen || end - begin != count * elementBytes) {
                    throw new InvalidFileException(file, "tensor '" + name + "' has inconsistent byte range ["
                            + begin + ", " + end + ") for shape " + shapeJson + " (data section "
                            + dataLen + " bytes): file truncated or corrupt");
                }
                float[] data = new float[(int) count];
                int base = dataStart + (int) begin;
                for (int i = 0; i < data.length; i++) {
                    data[i] = switch (dtype) {
                        case "F32" -> buf.getFloat(base + 4 * i);
                        case "F64" -> (float) buf.getDouble(base + 8 * i);
                        case "F16" -> halfToFloat(buf.getShort(base + 2 * i));
                        default -> Float.intBitsToFloat((buf.getShort(base + 2 * i) & 0xffff) << 16);
                    };
                }
                tensors.put(name, Tensor.wrap(shape, data));
            } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
                    | IndexOutOfBoundsException | NumberFormatException | ClassCastException ex) {
                throw new InvalidFileException(file, "corrupt .safetensors header entry '" + name + "'");
            }
        }
        return new StateDict(tensors, metadata);
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
