package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.usrnet.core.io.ReaderFuzzTest;
import io.usrnet.core.weights.TorchFiles.Pickle;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import net.razorvine.pickle.PickleException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncated and corrupted weight files fail with InvalidFileException, never anything else. */
class CorruptWeightsTest {
    /** The most a read of a corrupted fixture may allocate. */
    private static final long MAX_ALLOCATION = 256L << 20;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"odd.pth", "odd.safetensors", "tiny.pth"})
    void truncatedFilesGiveInvalidFileException(String name) throws IOException {
        byte[] full = Files.readAllBytes(WEIGHTS.resolve(name));
        int n = full.length;
        assertTruncationsFail(dir, name, full,
                1, 2, 4, 7, 8, 9, 30, 100, 1000, 3000, 4600, n / 3, n / 2, n - 4096, n - 100, n - 22, n - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"odd.pth", "odd.safetensors"})
    void corruptedBytesGiveInvalidFileExceptionOrValidWeights(String name) throws IOException {
        byte[] full = Files.readAllBytes(WEIGHTS.resolve(name));
        // The pickle / JSON header and the zip structures are where corruption changes control flow.
        int region = name.endsWith(".pth") ? 6000 : 2600;
        assertCorruptionsFail(dir.resolve(name), full, region, 200, 42);
    }

    /**
     * Regressions found by {@link ReaderFuzzTest}: razorvine failed on these with a
     * ClassCastException (APPEND to a non-list) or an IndexOutOfBoundsException (popping an empty
     * stack, a missing mark), wrapped in a message quoting the Java exception.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "append to an int,        'K\u0001K\u0002a.', list",
        "appends to a dict,       '}(K\u0001e.',       list",
        "append to a mark,        '(K\u0001a.',        list",
        "pop from an empty stack, '0.',                 stack",
        "appends without a mark,  ']K\u0001e.',        stack",
        "stop on an empty stack,  '.',                  stack",
        "tuple without a mark,    'K\u0001t.',         stack"})
    void corruptPickleStacksGiveAClearMessage(String what, String opcodes, String problem) throws IOException {
        Path file = TorchFiles.checkpoint(dir.resolve("stack.pth"),
                new Pickle().proto(2).text(opcodes).bytes(), Map.of("0", TorchFiles.f32(1f)));
        String message = problem.equals("list") ? "APPEND target is not a list"
                : "an opcode takes more items than the stack holds (or a mark that is not there)";
        InvalidFileException e = catchThrowableOfType(InvalidFileException.class, () -> WeightFiles.read(file));
        assertThat(e).as(what).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContainingAll("archive/data.pkl", message);
        assertThat(e.getCause()).isExactlyInstanceOf(PickleException.class);
    }

    /** Each prefix of {@code full} cut at {@code cuts} fails to load with an InvalidFileException naming it. */
    static void assertTruncationsFail(Path dir, String name, byte[] full, int... cuts) throws IOException {
        for (int cut : cuts) {
            Path file = Files.write(dir.resolve(cut + "-" + name), Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> WeightFiles.read(file)).as("cut at %d", cut)
                    .isExactlyInstanceOf(InvalidFileException.class).hasMessageStartingWith(file + ": ");
            assertThatThrownBy(() -> ModelWeights.read(file)).as("cut at %d", cut)
                    .isExactlyInstanceOf(InvalidFileException.class);
        }
    }

    /**
     * {@code trials} copies of {@code full}, each with one byte changed (the first three quarters
     * within its first {@code region} bytes), written to {@code file}: each loads or fails with an
     * InvalidFileException (nothing else), allocating at most 256 MiB; at least one fails.
     */
    static void assertCorruptionsFail(Path file, byte[] full, int region, int trials, long seed) throws IOException {
        Random random = new Random(seed);
        int failures = 0;
        for (int trial = 0; trial < trials; trial++) {
            byte[] bad = full.clone();
            int at = trial < trials * 3 / 4 ? random.nextInt(region) : random.nextInt(full.length);
            bad[at] = (byte) (trial % 2 == 0 ? random.nextInt(256) : bad[at] ^ (1 << random.nextInt(8)));
            Files.write(file, bad);
            long before = ReaderFuzzTest.allocatedBytes();
            try {
                ModelWeights.read(file);
            } catch (InvalidFileException e) {
                failures++;
                assertThat(e.getMessage()).startsWith(file + ": ");
            } catch (Exception | Error e) {
                fail("byte " + at + " corrupted: expected InvalidFileException, got " + e, e);
            }
            if (before >= 0) {
                assertThat(ReaderFuzzTest.allocatedBytes() - before).as("bytes allocated, byte %d corrupted", at)
                        .isLessThan(MAX_ALLOCATION);
            }
        }
        assertThat(failures).isPositive();
    }
}
