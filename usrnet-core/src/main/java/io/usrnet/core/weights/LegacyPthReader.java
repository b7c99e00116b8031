package io.usrnet.core.weights;

import io.usrnet.core.weights.RestrictedUnpickler.Loaded;
import io.usrnet.core.weights.RestrictedUnpickler.StorageRef;
import io.usrnet.core.weights.RestrictedUnpickler.TensorRef;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reader for the legacy PyTorch checkpoint format: what {@code torch.save} wrote before torch 1.6
 * (and still writes with {@code _use_new_zipfile_serialization=False}). The file is a sequence of
 * pickles followed by raw data:
 * <ol>
 *   <li>the magic number {@code 0x1950a86a20f9469cfc6c};</li>
 *   <li>the format version, {@code 1001};</li>
 *   <li>a sys_info dict (the writer's byte order and C type sizes);</li>
 *   <li>the object itself: the state_dict, whose storages are persistent ids
 *       {@code ('storage', type, key, location, numel, view)};</li>
 *   <li>the list of storage keys, in the order their data follows;</li>
 *   <li>per key: the element count as a little-endian int64, then the elements.</li>
 * </ol>
 *
 * <p>Every pickle goes through {@link RestrictedUnpickler}: the main one under the same allow-list
 * as a zip checkpoint's {@code data.pkl}, the four small ones in plain-data mode (no references,
 * calls or persistent ids at all). Storage records are located and bounds-checked against the file
 * before any tensor is built; their counts must match the pickle.
 *
 * <p>Byte order: torch writes storage data and counts little-endian whatever the machine (the
 * sys_info entry {@code little_endian} only records the writer's machine, and torch's own loader
 * ignores it), so they are read little-endian. CUDA storages ({@code location} {@code cuda:N}) hold
 * the same bytes and are read like CPU ones. The file is read into memory whole, so it may be at
 * most 2 GiB.
 */
final class LegacyPthReader {
    private static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final long VERSION = 1001;
    private static final long MAX_FILE = Integer.MAX_VALUE - 8;

    private LegacyPthReader() {
    }

    /** Reads the state_dict of a legacy checkpoint (the caller has seen a pickle protocol opcode first). */
    static StateDict read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw new InvalidFileException(file, "legacy PyTorch checkpoint too large (" + size
                    + " bytes; at most 2 GiB is supported); re-save it with torch >= 1.6");
        }
        byte[] data = Files.readAllBytes(file);
        try {
            return read(file, data);
        } catch (InvalidFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt or truncated legacy .pth checkpoint (" + e + ")", e);
        }
    }

    private static StateDict read(Path file, byte[] data) throws IOException {
        Loaded magic = plain(file, data, 0, "the magic-number pickle");
        if (!(magic.value() instanceof BigInteger b && b.equals(MAGIC))) {
            throw new InvalidFileException(file, "not a PyTorch checkpoint: a pickle without torch's magic number"
                    + " (expected the zip archive or the legacy pickle file that torch.save writes)");
        }
        Loaded version = plain(file, data, magic.end(), "the protocol-version pickle");
        if (!(version.value() instanceof Number n && n.longValue() == VERSION)) {
            Object v = version.value();
            throw new InvalidFileException(file, "unsupported legacy PyTorch checkpoint version "
                    + (v instanceof Number ? v : RestrictedUnpickler.describe(v)) + " (expected " + VERSION + ")");
        }
        Loaded sysInfo = plain(file, data, version.end(), "the sys_info pickle");
        if (!(sysInfo.value() instanceof Map)) {
            throw new InvalidFileException(file, "corrupt legacy checkpoint: sys_info is "
                    + RestrictedUnpickler.describe(sysInfo.value()) + ", not a dict");
        }
        Loaded main;
        try {
            main = RestrictedUnpickler.loadLegacy(data, sysInfo.end());
        } catch (RestrictedUnpickler.Refusal r) {
            throw new UnsafeCheckpointException(file, r.reference, r.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt legacy checkpoint: the main pickle is not a valid pickle ("
                    + e.getMessage() + ")", e);
        }
        Map<String, TensorRef> refs = PthReader.selectStateDict(file, main.value());
        Loaded keys = plain(file, data, main.end(), "the storage-key pickle");
        List<String> order = storageKeys(file, keys.value(), main.storages());
        Map<String, Integer> starts = locateStorages(file, data, keys.end(), order, main.storages());
        return PthReader.tensors(file, refs, (storage, type) -> {
            int start = starts.get(storage.key());
            return ByteBuffer.wrap(data, start, (int) (storage.numel() * type.bytes)).slice()
                    .order(ByteOrder.LITTLE_ENDIAN);
        });
    }

    /** One of the small plain-data pickles around the main one. */
    private static Loaded plain(Path file, byte[] data, int offset, String what) throws IOException {
        try {
            return RestrictedUnpickler.loadPlainData(data, offset, what);
        } catch (RestrictedUnpickler.Refusal r) {
            throw new UnsafeCheckpointException(file, r.reference, r.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt or truncated legacy checkpoint: " + what
                    + " is not a valid pickle (" + e.getMessage() + ")", e);
        }
    }

    /** The storage keys in data order: exactly the storages the main pickle references, each once. */
    private static List<String> storageKeys(Path file, Object value, Map<String, StorageRef> referenced)
            throws InvalidFileException {
        if (!(value instanceof List<?> list)) {
            throw new InvalidFileException(file, "corrupt legacy checkpoint: the storage-key pickle holds "
                    + RestrictedUnpickler.describe(value) + " instead of a list of keys");
        }
        Set<String> keys = new LinkedHashSet<>();
        for (Object o : list) {
            if (!(o instanceof String key)) {
                throw new InvalidFileException(file, "corrupt legacy checkpoint: the storage-key list holds "
                        + RestrictedUnpickler.describe(o) + " instead of a key");
            }
            if (!referenced.containsKey(key)) {
                throw new InvalidFileException(file, "corrupt legacy checkpoint: the storage-key list names storage "
                        + shown(key) + ", which the main pickle does not reference");
            }
            if (!keys.add(key)) {
                throw new InvalidFileException(file, "corrupt legacy checkpoint: the storage-key list names storage "
                        + shown(key) + " twice");
            }
        }
        if (keys.size() != referenced.size()) {
            List<String> missing = new ArrayList<>(referenced.keySet());
            missing.removeAll(keys);
            throw new InvalidFileException(file, "corrupt legacy checkpoint: the main pickle references storage "
                    + shown(missing.get(0)) + ", which the storage-key list does not name"
                    + (missing.size() > 1 ? " (nor " + (missing.size() - 1) + " more)" : ""));
        }
        return new ArrayList<>(keys);
    }

    /**
     * Walks the storage records after the key list: each an int64 count equal to the storage's size
     * in the pickle, then its bytes, all within the file. Returns where each storage's bytes start.
     */
    private static Map<String, Integer> locateStorages(Path file, byte[] data, int offset, List<String> keys,
            Map<String, StorageRef> storages) throws InvalidFileException {
        Map<String, Integer> starts = new HashMap<>();
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long pos = offset;
        for (String key : keys) {
            StorageRef storage = storages.get(key);
            long left = data.length - pos;
            if (left < Long.BYTES) {
                throw new InvalidFileException(file, "truncated legacy checkpoint: the file ends before the data of"
                        + " storage " + shown(key) + " (" + left + " bytes left at offset " + pos + ")");
            }
            long count = buf.getLong((int) pos);
            pos += Long.BYTES;
            left -= Long.BYTES;
            if (count != storage.numel()) {
                throw new InvalidFileException(file, "corrupt legacy checkpoint: the data of storage " + shown(key)
                        + " at offset " + (pos - Long.BYTES) + " claims " + count + " elements, but the pickle says "
                        + storage.numel());
            }
            int size = storage.type().elementSize();
            if (count > left / size) {
                throw new InvalidFileException(file, "truncated legacy checkpoint: storage " + shown(key) + " needs "
                        + count + " × " + size + " bytes at offset " + pos + ", but only " + left + " remain");
            }
            starts.put(key, (int) pos);
            pos += count * size;
        }
        return starts;
    }

    private static String shown(String key) {
        return "'" + RestrictedUnpickler.printable(key) + "'";
    }
}
