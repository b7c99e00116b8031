package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncated and corrupted weight files fail with InvalidFileException, never anything else. */
class CorruptWeightsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"odd.pth", "odd.safetensors", "tiny.pth"})
    void truncatedFilesGiveInvalidFileException(String name) throws IOException {
        byte[] full = Files.readAllBytes(WEIGHTS.resolve(name));
        int n = full.length;
        int[] cuts = {1, 2, 4, 7, 8, 9, 30, 100, 1000, 3000, 4600, n / 3, n / 2, n - 4096, n - 100, n - 22, n - 1};
        for (int cut : cuts) {
            Path file = dir.resolve(cut + "-" + name);
            Files.write(file, Arrays.copyOf(full, cut));
            assertThatThrownBy(() -> WeightFiles.read(file)).as("cut at %d", cut)
                    .isInstanceOf(InvalidFileException.class).hasMessageStartingWith(file + ": ");
            assertThatThrownBy(() -> ModelWeights.read(file)).as("cut at %d", cut)
                    .isInstanceOf(InvalidFileException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"odd.pth", "odd.safetensors"})
    void corruptedBytesGiveInvalidFileExceptionOrValidWeights(String name) throws IOException {
        byte[] full = Files.readAllBytes(WEIGHTS.resolve(name));
        // The pickle / JSON header and the zip structures are where corruption changes control flow.
        int region = name.endsWith(".pth") ? 6000 : 2600;
        Random random = new Random(42);
        Path file = dir.resolve(name);
        int failures = 0;
        for (int trial = 0; trial < 200; trial++) {
            byte[] bad = full.clone();
            int at = trial < 150 ? random.nextInt(region) : random.nextInt(full.length);
            bad[at] = (byte) (trial % 2 == 0 ? random.nextInt(256) : bad[at] ^ (1 << random.nextInt(8)));
            Files.write(file, bad);
            try {
                ModelWeights.read(file);
            } catch (InvalidFileException e) {
                failures++;
                assertThat(e.getMessage()).startsWith(file + ": ");
            } catch (Exception | Error e) {
                fail("byte " + at + " corrupted: expected InvalidFileException, got " + e, e);
            }
        }
        assertThat(failures).isPositive();
    }
}
