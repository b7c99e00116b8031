package io.usrnet.core.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.UnpickleStack;
import net.razorvine.pickle.Unpickler;

/**
 * An unpickler for the pickles of PyTorch checkpoints (the {@code data.pkl} of a zip checkpoint, or
 * the consecutive pickles of a legacy one) that accepts only what a {@code state_dict} needs and
 * refuses everything else before it is constructed.
 *
 * <p>How it is safe: every opcode goes through {@link #dispatch(short)}, which handles itself each
 * opcode that could name or call something (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, the persistent-id
 * opcodes), passes a fixed set of pure data opcodes (numbers, strings, tuples, lists, memo, marks)
 * to razorvine, and refuses all others (INST, OBJ, NEWOBJ, NEWOBJ_EX, EXT*, PERSID, out-of-band
 * buffers, sets, unknown bytes). A GLOBAL / STACK_GLOBAL reference is looked up in the fixed
 * {@link #ALLOWED} table of this class; a reference outside it stops the load with an
 * {@link Refusal} naming it. The table maps each allowed name to a local value (a callable of this
 * class or a storage type marker), so no class is ever looked up by name, and razorvine's global,
 * mutable constructor registry ({@code Unpickler.registerConstructor}) is never consulted. REDUCE
 * only calls this class's own callables. The persistent ids of storages produce
 * {@link StorageRef}s that merely name a zip entry: no tensor bytes are read while unpickling.
 *
 * <p>Dictionaries are built as {@link LinkedHashMap}s (razorvine's own dict opcodes lose the
 * insertion order of a state_dict). Length-prefixed items are checked against the bytes left
 * before anything is allocated, so a corrupt length cannot exhaust memory. A corrupt pickle that
 * pops more than its stack holds, or appends to something that is not a list, fails with a
 * {@link PickleException} saying so (razorvine itself would fail with an index or cast exception).
 *
 * <p>Not thread-safe; use one instance per load.
 */
final class RestrictedUnpickler extends Unpickler {

    /**
     * A storage named by a persistent id: a zip entry {@code data/<key>}, or the record {@code key}
     * of a legacy file, of {@code numel} elements.
     */
    record StorageRef(String key, StorageType type, long numel) {
    }

    /**
     * A legacy-format view of a storage: {@code numel} elements of {@code root} from element
     * {@code start} on (written only by old torch versions).
     */
    record StorageView(StorageRef root, long start, long numel) {
    }

    /**
     * The result of {@code torch._utils._rebuild_tensor_v2} (or the older {@code _rebuild_tensor}):
     * a strided view of a storage; {@code offset} counts elements from the start of the storage.
     */
    record TensorRef(StorageRef storage, long offset, int[] shape, long[] stride) {
    }

    /**
     * A {@code torch.*Storage} class; {@code dtype} is null for types that hold no floats;
     * {@code elementSize} is the size of one element in bytes.
     */
    record StorageType(String name, DType dtype, String torchDtype, int elementSize) {
    }

    /**
     * One pickle read from a longer byte sequence: its value, the index just past its STOP opcode,
     * and the storages its persistent ids named, by key.
     */
    record Loaded(Object value, int end, Map<String, StorageRef> storages) {
    }

    /** Thrown when the pickle references or does something a state_dict never does. */
    static final class Refusal extends PickleException {
        private static final long serialVersionUID = 1L;
        final String reference;

        Refusal(String reference, String message) {
            super(message);
            this.reference = reference;
        }
    }

    /** One of the few Python callables a state_dict pickle calls, implemented here. */
    private record PyFunction(String name, Function<Object[], Object> body) {
    }

    private static final Map<String, Object> ALLOWED = allowed();

    /** Opcodes that only build plain data and are handed to razorvine unchanged. */
    private static final Set<Short> PLAIN_DATA = Set.of(
            Opcodes.MARK, Opcodes.STOP, Opcodes.POP, Opcodes.POP_MARK, Opcodes.DUP,
            Opcodes.FLOAT, Opcodes.BINFLOAT, Opcodes.INT, Opcodes.BININT, Opcodes.BININT1, Opcodes.BININT2,
            Opcodes.LONG, Opcodes.LONG1, Opcodes.LONG4, Opcodes.NONE, Opcodes.NEWTRUE, Opcodes.NEWFALSE,
            Opcodes.STRING, Opcodes.BINSTRING, Opcodes.SHORT_BINSTRING, Opcodes.UNICODE, Opcodes.BINUNICODE,
            Opcodes.SHORT_BINUNICODE, Opcodes.BINUNICODE8, Opcodes.BINBYTES, Opcodes.SHORT_BINBYTES,
            Opcodes.BINBYTES8, Opcodes.EMPTY_TUPLE, Opcodes.TUPLE, Opcodes.TUPLE1, Opcodes.TUPLE2,
            Opcodes.TUPLE3, Opcodes.EMPTY_LIST, Opcodes.LIST,
            Opcodes.GET, Opcodes.BINGET, Opcodes.LONG_BINGET, Opcodes.PUT, Opcodes.BINPUT,
            Opcodes.LONG_BINPUT, Opcodes.MEMOIZE, Opcodes.PROTO, Opcodes.FRAME, Opcodes.BINPERSID);

    private static final Map<Short, String> REFUSED_NAMES = Map.ofEntries(
            Map.entry(Opcodes.OBJ, "OBJ"), Map.entry(Opcodes.NEWOBJ, "NEWOBJ"),
            Map.entry(Opcodes.NEWOBJ_EX, "NEWOBJ_EX"), Map.entry(Opcodes.EXT1, "EXT1"),
            Map.entry(Opcodes.EXT2, "EXT2"), Map.entry(Opcodes.EXT4, "EXT4"),
            Map.entry(Opcodes.PERSID, "PERSID"), Map.entry(Opcodes.BYTEARRAY8, "BYTEARRAY8"),
            Map.entry(Opcodes.NEXT_BUFFER, "NEXT_BUFFER"), Map.entry(Opcodes.READONLY_BUFFER, "READONLY_BUFFER"),
            Map.entry(Opcodes.EMPTY_SET, "EMPTY_SET"), Map.entry(Opcodes.ADDITEMS, "ADDITEMS"),
            Map.entry(Opcodes.FROZENSET, "FROZENSET"));

    /** Opcodes that name, call or build something, all refused in plain-data mode. */
    private static final Map<Short, String> CODE_OPCODES = Map.of(
            Opcodes.GLOBAL, "GLOBAL", Opcodes.STACK_GLOBAL, "STACK_GLOBAL", Opcodes.INST, "INST",
            Opcodes.REDUCE, "REDUCE", Opcodes.BUILD, "BUILD", Opcodes.BINPERSID, "BINPERSID");

    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** How persistent ids are read, or null in plain-data mode (which refuses them). */
    private enum Ids { ZIP, LEGACY }

    private final byte[] data;
    private final ByteArrayInputStream bytes;
    private final Ids ids;
    /** What is being read, for messages: "data.pkl", or "the sys_info pickle" of a legacy file. */
    private final String source;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private final Map<String, StorageView> views = new HashMap<>();

    private RestrictedUnpickler(byte[] data, int offset, Ids ids, String source) {
        this.data = data;
        this.bytes = new ByteArrayInputStream(data, offset, data.length - offset);
        this.ids = ids;
        this.source = source;
    }

    /**
     * Unpickles {@code pickle}, the {@code data.pkl} of a zip checkpoint.
     *
     * @throws Refusal         if it references anything outside the allow-list
     * @throws PickleException if it is corrupt (other runtime exceptions may also signal corruption)
     * @throws IOException     if it ends prematurely
     */
    static Object load(byte[] pickle) throws IOException {
        return new RestrictedUnpickler(pickle, 0, Ids.ZIP, "data.pkl").run().value();
    }

    /**
     * Unpickles the main pickle of a legacy checkpoint, which starts at {@code data[offset]}; its
     * persistent ids are the legacy 6-tuples, which may describe storage views.
     *
     * @throws Refusal         if it references anything outside the allow-list
     * @throws PickleException if it is corrupt (other runtime exceptions may also signal corruption)
     * @throws IOException     if it ends prematurely
     */
    static Loaded loadLegacy(byte[] data, int offset) throws IOException {
        return new RestrictedUnpickler(data, offset, Ids.LEGACY, "the main pickle").run();
    }

    /**
     * Unpickles a pickle of plain data only (numbers, strings, bytes, tuples, lists, dicts) that
     * starts at {@code data[offset]}; {@code what} names it in messages ("the sys_info pickle").
     *
     * @throws Refusal         if it names, calls or builds anything, or uses a persistent id
     * @throws PickleException if it is corrupt (other runtime exceptions may also signal corruption)
     * @throws IOException     if it ends prematurely
     */
    static Loaded loadPlainData(byte[] data, int offset, String what) throws IOException {
        return new RestrictedUnpickler(data, offset, null, what).run();
    }

    private Loaded run() throws IOException {
        Object value = load(bytes);
        return new Loaded(value, data.length - bytes.available(), Collections.unmodifiableMap(storages));
    }

    private static Map<String, Object> allowed() {
        Map<String, Object> m = new HashMap<>();
        for (PyFunction f : List.of(
                new PyFunction("collections.OrderedDict", RestrictedUnpickler::orderedDict),
                new PyFunction("torch._utils._rebuild_tensor_v2", RestrictedUnpickler::rebuildTensorV2),
                new PyFunction("torch._utils._rebuild_tensor", RestrictedUnpickler::rebuildTensor),
                new PyFunction("torch._utils._rebuild_parameter", RestrictedUnpickler::rebuildParameter),
                new PyFunction("torch._utils._rebuild_parameter_with_state", RestrictedUnpickler::rebuildParameter))) {
            m.put(f.name(), f);
        }
        Object[][] storages = {
            {"FloatStorage", DType.F32, "float32", 4}, {"DoubleStorage", DType.F64, "float64", 8},
            {"HalfStorage", DType.F16, "float16", 2}, {"BFloat16Storage", DType.BF16, "bfloat16", 2},
            {"LongStorage", null, "int64", 8}, {"IntStorage", null, "int32", 4}, {"ShortStorage", null, "int16", 2},
            {"CharStorage", null, "int8", 1}, {"ByteStorage", null, "uint8", 1}, {"BoolStorage", null, "bool", 1},
            {"UntypedStorage", null, "untyped bytes", 1},
        };
        for (Object[] s : storages) {
            String name = "torch." + s[0];
            m.put(name, new StorageType(name, (DType) s[1], (String) s[2], (Integer) s[3]));
        }
        return Map.copyOf(m);
    }

    /** The names this unpickler accepts in GLOBAL / STACK_GLOBAL, for messages. */
    static String allowedSummary() {
        return "collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_tensor,"
                + " torch._utils._rebuild_parameter and the torch.*Storage types";
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        if (!(stack instanceof CheckedStack)) {
            stack = new CheckedStack(); // load() starts each pickle with a fresh, empty stack
        }
        if (ids == null && CODE_OPCODES.containsKey(key)) {
            refusePlainData(key);
        }
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = line();
                String name = line();
                stack.add(resolve(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new PickleException("STACK_GLOBAL needs two strings");
                }
                stack.add(resolve(m, n));
            }
            case Opcodes.INST -> {
                String module = line();
                String name = line();
                throw refusal(module + "." + name);
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof PyFunction f)) {
                    throw new Refusal(describe(callable), "refusing to load: the checkpoint calls "
                            + describe(callable) + ", which a plain state_dict never does");
                }
                if (!(args instanceof Object[] a)) {
                    throw new PickleException("REDUCE arguments are not a tuple");
                }
                stack.add(f.body().apply(a));
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                // An OrderedDict state_dict carries its _metadata attribute (module versions) this
                // way; it is not needed. Nothing else in a state_dict is built with state.
                if (!(target instanceof Map) || !(state instanceof Map || state instanceof Object[])) {
                    throw new Refusal("BUILD", "refusing to load: the checkpoint sets the state of "
                            + describe(target) + ", which a plain state_dict never does");
                }
            }
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(dict, stack.pop_all_since_marker());
                stack.add(dict);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                dictOnTop().put(k, value);
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putPairs(dictOnTop(), items);
            }
            case Opcodes.APPEND -> {
                Object value = stack.pop();
                listOnTop().add(value);
            }
            case Opcodes.APPENDS -> {
                List<Object> items = stack.pop_all_since_marker();
                listOnTop().addAll(items);
            }
            default -> {
                if (!PLAIN_DATA.contains(key)) {
                    String name = REFUSED_NAMES.get(key);
                    if (name == null) {
                        throw new PickleException("invalid pickle opcode 0x" + Integer.toHexString(key & 0xff));
                    }
                    throw new Refusal(name, "refusing to load: the checkpoint uses the pickle opcode " + name
                            + ", which a plain state_dict never does");
                }
                checkLength(key);
                return super.dispatch(key);
            }
        }
        return NO_RETURN_VALUE;
    }

    /**
     * A newline-terminated name of GLOBAL / INST; a pickle cut inside it is corrupt (not a reference
     * to the partial name).
     */
    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = input.read(); c != '\n'; c = input.read()) {
            if (c < 0) {
                throw new PickleException("pickle ends inside a GLOBAL name");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    /** Refuses an opcode of {@link #CODE_OPCODES} in a plain-data pickle, naming what it references. */
    private void refusePlainData(short key) throws IOException {
        String reference = CODE_OPCODES.get(key);
        if (key == Opcodes.GLOBAL || key == Opcodes.INST) {
            String module = line();
            reference = printable(module + "." + line());
        } else if (key == Opcodes.STACK_GLOBAL && stack.size() >= 2) {
            Object name = stack.pop();
            Object module = stack.pop();
            if (module instanceof String m && name instanceof String n) {
                reference = printable(m + "." + n);
            }
        }
        String what = key == Opcodes.GLOBAL || key == Opcodes.INST || key == Opcodes.STACK_GLOBAL
                ? "references " + reference : "uses the pickle opcode " + reference;
        throw new Refusal(reference, "refusing to load: " + source + " of the checkpoint " + what
                + "; it may hold only plain data (numbers, strings, tuples, lists, dicts)");
    }

    private static Object resolve(String module, String name) {
        Object value = ALLOWED.get(module + "." + name);
        if (value == null) {
            throw refusal(module + "." + name);
        }
        return value;
    }

    private static Refusal refusal(String reference) {
        String shown = printable(reference);
        return new Refusal(shown, "refusing to load: the checkpoint references " + shown
                + ", which a plain state_dict never does (allowed: " + allowedSummary() + ")");
    }

    /** A name from the file, made safe to print: control characters escaped, length capped. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return b.length() < 120 ? b.toString() : b + "...";
    }

    /** What an unpickled value is, in Python terms, for messages. */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        } else if (o instanceof StorageType t) {
            return t.name();
        } else if (o instanceof PyFunction f) {
            return f.name();
        } else if (o instanceof Map) {
            return "a dict";
        } else if (o instanceof List) {
            return "a list";
        } else if (o instanceof Object[]) {
            return "a tuple";
        } else if (o instanceof TensorRef) {
            return "a tensor";
        } else if (o instanceof String) {
            return "a string";
        } else if (o instanceof Boolean) {
            return "a bool";
        } else if (o instanceof Number) {
            return "a number";
        }
        return "a " + o.getClass().getSimpleName();
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnTop() {
        if (!(stack.peek() instanceof Map)) {
            throw new PickleException("SETITEM target is not a dict");
        }
        return (Map<Object, Object>) stack.peek();
    }

    @SuppressWarnings("unchecked")
    private List<Object> listOnTop() {
        if (!(stack.peek() instanceof List)) {
            throw new PickleException("APPEND target is not a list");
        }
        return (List<Object>) stack.peek();
    }

    /** razorvine's stack, failing with a PickleException instead of an index exception when it runs empty. */
    private static final class CheckedStack extends UnpickleStack {
        private static final long serialVersionUID = 1L;

        @Override
        public Object pop() {
            requireItem();
            return super.pop();
        }

        @Override
        public Object peek() {
            requireItem();
            return super.peek();
        }

        private void requireItem() {
            if (size() == 0) {
                throw new PickleException("an opcode takes more items than the stack holds (or a mark that is not"
                        + " there)");
            }
        }
    }

    private static void putPairs(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw new PickleException("odd number of dict items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(items.get(i), items.get(i + 1));
        }
    }

    /** Rejects a length-prefixed item whose length exceeds the bytes left, before razorvine allocates it. */
    private void checkLength(short key) throws IOException {
        int width = switch (key) {
            case Opcodes.BINSTRING, Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.LONG4 -> 4;
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.FRAME -> 8;
            default -> 0;
        };
        if (width == 0) {
            return;
        }
        bytes.mark(width);
        byte[] raw = bytes.readNBytes(width);
        bytes.reset();
        if (raw.length < width) {
            throw new PickleException("pickle ends inside a length field");
        }
        long length = 0;
        for (int i = width - 1; i >= 0; i--) {
            length = length << 8 | (raw[i] & 0xff);
        }
        long left = bytes.available() - width;
        if (key == Opcodes.FRAME) {
            // A frame only announces the size of what follows; razorvine skips it without allocating.
            if (length < 0 || length > left) {
                throw new PickleException("pickle frame of " + Long.toUnsignedString(length)
                        + " bytes runs past the end of data.pkl");
            }
        } else if (length < 0 || length > left) {
            throw new PickleException("pickle item of " + Long.toUnsignedString(length)
                    + " bytes runs past the end of data.pkl (" + left + " bytes left)");
        }
    }

    private String end() {
        return ids == Ids.ZIP ? "data.pkl" : "the file";
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // torch.save writes ('storage', storage_type, key, location, numel) for every storage; the
        // legacy format adds view_metadata: None, or (view_key, offset, view_numel).
        int length = ids == Ids.ZIP ? 5 : 6;
        if (!(pid instanceof Object[] t) || t.length != length || !"storage".equals(t[0])) {
            throw new PickleException("unexpected persistent id (not a torch storage reference)");
        }
        if (!(t[1] instanceof StorageType type)) {
            throw new Refusal(describe(t[1]), "refusing to load: a storage reference names " + describe(t[1])
                    + " instead of a torch storage type");
        }
        if (!(t[2] instanceof String key) || !STORAGE_KEY.matcher(key).matches()) {
            throw new PickleException("invalid storage key in persistent id");
        }
        if (!(t[3] instanceof String)) {
            throw new PickleException("invalid storage location in persistent id");
        }
        long numel = nonNegative(t[4], "storage size");
        StorageRef ref = storages.computeIfAbsent(key, k -> new StorageRef(k, type, numel));
        if (!ref.type().equals(type) || ref.numel() != numel) {
            throw new PickleException("storage " + key + " is referenced with two different types or sizes");
        }
        return ids == Ids.LEGACY && t[5] != null ? view(ref, t[5]) : ref;
    }

    /** The view {@code (view_key, offset, view_numel)} of a legacy storage reference. */
    private StorageView view(StorageRef root, Object metadata) {
        if (!(metadata instanceof Object[] m) || m.length != 3 || !(m[0] instanceof String key)) {
            throw new PickleException("invalid storage view in persistent id");
        }
        long start = nonNegative(m[1], "storage view offset");
        long numel = nonNegative(m[2], "storage view size");
        if (start > root.numel() || numel > root.numel() - start) {
            throw new PickleException("storage view " + printable(key) + " (elements " + start + " to " + start
                    + " + " + numel + ") lies outside its storage of " + root.numel() + " elements");
        }
        StorageView view = views.computeIfAbsent(key, k -> new StorageView(root, start, numel));
        if (!view.equals(new StorageView(root, start, numel))) {
            throw new PickleException("storage view " + printable(key) + " is referenced with two different extents");
        }
        return view;
    }

    @SuppressWarnings("unchecked")
    private static Object orderedDict(Object[] args) {
        Map<Object, Object> dict = new LinkedHashMap<>();
        if (args.length == 1 && args[0] instanceof List<?> pairs) {
            for (Object p : pairs) {
                if (!(p instanceof Object[] kv) || kv.length != 2) {
                    throw new PickleException("OrderedDict item is not a pair");
                }
                dict.put(kv[0], kv[1]);
            }
        } else if (args.length != 0) {
            throw new PickleException("OrderedDict called with " + args.length + " arguments");
        }
        return dict;
    }

    /** {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata])}. */
    private static Object rebuildTensorV2(Object[] args) {
        if (args.length < 6 || args.length > 7) {
            throw new PickleException("_rebuild_tensor_v2 called with " + args.length + " arguments");
        }
        return tensor("_rebuild_tensor_v2", args);
    }

    /** {@code _rebuild_tensor(storage, storage_offset, size, stride)}, as torch &lt; 0.4 wrote tensors. */
    private static Object rebuildTensor(Object[] args) {
        if (args.length != 4) {
            throw new PickleException("_rebuild_tensor called with " + args.length + " arguments");
        }
        return tensor("_rebuild_tensor", args);
    }

    /** The tensor of {@code (storage, storage_offset, size, stride, ...)}. */
    private static TensorRef tensor(String function, Object[] args) {
        if (!(args[0] instanceof StorageRef) && !(args[0] instanceof StorageView)) {
            throw new PickleException(function + " called without a storage");
        }
        long offset = nonNegative(args[1], "storage offset");
        if (!(args[2] instanceof Object[] size) || !(args[3] instanceof Object[] stride)
                || size.length != stride.length) {
            throw new PickleException(function + " called with an invalid size or stride");
        }
        int[] shape = new int[size.length];
        long[] strides = new long[size.length];
        for (int i = 0; i < size.length; i++) {
            long d = nonNegative(size[i], "tensor dimension");
            if (d > Integer.MAX_VALUE) {
                throw new PickleException("tensor dimension " + d + " is too large");
            }
            shape[i] = (int) d;
            strides[i] = nonNegative(stride[i], "tensor stride");
        }
        if (args[0] instanceof StorageView view) {
            long last = lastElement(offset, shape, strides);
            if (last >= view.numel()) {
                throw new PickleException("a tensor reaches element " + last + " of a storage view of "
                        + view.numel() + " elements");
            }
            return new TensorRef(view.root(), Math.addExact(view.start(), offset), shape, strides);
        }
        return new TensorRef((StorageRef) args[0], offset, shape, strides);
    }

    /**
     * The storage index of the last element of a strided tensor: -1 if it has no elements,
     * {@link Long#MAX_VALUE} if the index overflows.
     */
    static long lastElement(long offset, int[] shape, long[] stride) {
        long last = offset;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0) {
                    return -1;
                }
                last = Math.addExact(last, Math.multiplyExact(shape[i] - 1L, stride[i]));
            }
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
        return last;
    }

    /** {@code _rebuild_parameter(data, requires_grad, hooks[, state])}: the tensor itself. */
    private static Object rebuildParameter(Object[] args) {
        if (args.length < 3 || args.length > 4 || !(args[0] instanceof TensorRef)) {
            throw new PickleException("_rebuild_parameter called with unexpected arguments");
        }
        return args[0];
    }

    private static long nonNegative(Object o, String what) {
        long v;
        if (o instanceof Integer || o instanceof Long) {
            v = ((Number) o).longValue();
        } else if (o instanceof BigInteger b && b.bitLength() < 63) {
            v = b.longValue();
        } else {
            throw new PickleException(what + " is not an integer");
        }
        if (v < 0) {
            throw new PickleException(what + " is negative (" + v + ")");
        }
        return v;
    }
}
