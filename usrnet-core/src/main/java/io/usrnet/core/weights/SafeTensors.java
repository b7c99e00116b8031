package io.usrnet.core.weights;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.usrnet.core.io.AtomicFiles;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer for the {@code .safetensors} format: an 8-byte little-endian header length, a
 * JSON header (tensor name → dtype, shape, byte offsets; optional {@code __metadata__} of strings),
 * then the raw little-endian tensor bytes. F32, F64, F16 and BF16 tensors are read into float32;
 * tensors are written as F32.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;
    private static final String METADATA_KEY = "__metadata__";
    /** The format recommends padding the header with spaces so that the data starts 8-byte aligned. */
    private static final int ALIGNMENT = 8;

    private SafeTensors() {
    }

    /**
     * Reads every tensor and the metadata of a {@code .safetensors} file.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist ("file not found")
     * @throws InvalidFileException              if it is not a valid {@code .safetensors} file
     * @throws IOException                       if it cannot be read
     */
    public static StateDict read(Path file) throws IOException {
        WeightFiles.checkFile(file);
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lenBytes = in.readNBytes(8);
            long headerLen = headerLength(lenBytes, size, file); // checked before the whole file is allocated
            if (size > Integer.MAX_VALUE - 8) {
                throw new InvalidFileException(file, "weights file too large (" + size + " bytes)");
            }
            byte[] all = new byte[(int) size];
            System.arraycopy(lenBytes, 0, all, 0, 8);
            int got = in.readNBytes(all, 8, (int) size - 8);
            if (got != size - 8) {
                throw new InvalidFileException(file, "truncated .safetensors file");
            }
            return parse(file, all, headerLen);
        }
    }

    /**
     * Parses a whole {@code .safetensors} file held in memory, such as a resource inside a jar.
     *
     * @param bytes  the file's content
     * @param source the name to use in error messages
     * @throws InvalidFileException if the bytes are not a valid {@code .safetensors} file
     */
    public static StateDict read(byte[] bytes, Path source) throws InvalidFileException {
        return parse(source, bytes, headerLength(bytes, bytes.length, source));
    }

    /** The header length that the first 8 bytes of a file of {@code size} bytes declare, checked. */
    private static long headerLength(byte[] start, long size, Path source) throws InvalidFileException {
        if (start.length < 8) {
            throw new InvalidFileException(source, "not a .safetensors file (too short)");
        }
        long headerLen = ByteBuffer.wrap(start, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw new InvalidFileException(source, "not a .safetensors file or truncated (header length "
                    + headerLen + ", file size " + size + ")");
        }
        return headerLen;
    }

    private static StateDict parse(Path source, byte[] all, long headerLen) throws InvalidFileException {
        String json = new String(all, 8, (int) headerLen, StandardCharsets.UTF_8);
        return parse(source, json, ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN), 8 + (int) headerLen);
    }

    /**
     * Writes every tensor of {@code dict} as F32, in the dict's order, with its metadata in
     * {@code __metadata__} (omitted when empty). The header is padded with spaces to a multiple of
     * 8 bytes. The file is replaced atomically: the content goes to a temporary file in the same
     * folder, which is flushed to disk and then moved over {@code file}, so readers never see a
     * half-written file and a failed write leaves any previous file untouched.
     *
     * @throws IllegalArgumentException if a tensor is called {@code __metadata__} or has an empty name
     * @throws IOException              if the file cannot be written
     */
    public static void write(Path file, StateDict dict) throws IOException {
        JsonObject header = new JsonObject();
        if (!dict.metadata().isEmpty()) {
            JsonObject meta = new JsonObject();
            dict.metadata().forEach(meta::addProperty);
            header.add(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            String name = e.getKey();
            if (name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("cannot write a tensor named '" + name + "' to .safetensors");
            }
            Tensor t = e.getValue();
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int d : t.shape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += 4L * t.size();
            offsets.add(offset);
            entry.add("data_offsets", offsets);
            header.add(name, entry);
        }
        byte[] json = new GsonBuilder().disableHtmlEscaping().create().toJson(header)
                .getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        AtomicFiles.write(file, temp -> {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : dict.tensors().values()) {
                    float[] data = t.data();
                    int i = 0;
                    while (i < data.length) {
                        int n = Math.min(chunk.capacity() / 4, data.length - i);
                        chunk.clear();
                        chunk.asFloatBuffer().put(data, i, n);
                        chunk.limit(4 * n);
                        writeFully(ch, chunk);
                        i += n;
                    }
                }
            }
        });
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
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
                if (name.equals(METADATA_KEY)) {
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
                DType type = switch (dtype) {
                    case "F32" -> DType.F32;
                    case "F64" -> DType.F64;
                    case "F16" -> DType.F16;
                    case "BF16" -> DType.BF16;
                    default -> throw new InvalidFileException(file,
                            "tensor '" + name + "' has unsupported dtype " + dtype);
                };
                if (begin < 0 || end < begin || end > dataLen || end - begin != count * type.bytes) {
                    throw new InvalidFileException(file, "tensor '" + name + "' has inconsistent byte range ["
                            + begin + ", " + end + ") for shape " + shapeJson + " (data section "
                            + dataLen + " bytes): file truncated or corrupt");
                }
                float[] data = type.readAll(buf, dataStart + (int) begin, (int) count);
                tensors.put(name, Tensor.wrap(shape, data));
            } catch (IllegalStateException | NullPointerException | UnsupportedOperationException
                    | IndexOutOfBoundsException | NumberFormatException | ClassCastException ex) {
                throw new InvalidFileException(file, "corrupt .safetensors header entry '" + name + "'");
            }
        }
        return new StateDict(tensors, metadata);
    }
}
