package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.razorvine.pickle.Unpickler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-crafted malicious checkpoints: each would run its payload under {@code torch.load} (or
 * Python's pickle); here every one must be refused, naming what it references, with nothing run.
 */
class PthSafetyTest {
    @TempDir
    Path dir;

    private Path marker() {
        return dir.resolve("pwned");
    }

    private String touch() {
        return "touch " + marker();
    }

    /** The pickle as {@code archive/data.pkl} of an otherwise well-formed checkpoint. */
    private Path checkpoint(byte[] pickle) throws IOException {
        return TorchFiles.checkpoint(dir.resolve("evil.pth"), pickle, Map.of("0", TorchFiles.f32(1f)));
    }

    private UnsafeCheckpointException refused(Path file, String reference) throws IOException {
        UnsafeCheckpointException e = catchThrowableOfType(UnsafeCheckpointException.class, () -> PthReader.read(file));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.reference()).isEqualTo(reference);
        assertThat(marker()).doesNotExist();
        // The same refusal through every entry point.
        assertThatThrownBy(() -> WeightFiles.read(file)).isInstanceOf(UnsafeCheckpointException.class)
                .hasMessage(e.getMessage());
        assertThatThrownBy(() -> ModelWeights.read(file)).isInstanceOf(UnsafeCheckpointException.class);
        assertThat(marker()).doesNotExist();
        return e;
    }

    private static String refusal(String reference) {
        return "refusing to load: the checkpoint references " + reference + ", which a plain state_dict never does";
    }

    @Test
    void refusesOsSystemGlobalWithReduce() throws IOException {
        // Protocol 0, as pickle.dumps(obj, 0) writes for __reduce__ = (os.system, ('touch ...',)).
        byte[] p = ("cos\nsystem\n(S'" + touch() + "'\ntR.").getBytes(StandardCharsets.US_ASCII);
        Path file = checkpoint(p);
        // which file, what it references, and what is allowed instead
        assertThat(refused(file, "os.system").getMessage()).startsWith(file + ": ").contains(refusal("os.system"),
                "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
                "torch.*Storage");
    }

    @Test
    void refusesPosixSystemProtocol2() throws IOException {
        // What pickle.dumps(obj, 2) writes on Linux, where os.system is posix.system.
        byte[] p = new TorchFiles.Pickle().proto(2).global("posix", "system").raw('q', 0).str(touch()).raw('q', 1)
                .raw(0x85).raw('q', 2).reduce().raw('q', 3).stop().bytes();
        assertThat(refused(checkpoint(p), "posix.system")).hasMessageContaining(refusal("posix.system"));
    }

    @Test
    void refusesBuiltinsEvalThroughStackGlobal() throws IOException {
        // Protocol 4: SHORT_BINUNICODE 'builtins', 'eval', STACK_GLOBAL, then a call with one string.
        String code = "__import__('os').system('" + touch() + "')";
        TorchFiles.Pickle p = new TorchFiles.Pickle().proto(4)
                .raw(0x8c, 8).text("builtins").raw(0x94).raw(0x8c, 4).text("eval").raw(0x94).raw(0x93).raw(0x94)
                .str(code).raw(0x94).raw(0x85).raw(0x94).reduce().raw(0x94).stop();
        assertThat(refused(checkpoint(p.bytes()), "builtins.eval")).hasMessageContaining(refusal("builtins.eval"));
    }

    @Test
    void refusesSubprocessHiddenInsideARealStateDict() throws IOException {
        // The genuine tiny checkpoint with its tensor rebuild function swapped for subprocess.Popen
        // (pickle memo indices are positional, so the rest of the file stays valid).
        Map<String, byte[]> entries = TorchFiles.entries(WEIGHTS.resolve("tiny.pth"));
        String pkl = new String(entries.get("tiny/data.pkl"), StandardCharsets.ISO_8859_1);
        assertThat(pkl).contains("ctorch._utils\n_rebuild_tensor_v2\n");
        entries.put("tiny/data.pkl", pkl.replace("ctorch._utils\n_rebuild_tensor_v2\n", "csubprocess\nPopen\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        Path file = dir.resolve("tiny-evil.pth");
        TorchFiles.zip(file, entries);
        assertThat(refused(file, "subprocess.Popen")).hasMessageContaining(refusal("subprocess.Popen"));
    }

    @Test
    void refusesInstOpcodeNamingItsClass() throws IOException {
        byte[] p = ("(S'" + touch() + "'\nios\nsystem\n.").getBytes(StandardCharsets.US_ASCII);
        assertThat(refused(checkpoint(p), "os.system")).hasMessageContaining(refusal("os.system"));
    }

    @Test
    void refusesObjectBuildingOpcodesEvenOnAllowedNames() throws IOException {
        byte[] obj = "(ccollections\nOrderedDict\no.".getBytes(StandardCharsets.US_ASCII);
        assertThat(refused(checkpoint(obj), "OBJ")).hasMessageContaining(
                "refusing to load: the checkpoint uses the pickle opcode OBJ, which a plain state_dict never does");
        byte[] newobj = new TorchFiles.Pickle().proto(2).global("collections", "OrderedDict").emptyTuple()
                .raw(0x81).stop().bytes();
        assertThat(refused(checkpoint(newobj), "NEWOBJ")).hasMessageContaining("pickle opcode NEWOBJ");
    }

    @Test
    void refusesCallingAStorageTypeOrBuildingNonDicts() throws IOException {
        byte[] callStorage = new TorchFiles.Pickle().proto(2).global("torch", "FloatStorage").emptyTuple().reduce()
                .stop().bytes();
        assertThat(refused(checkpoint(callStorage), "torch.FloatStorage")).hasMessageContaining(
                "refusing to load: the checkpoint calls torch.FloatStorage, which a plain state_dict never does");
        byte[] buildList = new TorchFiles.Pickle().proto(2).raw(']').emptyDict().raw('b').stop().bytes();
        assertThat(refused(checkpoint(buildList), "BUILD")).hasMessageContaining("sets the state of a list, which a plain state_dict never does");
    }

    @Test
    void refusesAStorageReferenceNamingANonStorageType() throws IOException {
        TorchFiles.Pickle p = new TorchFiles.Pickle().proto(2).mark().str("storage")
                .global("collections", "OrderedDict").str("0").str("cpu").integer(1).tuple().raw('Q').stop();
        assertThat(refused(checkpoint(p.bytes()), "collections.OrderedDict")).hasMessageContaining(
                "refusing to load: a storage reference names collections.OrderedDict instead of a torch storage type");
    }

    @Test
    void ignoresRazorvinesGlobalConstructorRegistry() throws IOException {
        // Another component of the same JVM registering a constructor for os.system must not open a hole.
        Path flag = dir.resolve("constructed");
        Unpickler.registerConstructor("os", "system", args -> {
            try {
                Files.createFile(flag);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        try {
            byte[] p = ("cos\nsystem\n(S'" + touch() + "'\ntR.").getBytes(StandardCharsets.US_ASCII);
            refused(checkpoint(p), "os.system");
            assertThat(flag).doesNotExist();
        } finally {
            Registry.remove("os.system");
        }
    }

    /** Access to razorvine's protected static registry, to undo the registration above. */
    private static final class Registry extends Unpickler {
        static void remove(String name) {
            objectConstructors.remove(name);
        }
    }

    @Test
    void refusesCodeAfterALegacyMagicNumber() throws IOException {
        // torch < 1.6 files start with a pickled magic number; the pickles after it go through the
        // same allow-listing (see LegacyPthSafetyTest).
        Path file = dir.resolve("legacy.pth");
        byte[] evil = ("cos\nsystem\n(S'" + touch() + "'\ntR.").getBytes(StandardCharsets.US_ASCII);
        Files.write(file, LegacyFiles.concat(LegacyFiles.magic(), evil));
        assertThat(refused(file, "os.system")).hasMessageStartingWith(file + ": ")
                .hasMessageContainingAll("refusing to load", "protocol-version pickle", "os.system", "plain data");
    }

    interface ThrowingReader {
        StateDict read(Path p) throws IOException;
    }
}
