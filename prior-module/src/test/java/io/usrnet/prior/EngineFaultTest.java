package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A non-finite engine result is reported as an engine fault, never returned as an image. */
class EngineFaultTest {
    @Test
    void aNonFiniteOutputFromFiniteInputIsAnEngineFault() {
        ResUNetConfig config = ResUNetConfig.rgb(new int[] {8, 8, 8, 8}, 1);
        // finite weights that overflow float32 stand in for a faulty kernel: the output is not finite
        Map<String, float[]> huge = new HashMap<>();
        ResUNet.randomParameters(config, 1).forEach((name, v) -> {
            float[] w = new float[v.length];
            java.util.Arrays.fill(w, 1e30f);
            huge.put(name, w);
        });
        float[] image = new float[3 * 9 * 10];
        java.util.Arrays.fill(image, 0.5f);
        try (ResUNet net = ResUNet.create(config, huge)) {
            assertThatThrownBy(() -> net.denoise(image, 3, 9, 10, 0.1f))
                    .isInstanceOf(EngineFaultException.class)
                    .hasMessageContaining("the ResUNet output")
                    .hasMessageContaining("9×10")
                    .hasMessageContaining("at channel 0, row 0, column 0")
                    .hasMessageContaining("fault of the PyTorch engine")
                    .hasMessageContaining("ONEDNN_MAX_CPU_ISA=SSE41");
        }
    }

    @Test
    void requireFiniteNamesThePosition() {
        float[] v = new float[2 * 3 * 4];
        EngineFaultException.requireFinite(v, "x", new int[] {3, 4});
        v[1 * 12 + 2 * 4 + 3] = Float.NaN;
        assertThatThrownBy(() -> EngineFaultException.requireFinite(v, "x", new int[] {3, 4}))
                .hasMessageStartingWith("x holds NaN at channel 1, row 2, column 3");
        assertThatThrownBy(() -> EngineFaultException.requireFinite(v, "g", null))
                .hasMessageStartingWith("g holds NaN at index 23");
        assertThat(new EngineFaultException("y")).isInstanceOf(IllegalStateException.class);
    }
}
