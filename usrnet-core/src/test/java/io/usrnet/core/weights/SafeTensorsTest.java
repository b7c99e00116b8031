package io.usrnet.core.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.TestData;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {
    private static final Path WEIGHTS = TestData.WEIGHTS;

    @Test
    void readsTinyFixture() throws IOException {
        StateDict sd = SafeTensors.read(WEIGHTS.resolve("tiny.safetensors"));
        assertThat(sd.names()).hasSize(42).contains("p.m_head.weight", "h.mlp.4.bias");
        assertThat(sd.get("p.m_head.weight").shape()).containsExactly(16, 4, 3, 3);
        assertThat(sd.get("p.m_up3.0.weight").shape()).containsExactly(64, 64, 2, 2);
        assertThat(sd.get("h.mlp.4.weight").shape()).containsExactly(12, 32, 1, 1);
        assertThat(sd.metadata()).containsEntry("nc", "16,32,64,64").containsEntry("n_iter", "6");
        int params = sd.tensors().values().stream().mapToInt(Tensor::size).sum();
        assertThat(params).isEqualTo(590332);
    }

    @Test
    void convertsHalfPrecision() {
        assertThat(DType.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(DType.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(DType.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(DType.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
    }
}
