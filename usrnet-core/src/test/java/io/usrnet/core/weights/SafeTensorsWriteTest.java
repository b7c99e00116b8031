package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWriteTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTheFixtureExactly() throws IOException {
        StateDict original = SafeTensors.read(WEIGHTS.resolve("tiny.safetensors"));
        Path file = dir.resolve("copy.safetensors");
        SafeTensors.write(file, original);
        StateDict back = SafeTensors.read(file);
        assertThat(new ArrayList<>(back.names())).containsExactlyElementsOf(original.names());
        assertThat(back.tensors()).isEqualTo(original.tensors());
        assertThat(back.metadata()).isEqualTo(original.metadata());
        // Same data bytes as the reference writer; header padded so that the data starts 8-aligned.
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"format\":\"usrnet\"");
        assertThat(header.stripTrailing()).endsWith("}").hasSizeGreaterThan(header.length() - 8);
        assertThat(header.substring(header.stripTrailing().length())).matches(" *");
        byte[] ref = Files.readAllBytes(WEIGHTS.resolve("tiny.safetensors"));
        long refHeader = ByteBuffer.wrap(ref).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(Arrays.copyOfRange(bytes, 8 + (int) headerLen, bytes.length))
                .isEqualTo(Arrays.copyOfRange(ref, 8 + (int) refHeader, ref.length));
    }

    @Test
    void writesPthWeightsWithTheirConfiguration() throws IOException {
        ModelWeights w = ModelWeights.read(WEIGHTS.resolve("odd.pth"));
        Path file = dir.resolve("odd.safetensors");
        w.writeSafeTensors(file);
        StateDict back = SafeTensors.read(file);
        assertThat(back.metadata()).isEqualTo(SafeTensors.read(WEIGHTS.resolve("odd.safetensors")).metadata());
        assertThat(back.tensors()).isEqualTo(w.stateDict().tensors());
        assertThat(ModelWeights.read(file).config()).isEqualTo(w.config());
    }

    @Test
    void replacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Files.writeString(file, "old content");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(new int[] {2, 1}, new float[] {1f, -0f}));
        tensors.put("empty", Tensor.of(new int[] {0}, new float[0]));
        tensors.put("ünïcode \"name\"", Tensor.of(new int[] {}, new float[] {Float.NaN}));
        SafeTensors.write(file, new StateDict(tensors, Map.of()));
        StateDict back = SafeTensors.read(file);
        assertThat(back.tensors()).isEqualTo(tensors);
        assertThat(back.metadata()).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void failsCleanly() throws IOException {
        StateDict bad = new StateDict(Map.of("__metadata__", Tensor.of(new int[] {1}, new float[1])), Map.of());
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("x.safetensors"), bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'__metadata__'", ".safetensors");
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("missing/x.safetensors"),
                new StateDict(Map.of(), Map.of()))).isInstanceOf(NoSuchFileException.class);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
