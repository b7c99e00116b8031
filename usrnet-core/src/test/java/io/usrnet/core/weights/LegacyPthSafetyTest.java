package io.usrnet.core.weights;

import static io.usrnet.core.weights.LegacyFiles.key;
import static io.usrnet.core.weights.LegacyFiles.keys;
import static io.usrnet.core.weights.LegacyFiles.record;
import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.usrnet.core.io.ReaderFuzzTest;
import io.usrnet.core.weights.TorchFiles.Pickle;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and damaged legacy checkpoints: every pickle of the file is allow-listed (the small ones
 * may hold plain data only), records are bounds-checked, and corruption gives InvalidFileException.
 */
class LegacyPthSafetyTest {
    @TempDir
    Path dir;

    private Path marker() {
        return dir.resolve("pwned");
    }

    /** pickle.dumps of an object whose __reduce__ is (os.system, ('touch <marker>',)), protocol 2. */
    private byte[] osSystem() {
        return new Pickle().proto(2).global("os", "system").str("touch " + marker()).raw(0x85).reduce().stop()
                .bytes();
    }

    /** A well-formed one-tensor main pickle, key list and record. */
    private static byte[][] body() {
        byte[] main = LegacyFiles.oneTensor(2, 0, new int[] {2}, new long[] {1});
        return new byte[][] {main, keys(key(0)), record(1f, 2f)};
    }

    /** Heap bytes the current thread allocates while {@code read} runs on {@code file}. */
    private static long allocatedBy(PthSafetyTest.ThrowingReader read, Path file) {
        long before = ReaderFuzzTest.allocatedBytes();
        assumeTrue(before >= 0, "per-thread allocation counter");
        try {
            read.read(file);
        } catch (IOException e) {
            // the outcome is checked by the caller
        }
        return ReaderFuzzTest.allocatedBytes() - before;
    }

    private UnsafeCheckpointException refused(byte[] bytes, String reference) throws IOException {
        Path file = Files.write(dir.resolve("evil.pth"), bytes);
        UnsafeCheckpointException e = catchThrowableOfType(UnsafeCheckpointException.class,
                () -> PthReader.read(file));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.reference()).isEqualTo(reference);
        assertThat(e.getMessage()).startsWith(file + ": refusing to load: ");
        assertThatThrownBy(() -> WeightFiles.read(file)).isInstanceOf(UnsafeCheckpointException.class)
                .hasMessage(e.getMessage());
        assertThatThrownBy(() -> ModelWeights.read(file)).isInstanceOf(UnsafeCheckpointException.class);
        assertThat(marker()).doesNotExist();
        return e;
    }

    @Test
    void refusesOsSystemInTheMainPickle() throws IOException {
        byte[][] b = body();
        assertThat(refused(LegacyFiles.file(osSystem(), b[1], b[2]), "os.system")).hasMessageEndingWith(
                "refusing to load: the checkpoint references os.system, which a plain state_dict never does"
                        + " (allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2 / _rebuild_tensor,"
                        + " torch._utils._rebuild_parameter and the torch.*Storage types)");
        // Hidden inside the genuine tiny weights: the tensor rebuild function swapped for posix.system.
        byte[] tiny = LegacyFiles.of(SafeTensors.read(WEIGHTS.resolve("tiny.safetensors")));
        String s = new String(tiny, StandardCharsets.ISO_8859_1);
        String swapped = s.replaceFirst("ctorch._utils\n_rebuild_tensor_v2\n", "cposix\nsystem\n");
        assertThat(swapped).isNotEqualTo(s);
        refused(swapped.getBytes(StandardCharsets.ISO_8859_1), "posix.system");
    }

    @Test
    void theSmallPicklesMayHoldOnlyPlainData() throws IOException {
        byte[][] b = body();
        // sys_info naming even an allowed global is refused: these pickles never reference anything.
        byte[] sysInfo = new Pickle().proto(2).emptyDict().mark().str("little_endian")
                .global("collections", "OrderedDict").setitems().stop().bytes();
        assertThat(refused(LegacyFiles.concat(LegacyFiles.magic(), LegacyFiles.version(), sysInfo, b[0], b[1], b[2]),
                "collections.OrderedDict")).hasMessageEndingWith("refusing to load: the sys_info pickle of the"
                + " checkpoint references collections.OrderedDict; it may hold only plain data (numbers, strings,"
                + " tuples, lists, dicts)");
        assertThat(refused(LegacyFiles.concat(LegacyFiles.magic(), LegacyFiles.version(), osSystem(), b[0], b[1],
                b[2]), "os.system")).hasMessageContaining("the sys_info pickle of the checkpoint references os.system");

        assertThat(refused(LegacyFiles.file(b[0], osSystem(), b[2]), "os.system"))
                .hasMessageContaining("the storage-key pickle of the checkpoint references os.system");
        assertThat(refused(LegacyFiles.concat(osSystem(), LegacyFiles.version()), "os.system"))
                .hasMessageContaining("the magic-number pickle of the checkpoint references os.system");
        assertThat(refused(LegacyFiles.concat(LegacyFiles.magic(), osSystem()), "os.system"))
                .hasMessageContaining("the protocol-version pickle of the checkpoint references os.system");

        // Protocol 4 STACK_GLOBAL, a persistent id and BUILD in the key list.
        byte[] stackGlobal = new Pickle().proto(4).raw(0x8c, 8).text("builtins").raw(0x8c, 4).text("eval")
                .raw(0x93).stop().bytes();
        refused(LegacyFiles.file(b[0], stackGlobal, b[2]), "builtins.eval");
        byte[] persid = new Pickle().proto(2).str(key(0)).raw('Q').stop().bytes();
        assertThat(refused(LegacyFiles.file(b[0], persid, b[2]), "BINPERSID"))
                .hasMessageContaining("the storage-key pickle of the checkpoint uses the pickle opcode BINPERSID");
        byte[] build = new Pickle().proto(2).emptyDict().emptyDict().build().stop().bytes();
        refused(LegacyFiles.file(b[0], build, b[2]), "BUILD");
    }

    @Test
    void countFieldsClaimingHugeStoragesFailFast() throws IOException {
        byte[][] b = body();
        long huge = 1L << 40;
        byte[] claim = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(huge).array();
        // The record's count disagrees with the pickle.
        Path f1 = Files.write(dir.resolve("huge1.pth"), LegacyFiles.file(b[0], b[1], claim, new byte[8]));
        assertThatThrownBy(() -> PthReader.read(f1)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageContaining("claims 1099511627776 elements, but the pickle says 2");
        // Both claim 2^40 float32 elements: 4 TiB that the file does not hold.
        byte[] main = LegacyFiles.oneTensor(huge, 0, new int[] {1}, new long[] {1});
        Path f2 = Files.write(dir.resolve("huge2.pth"), LegacyFiles.file(main, b[1], claim, new byte[64]));
        assertThatThrownBy(() -> PthReader.read(f2)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageContaining("truncated legacy checkpoint: storage '" + key(0)
                        + "' needs 1099511627776 × 4 bytes at offset")
                .hasMessageEndingWith("but only 64 remain");
        // Negative counts.
        byte[] negative = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).array();
        Path f3 = Files.write(dir.resolve("neg.pth"), LegacyFiles.file(b[0], b[1], negative, new byte[8]));
        assertThatThrownBy(() -> PthReader.read(f3)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageContaining("claims -1 elements");
        // Failing fast: nothing near the claimed size was allocated.
        for (Path f : new Path[] {f1, f2, f3}) {
            assertThat(allocatedBy(PthReader::read, f)).as(f.toString()).isLessThan(16L << 20);
        }
    }

    private static byte[] legacy(String model) throws IOException {
        return LegacyFiles.of(SafeTensors.read(WEIGHTS.resolve(model + ".safetensors")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"odd", "tiny"})
    void truncatedLegacyFilesGiveInvalidFileException(String model) throws IOException {
        byte[] full = legacy(model);
        int n = full.length;
        CorruptWeightsTest.assertTruncationsFail(dir, model + ".pth", full, 1, 2, 3, 10, 14, 15, 16, 20, 60, 136,
                137, 140, 500, 2000, 4000, 5000, 6000, 7000, 8000, n / 3, n / 2, n - 1000, n - 9, n - 8, n - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"odd", "tiny"})
    void corruptedLegacyFilesGiveInvalidFileExceptionOrValidWeights(String model) throws IOException {
        byte[] full = legacy(model);
        // Mostly in the pickles and the first records, where corruption changes control flow.
        CorruptWeightsTest.assertCorruptionsFail(dir.resolve(model + ".pth"), full, pickleRegion(full) + 600, 300, 7);
    }

    /** Where the pickles end and the records begin: just after the key list's STOP. */
    private static int pickleRegion(byte[] file) {
        String s = new String(file, StandardCharsets.ISO_8859_1);
        int appends = s.indexOf("e.", s.lastIndexOf(key(0)));
        assertThat(appends).isPositive();
        return appends + 2;
    }

    @Test
    void unsafeOrCorruptFilesNeverEscapeAsOtherExceptions() throws IOException {
        // Every prefix of a small hostile file: refused or invalid, nothing else, nothing run.
        byte[][] b = body();
        byte[] evil = LegacyFiles.file(b[0], b[1], b[2], osSystem());
        byte[] evilMain = LegacyFiles.file(osSystem(), b[1], b[2]);
        for (byte[] full : new byte[][] {evil, evilMain}) {
            for (int cut = 1; cut <= full.length; cut++) {
                Path file = Files.write(dir.resolve("cut.pth"), Arrays.copyOf(full, cut));
                try {
                    PthReader.read(file);
                } catch (InvalidFileException e) {
                    assertThat(e.getMessage()).startsWith(file + ": ");
                } catch (Exception | Error e) {
                    fail("cut at " + cut + ": expected InvalidFileException, got " + e, e);
                }
            }
        }
        assertThat(marker()).doesNotExist();
    }
}
