package io.usrnet.core.weights;

import io.usrnet.core.weights.TorchFiles.Pickle;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helpers that assemble legacy-format checkpoints (torch &lt; 1.6, or
 * {@code _use_new_zipfile_serialization=False}) piece by piece, laid out as torch's legacy writer
 * does: magic number, version and sys_info pickles, the main pickle, the sorted storage-key list,
 * then per storage a little-endian int64 element count and the little-endian elements. Protocol 2
 * pickles, as torch.save writes.
 */
public final class LegacyFiles {
    private LegacyFiles() {
    }

    /** torch's legacy magic number. */
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

    static byte[] magic() {
        return new Pickle().proto(2).long1(MAGIC).stop().bytes();
    }

    /** The format version 1001 (BININT2). */
    static byte[] version() {
        return new Pickle().proto(2).raw('M', 0xe9, 0x03).stop().bytes();
    }

    /** {'protocol_version': 1001, 'little_endian': ..., 'type_sizes': {'short': 2, 'int': 4, 'long': 8}}. */
    static byte[] sysInfo(boolean littleEndian) {
        Pickle p = new Pickle().proto(2).emptyDict().mark().str("protocol_version").raw('M', 0xe9, 0x03)
                .str("little_endian");
        (littleEndian ? p.newTrue() : p.newFalse()).str("type_sizes").emptyDict().mark().str("short").integer(2)
                .str("int").integer(4).str("long").integer(8).setitems();
        return p.setitems().stop().bytes();
    }

    /** The storage-key list. */
    static byte[] keys(String... keys) {
        Pickle p = new Pickle().proto(2).emptyList().mark();
        for (String k : keys) {
            p.str(k);
        }
        return p.appends().stop().bytes();
    }

    /** A storage record: the element count (int64, little-endian) and the raw elements. */
    static byte[] record(long count, byte[] elements) {
        return concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(count).array(), elements);
    }

    /** A float32 storage record. */
    static byte[] record(float... values) {
        return record(values.length, TorchFiles.f32(values));
    }

    /** The whole file: the three header pickles, then {@code rest} (main pickle, key list, records). */
    static byte[] file(byte[]... rest) {
        List<byte[]> parts = new ArrayList<>(List.of(magic(), version(), sysInfo(true)));
        parts.addAll(List.of(rest));
        return concat(parts.toArray(new byte[0][]));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The key torch would give storage {@code i} (its address, in decimal; all of equal length). */
    static String key(int i) {
        return String.valueOf(94_180_000_000_000L + 1024L * i);
    }

    /**
     * A legacy checkpoint of {@code sd} as torch.save(model.state_dict()) writes it: an OrderedDict
     * with its {@code _metadata} attribute, one float32 storage per tensor, on {@code cuda:0} and
     * {@code cpu} alternately.
     */
    public static byte[] of(StateDict sd) {
        Pickle main = new Pickle().proto(2).orderedDict().mark();
        List<String> keys = new ArrayList<>();
        List<byte[]> records = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
            Tensor t = e.getValue();
            String key = key(i);
            String location = i % 2 == 0 ? "cuda:0" : "cpu";
            main.str(e.getKey()).tensorV2(q -> q.legacyStorage("FloatStorage", key, location, t.size(), null, 0, 0),
                    0, t.shape(), contiguous(t.shape()));
            keys.add(key);
            records.add(record(t.toArray()));
            i++;
        }
        main.setitems();
        // state_dict()'s _metadata attribute, pickled as the OrderedDict's state.
        main.emptyDict().mark().str("_metadata").orderedDict().mark().str("").emptyDict().mark().str("version")
                .integer(1).setitems().setitems().setitems().build().stop();
        List<byte[]> rest = new ArrayList<>(List.of(main.bytes(), keys(keys.toArray(new String[0]))));
        rest.addAll(records);
        return file(rest.toArray(new byte[0][]));
    }

    /**
     * The main pickle of a state_dict holding one tensor {@code w}: a legacy float32 storage
     * {@code key(0)} of {@code numel} elements on the CPU (seen through the view
     * {@code (viewKey, viewStart, viewNumel)} unless {@code viewKey} is null), and the tensor
     * {@code (offset, shape, stride)} on it.
     */
    static byte[] oneTensor(long numel, String viewKey, long viewStart, long viewNumel, long offset, int[] shape,
            long[] stride) {
        return new Pickle().proto(2).orderedDict().mark().str("w")
                .tensorV2(q -> q.legacyStorage("FloatStorage", key(0), "cpu", numel, viewKey, viewStart, viewNumel),
                        offset, shape, stride)
                .setitems().stop().bytes();
    }

    /** {@link #oneTensor} without a view. */
    static byte[] oneTensor(long numel, long offset, int[] shape, long[] stride) {
        return oneTensor(numel, null, 0, 0, offset, shape, stride);
    }

    /** C-order strides. */
    static long[] contiguous(int[] shape) {
        long[] stride = new long[shape.length];
        long n = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            stride[d] = n;
            n *= shape[d];
        }
        return stride;
    }
}
