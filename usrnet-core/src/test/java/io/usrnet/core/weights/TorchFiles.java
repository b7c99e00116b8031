package io.usrnet.core.weights;

import io.usrnet.core.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Test helpers that write pickles opcode by opcode (as Python's pickle module with protocol 2
 * does for torch.save) and PyTorch-layout zip archives, to hand-craft valid and malicious
 * checkpoints without torch.
 */
final class TorchFiles {
    private TorchFiles() {
    }

    /** Fixture folder. */
    static final Path FIXTURES = TestData.FIXTURES;
    /** Fixture weights folder. */
    static final Path WEIGHTS = TestData.WEIGHTS;

    /** A pickle opcode writer. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle text(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Pickle proto(int v) {
            return raw(0x80, v);
        }

        /** GLOBAL 'module name'. */
        Pickle global(String module, String name) {
            return raw('c').text(module + "\n" + name + "\n");
        }

        Pickle mark() {
            return raw('(');
        }

        Pickle tuple() {
            return raw('t');
        }

        Pickle emptyTuple() {
            return raw(')');
        }

        Pickle reduce() {
            return raw('R');
        }

        /** BINUNICODE. */
        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            raw('X', b.length & 0xff, b.length >>> 8 & 0xff, b.length >>> 16 & 0xff, b.length >>> 24);
            out.writeBytes(b);
            return this;
        }

        /** BININT1 / BININT / LONG1. */
        Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return raw('K', (int) v);
            }
            if (v != (int) v) {
                return long1(java.math.BigInteger.valueOf(v));
            }
            int i = (int) v;
            return raw('J', i & 0xff, i >>> 8 & 0xff, i >>> 16 & 0xff, i >>> 24);
        }

        Pickle ints(long... values) {
            mark();
            for (long v : values) {
                integer(v);
            }
            return tuple();
        }

        Pickle newFalse() {
            return raw(0x89);
        }

        Pickle newTrue() {
            return raw(0x88);
        }

        /** LONG1 of a non-negative integer (little-endian two's complement, as pickle writes it). */
        Pickle long1(java.math.BigInteger v) {
            byte[] be = v.toByteArray();
            raw(0x8a, be.length);
            for (int i = be.length - 1; i >= 0; i--) {
                raw(be[i] & 0xff);
            }
            return this;
        }

        Pickle emptyList() {
            return raw(']');
        }

        Pickle appends() {
            return raw('e');
        }

        Pickle build() {
            return raw('b');
        }

        Pickle emptyDict() {
            return raw('}');
        }

        Pickle setitem() {
            return raw('s');
        }

        Pickle setitems() {
            return raw('u');
        }

        Pickle stop() {
            return raw('.');
        }

        /** collections.OrderedDict() */
        Pickle orderedDict() {
            return global("collections", "OrderedDict").emptyTuple().reduce();
        }

        /** _rebuild_tensor_v2(('storage', torch.&lt;type&gt;, key, 'cpu', numel), offset, shape, stride, False, OrderedDict()). */
        Pickle tensor(String storageType, String key, long numel, long offset, int[] shape, long[] stride) {
            return tensorV2(q -> q.mark().str("storage").global("torch", storageType).str(key).str("cpu")
                    .integer(numel).tuple().raw('Q'), offset, shape, stride);
        }

        /** _rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict()), the storage pushed by {@code storage}. */
        Pickle tensorV2(java.util.function.Consumer<Pickle> storage, long offset, int[] shape, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2").mark();
            storage.accept(this);
            integer(offset).ints(dims(shape)).ints(stride).newFalse().orderedDict();
            return tuple().reduce();
        }

        /**
         * A legacy persistent id, BINPERSID of ('storage', torch.&lt;type&gt;, key, location, numel, view),
         * view None when {@code viewKey} is null, else (viewKey, viewStart, viewNumel).
         */
        Pickle legacyStorage(String type, String key, String location, long numel, String viewKey, long viewStart,
                long viewNumel) {
            mark().str("storage").global("torch", type).str(key).str(location).integer(numel);
            if (viewKey == null) {
                raw('N');
            } else {
                str(viewKey).integer(viewStart).integer(viewNumel).raw(0x87);
            }
            return tuple().raw('Q');
        }

        private static long[] dims(int[] shape) {
            long[] dims = new long[shape.length];
            for (int i = 0; i < shape.length; i++) {
                dims[i] = shape[i];
            }
            return dims;
        }

        /** A contiguous float32 tensor on its own storage. */
        Pickle floatTensor(String key, int... shape) {
            long n = 1;
            long[] stride = new long[shape.length];
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = n;
                n *= shape[i];
            }
            return tensor("FloatStorage", key, n, 0, shape, stride);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Writes a zip with STORED entries (as torch.save does), in the given order. */
    static void zip(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                ze.setCrc(crc.getValue());
                z.putNextEntry(ze);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    /** A checkpoint {@code archive/data.pkl} + {@code archive/data/<key>} storages. */
    static Path checkpoint(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        entries.put("archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        storages.forEach((k, v) -> entries.put("archive/data/" + k, v));
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip(file, entries);
        return file;
    }

    /** All entries of a zip, in order. */
    static Map<String, byte[]> entries(Path zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                m.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        return m;
    }

    /** Little-endian float32 bytes. */
    static byte[] f32(float... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }
}
