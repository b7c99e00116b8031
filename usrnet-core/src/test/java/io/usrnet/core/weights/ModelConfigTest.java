package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    private static final String TINY = "ModelConfig[n_iter=6, h_nc=32, in_nc=4, out_nc=3, nc=16,32,64,64, nb=2]";
    private static StateDict tiny;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        tiny = SafeTensors.read(WEIGHTS.resolve("tiny.safetensors"));
    }

    private static StateDict with(StateDict base, String name, Tensor t, Map<String, String> metadata) {
        Map<String, Tensor> m = new LinkedHashMap<>(base.tensors());
        if (t == null) {
            m.remove(name);
        } else {
            m.put(name, t);
        }
        return new StateDict(m, metadata);
    }

    @Test
    void publishedConfigurationsHaveTheReferenceParameterCounts() {
        assertThat(ModelConfig.usrnet().parameterCount()).isEqualTo(17_016_016L);
        assertThat(ModelConfig.usrnetTiny().parameterCount()).isEqualTo(590_332L);
        assertThat(ModelConfig.usrnetTiny().toString()).isEqualTo(TINY);
        Map<String, int[]> shapes = ModelConfig.usrnet().tensorShapes();
        assertThat(shapes).hasSize(42);
        long hyper = shapes.entrySet().stream().filter(e -> e.getKey().startsWith("h."))
                .mapToLong(e -> java.util.Arrays.stream(e.getValue()).asLongStream().reduce(1, (a, b) -> a * b)).sum();
        assertThat(hyper).isEqualTo(5_392L);
        assertThat(shapes.get("p.m_up3.0.weight")).containsExactly(512, 256, 2, 2);
        assertThat(shapes.get("p.m_down3.2.weight")).containsExactly(512, 256, 2, 2);
        assertThat(shapes.get("h.mlp.4.weight")).containsExactly(16, 64, 1, 1);
    }

    @Test
    void reportsTheFirstWronglyShapedTensor() {
        StateDict bad = with(tiny, "p.m_down2.0.res.2.weight", Tensor.of(new int[] {32, 32, 3, 1}, new float[32 * 32 * 3]),
                Map.of());
        assertThatThrownBy(() -> ModelConfig.of(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("'p.m_down2.0.res.2.weight'", "[32, 32, 3, 1]", "expected [32, 32, 3, 3]",
                        TINY);
        // A transposed convolution stored the Conv2d way round.
        StateDict swapped = with(tiny, "p.m_up2.0.weight", Tensor.of(new int[] {32, 64, 2, 2}, new float[32 * 64 * 4]),
                tiny.metadata());
        assertThatThrownBy(() -> ModelConfig.of(swapped))
                .hasMessageContainingAll("'p.m_up2.0.weight'", "[32, 64, 2, 2]", "expected [64, 32, 2, 2]", TINY);
    }

    @Test
    void reportsMissingAndUnexpectedTensors() {
        assertThatThrownBy(() -> ModelConfig.of(with(tiny, "h.mlp.2.bias", null, tiny.metadata())))
                .hasMessageContainingAll("'h.mlp.2.bias'", "missing", "[32]", TINY);
        assertThatThrownBy(() -> ModelConfig.of(with(tiny, "p.m_head.bias", Tensor.of(new int[] {16}, new float[16]),
                Map.of()))).hasMessageContainingAll("unexpected", "'p.m_head.bias'", "[16]", TINY);
        assertThatThrownBy(() -> ModelConfig.of(with(tiny, "p.m_tail.weight", null, Map.of())))
                .hasMessageContainingAll("cannot infer the configuration", "'p.m_tail.weight'", "missing");
        assertThatThrownBy(() -> ModelConfig.of(with(tiny, "h.mlp.4.weight",
                Tensor.of(new int[] {11, 32, 1, 1}, new float[11 * 32]), Map.of())))
                .hasMessageContainingAll("cannot infer the configuration", "h.mlp.4.weight", "11 rows",
                        "2 × iterations");
    }

    @Test
    void checksMetadataAgainstTheTensors() {
        Map<String, String> meta = new LinkedHashMap<>(tiny.metadata());
        meta.put("n_iter", "8");
        assertThatThrownBy(() -> ModelConfig.of(new StateDict(tiny.tensors(), meta)))
                .hasMessageContainingAll("'h.mlp.4.weight'", "[12, 32, 1, 1]", "expected [16, 32, 1, 1]", "n_iter=8");
        assertThatThrownBy(() -> ModelConfig.of(new StateDict(tiny.tensors(), Map.of("nb", "3"))))
                .hasMessageContainingAll("metadata nb=3", "imply nb=2");
        assertThat(ModelConfig.of(new StateDict(tiny.tensors(), Map.of("nc", " 16, 32,64,64", "format", "pt"))))
                .isEqualTo(ModelConfig.usrnetTiny());
        Map<String, String> badNc = new LinkedHashMap<>(tiny.metadata());
        badNc.put("nc", "16,32");
        assertThatThrownBy(() -> ModelConfig.of(new StateDict(tiny.tensors(), badNc)))
                .hasMessageContainingAll("nc='16,32'", "4 comma-separated widths");
        Map<String, String> badInt = new LinkedHashMap<>(tiny.metadata());
        badInt.put("h_nc", "thirty-two");
        assertThatThrownBy(() -> ModelConfig.of(new StateDict(tiny.tensors(), badInt)))
                .hasMessageContainingAll("h_nc='thirty-two'", "not an integer");
    }

    @Test
    void validatesItsOwnValues() {
        assertThatThrownBy(() -> ModelConfig.of(0, 32, 4, 3, new int[] {16, 32, 64, 64}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContainingAll("n_iter", ">= 1", "got 0");
        assertThatThrownBy(() -> ModelConfig.of(6, 32, 4, 3, new int[] {16, 32, 64}, 2))
                .hasMessageContainingAll("4 widths (nc)", "[16, 32, 64]");
        int[] nc = {16, 32, 64, 64};
        ModelConfig c = ModelConfig.of(6, 32, 4, 3, nc, 2);
        nc[0] = 99;
        c.widths()[1] = 99;
        assertThat(c).isEqualTo(ModelConfig.usrnetTiny()).hasSameHashCodeAs(ModelConfig.usrnetTiny());
        assertThat(c.width(0)).isEqualTo(16);
    }

    @Test
    void modelWeightsReadWrapsShapeErrorsWithTheFileName() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        SafeTensors.write(file, with(tiny, "h.mlp.0.bias", Tensor.of(new int[] {31}, new float[31]), tiny.metadata()));
        assertThatThrownBy(() -> ModelWeights.read(file)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContainingAll("not USRNet weights", "'h.mlp.0.bias'", "[31]", "expected [32]", TINY);
    }
}
