package io.usrnet.core.weights;

import static io.usrnet.core.weights.RestrictedUnpickler.describe;

import io.usrnet.core.weights.RestrictedUnpickler.StorageRef;
import io.usrnet.core.weights.RestrictedUnpickler.TensorRef;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reader for PyTorch checkpoints as written by {@code torch.save(model.state_dict(), path)}: with
 * torch ≥ 1.6 a zip archive holding {@code <name>/data.pkl} (the pickled dict), one raw storage per
 * tensor in {@code <name>/data/<key>}, and optionally {@code <name>/byteorder}; with older torch (or
 * {@code _use_new_zipfile_serialization=False}) the legacy format, a sequence of pickles followed by
 * the raw storages (read with the same unpickler and the same rules).
 *
 * <p><b>Safety.</b> The pickle is read by an allow-listing unpickler: it accepts only
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} /
 * {@code _rebuild_tensor} / {@code _rebuild_parameter} and the {@code torch.*Storage} type markers,
 * plus plain data (numbers, strings, tuples, lists, dicts). Any other reference ({@code os.system},
 * {@code builtins.eval}, a model class, ...) or object-building opcode stops the load with an
 * {@link UnsafeCheckpointException} before it is constructed; nothing is ever instantiated by name
 * and no code from the file runs. The small pickles around a legacy file's main one (magic number,
 * version, sys_info, storage keys) may hold plain data only. Tensor bytes are read only after the
 * whole pickle was accepted, and only from storages whose size the file was checked to hold; a
 * tensor may not have more elements than its storage (no zero-stride expansion), so every
 * allocation is bounded by the size of the stored data.
 *
 * <p><b>Content.</b> The pickle must hold a state_dict (tensors by name), or a dict wrapping exactly
 * one under {@code state_dict}, {@code model_state_dict}, {@code model}, {@code params},
 * {@code params_ema} or {@code net} (one level deep; the rest of the wrapper, such as optimizer
 * state, is ignored). A {@code module.} prefix on every name (left by {@code nn.DataParallel}) is
 * removed. Tensors may be float32, float64, float16 or bfloat16 (converted to float32), with any
 * storage offset and any (non-negative) strides; legacy storage views and CUDA storages are read too.
 * The result carries no metadata.
 *
 * <p>TorchScript archives and the tar format of the earliest torch releases are refused with a message
 * saying how to convert them. Every malformed or truncated file gives an {@link InvalidFileException}.
 */
public final class PthReader {
    /** The wrapper keys under which training scripts commonly store the state_dict. */
    private static final List<String> WRAPPERS =
            List.of("state_dict", "model_state_dict", "model", "params", "params_ema", "net");
    private static final String DATA_PARALLEL_PREFIX = "module.";
    private static final long MAX_PICKLE_BYTES = 64L << 20;
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    static final String TAR_MESSAGE = "unsupported PyTorch checkpoint format: a tar archive, as the earliest torch"
            + " releases wrote; re-save it with a newer torch: torch.save(torch.load(old), new)";

    private PthReader() {
    }

    /**
     * Reads the state_dict of a PyTorch checkpoint, zip or legacy format (recognised by content).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws UnsafeCheckpointException         if the pickle references anything a state_dict never does
     * @throws InvalidFileException              if the file is not a checkpoint holding a state_dict
     *                                           of floating-point tensors, or is corrupt or truncated
     * @throws IOException                       if the file cannot be read
     */
    public static StateDict read(Path file) throws IOException {
        byte[] head = WeightFiles.head(file);
        if (WeightFiles.isLegacyPickle(head)) {
            return LegacyPthReader.read(file);
        }
        if (!WeightFiles.isZip(head)) {
            throw new InvalidFileException(file, WeightFiles.isTar(head) ? TAR_MESSAGE
                    : "not a PyTorch checkpoint (expected the zip archive or the legacy pickle file that"
                    + " torch.save writes)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(file, zip);
        } catch (InvalidFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt or truncated .pth checkpoint (" + e + ")", e);
        }
    }

    private static StateDict read(Path file, ZipFile zip) throws IOException {
        String prefix = recordPrefix(file, zip);
        ByteOrder order = byteOrder(file, zip, prefix);
        byte[] pickle = readEntry(file, zip, prefix + "data.pkl", MAX_PICKLE_BYTES);
        Object root;
        try {
            root = RestrictedUnpickler.load(pickle);
        } catch (RestrictedUnpickler.Refusal r) {
            throw new UnsafeCheckpointException(file, r.reference, r.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt checkpoint: " + prefix + "data.pkl is not a valid pickle ("
                    + e.getMessage() + ")", e);
        }
        return tensors(file, selectStateDict(file, root),
                (storage, type) -> readStorage(file, zip, prefix + "data/" + storage.key(), storage, type, order));
    }

    /** The {@code <name>/} folder holding {@code data.pkl} (torch names it after the file or "archive"). */
    private static String recordPrefix(Path file, ZipFile zip) throws InvalidFileException {
        List<String> prefixes = new ArrayList<>();
        boolean torchScript = false;
        for (ZipEntry e : Collections.list(zip.entries())) {
            String name = e.getName();
            int slash = name.indexOf('/');
            String rest = slash < 0 ? name : name.substring(slash + 1);
            if (rest.equals("data.pkl")) {
                prefixes.add(name.substring(0, name.length() - rest.length()));
            }
            torchScript |= rest.startsWith("code/") || rest.equals("constants.pkl");
        }
        if (torchScript) {
            throw new InvalidFileException(file, "this is a TorchScript archive (torch.jit.save), not a state_dict"
                    + " checkpoint; save the weights with torch.save(model.state_dict(), path)");
        }
        if (prefixes.size() != 1) {
            throw new InvalidFileException(file, prefixes.isEmpty()
                    ? "zip archive without <name>/data.pkl: not a PyTorch checkpoint"
                    : "zip archive with several data.pkl records " + prefixes + ": not a single PyTorch checkpoint");
        }
        return prefixes.get(0);
    }

    private static ByteOrder byteOrder(Path file, ZipFile zip, String prefix) throws IOException {
        if (zip.getEntry(prefix + "byteorder") == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String s = new String(readEntry(file, zip, prefix + "byteorder", 16), StandardCharsets.US_ASCII).trim();
        return switch (s) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new InvalidFileException(file, "unknown byte order '" + s + "' in " + prefix + "byteorder");
        };
    }

    /** The whole entry; it must not exceed {@code limit} bytes. */
    private static byte[] readEntry(Path file, ZipFile zip, String name, long limit) throws IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new InvalidFileException(file, "checkpoint lacks the entry " + name);
        }
        long size = e.getSize();
        if (size > limit) {
            throw new InvalidFileException(file, "entry " + name + " is too large (" + size + " bytes)");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) (size >= 0 ? size : limit + 1));
            if (size >= 0 ? b.length != size : b.length > limit) {
                throw new InvalidFileException(file, "entry " + name + " is truncated or larger than declared");
            }
            return b;
        }
    }

    /**
     * The state_dict in an unpickled checkpoint: the dict itself, or the one under a known wrapper
     * key, with a {@code module.} prefix removed.
     */
    static Map<String, TensorRef> selectStateDict(Path file, Object root) throws InvalidFileException {
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidFileException(file, "not a state_dict: the checkpoint holds " + describe(root)
                    + " instead of a dict of tensors");
        }
        if (map.isEmpty()) {
            throw new InvalidFileException(file, "not a state_dict: the checkpoint holds an empty dict");
        }
        Map<String, TensorRef> direct = asTensorDict(map);
        if (direct != null) {
            return withoutDataParallelPrefix(direct);
        }
        List<String> found = new ArrayList<>();
        for (String w : WRAPPERS) {
            if (map.get(w) instanceof Map<?, ?> inner && asTensorDict(inner) != null) {
                found.add(w);
            }
        }
        if (found.size() == 1) {
            return withoutDataParallelPrefix(asTensorDict((Map<?, ?>) map.get(found.get(0))));
        }
        if (found.size() > 1) {
            throw new InvalidFileException(file, "the checkpoint wraps several state_dicts " + found
                    + "; re-save the one to use, e.g. torch.save(ckpt['" + found.get(0) + "'], path)");
        }
        throw new InvalidFileException(file, "not a state_dict: the checkpoint holds a dict of " + summary(map)
                + "; expected tensors by name, or a state_dict under one of " + WRAPPERS);
    }

    /** The map as name → tensor if it is exactly that (non-empty, string keys, tensor values), else null. */
    private static Map<String, TensorRef> asTensorDict(Map<?, ?> map) {
        if (map.isEmpty()) {
            return null;
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof TensorRef t)) {
                return null;
            }
            out.put(k, t);
        }
        return out;
    }

    private static Map<String, TensorRef> withoutDataParallelPrefix(Map<String, TensorRef> dict) {
        if (!dict.keySet().stream().allMatch(k -> k.startsWith(DATA_PARALLEL_PREFIX))) {
            return dict;
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        dict.forEach((k, v) -> out.put(k.substring(DATA_PARALLEL_PREFIX.length()), v));
        return out;
    }

    private static String summary(Map<?, ?> map) {
        StringBuilder b = new StringBuilder().append(map.size()).append(map.size() == 1 ? " entry (" : " entries (");
        int shown = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (shown == 8) {
                b.append(", ...");
                break;
            }
            b.append(shown++ == 0 ? "" : ", ");
            b.append(e.getKey() instanceof String s ? "'" + s + "'" : describe(e.getKey()))
                    .append(": ").append(describe(e.getValue()));
        }
        return b.append(')').toString();
    }

    /** Supplies the bytes of a storage, in the byte order of the file; called once per storage key. */
    interface StorageSource {
        /**
         * At least {@code storage.numel()} elements of {@code type} (the storage's float type).
         *
         * @throws InvalidFileException if they are missing or the storage is too large
         */
        ByteBuffer bytes(StorageRef storage, DType type) throws IOException;
    }

    /** The tensors of a state_dict, each copied out of its storage; the storages are read lazily. */
    static StateDict tensors(Path file, Map<String, TensorRef> refs, StorageSource source) throws IOException {
        Map<String, ByteBuffer> storages = new HashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            tensors.put(e.getKey(), materialize(file, e.getKey(), e.getValue(), storages, source));
        }
        return new StateDict(tensors, Map.of());
    }

    private static Tensor materialize(Path file, String name, TensorRef ref, Map<String, ByteBuffer> storages,
            StorageSource source) throws IOException {
        StorageRef storage = ref.storage();
        DType type = storage.type().dtype();
        if (type == null) {
            throw new InvalidFileException(file, "tensor '" + name + "' has dtype " + storage.type().torchDtype()
                    + "; only float32, float64, float16 and bfloat16 tensors are supported");
        }
        int[] shape = ref.shape();
        long[] stride = ref.stride();
        long count = 1;
        try {
            for (int d : shape) {
                count = Math.multiplyExact(count, d);
            }
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        if (count > MAX_ARRAY) {
            throw new InvalidFileException(file, "tensor '" + name + "' is too large (" + count + " elements)");
        }
        if (count == 0) {
            return Tensor.wrap(shape, new float[0]);
        }
        long last = RestrictedUnpickler.lastElement(ref.offset(), shape, stride);
        if (last >= storage.numel()) {
            throw new InvalidFileException(file, "tensor '" + name + "' reaches element " + last
                    + " of a storage of " + storage.numel() + " elements");
        }
        if (count > storage.numel()) {
            // Only zero or overlapping strides get here; refusing them bounds every allocation by the
            // size of the stored data.
            throw new InvalidFileException(file, "tensor '" + name + "' has " + count + " elements, more than the "
                    + storage.numel() + " of its storage (zero or overlapping strides); such expanded tensors"
                    + " are not supported");
        }
        ByteBuffer buf = storages.get(storage.key());
        if (buf == null) {
            buf = source.bytes(storage, type);
            storages.put(storage.key(), buf);
        }
        int n = (int) count;
        int offset = (int) ref.offset();
        if (isContiguous(shape, stride)) {
            return Tensor.wrap(shape, type.readAll(buf, offset * type.bytes, n));
        }
        float[] out = new float[n];
        int[] index = new int[shape.length];
        long pos = offset;
        for (int k = 0; k < n; k++) {
            out[k] = type.read(buf, (int) (pos * type.bytes));
            for (int d = shape.length - 1; d >= 0; d--) {
                index[d]++;
                pos += stride[d];
                if (index[d] < shape[d]) {
                    break;
                }
                pos -= stride[d] * shape[d];
                index[d] = 0;
            }
        }
        return Tensor.wrap(shape, out);
    }

    private static ByteBuffer readStorage(Path file, ZipFile zip, String entryName, StorageRef storage, DType type,
            ByteOrder order) throws IOException {
        long bytes = storage.numel() * type.bytes;
        if (storage.numel() > MAX_ARRAY || bytes > MAX_ARRAY) {
            throw new InvalidFileException(file, "storage " + storage.key() + " is too large ("
                    + storage.numel() + " elements)");
        }
        ZipEntry e = zip.getEntry(entryName);
        if (e == null) {
            throw new InvalidFileException(file, "checkpoint lacks the storage entry " + entryName);
        }
        if (e.getSize() >= 0 && e.getSize() < bytes) {
            throw new InvalidFileException(file, "storage entry " + entryName + " holds " + e.getSize()
                    + " bytes, but its " + storage.numel() + " " + type.torchName + " elements need " + bytes);
        }
        try (InputStream in = zip.getInputStream(e)) {
            // readNBytes grows its buffer as data arrives, so a false size claim allocates nothing.
            byte[] b = in.readNBytes((int) bytes);
            if (b.length < bytes) {
                throw new InvalidFileException(file, "storage entry " + entryName + " is truncated ("
                        + b.length + " of " + bytes + " bytes)");
            }
            return ByteBuffer.wrap(b).order(order);
        }
    }

    /** True if the strides are C order (dimensions of size 1 may have any stride, as in PyTorch). */
    private static boolean isContiguous(int[] shape, long[] stride) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }
}
