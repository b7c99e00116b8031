package io.usrnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.prior.EngineFaultException;
import io.usrnet.prior.djl.DjlRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adam's update refuses non-finite gradients instead of writing NaN into every weight. */
class AdamStateTest extends EngineTestBase {
    @Test
    void nonFiniteGradientsLeaveTheWeightsUnchangedAndSaySo() {
        ModelConfig config = ModelConfig.of(2, 8, 4, 3, new int[] {8, 8, 8, 8}, 1);
        try (NDManager m = manager.newSubManager()) {
            UsrnetTrainingBlock block = new UsrnetTrainingBlock(config);
            block.initialize(m);
            block.initializeRandomly(3);
            Map<String, Parameter> parameters = block.stateDictParameters();
            Map<String, float[]> before = new LinkedHashMap<>();
            parameters.forEach((name, p) -> before.put(name, p.getArray().toFloatArray()));
            try (AdamState adam = new AdamState("test", parameters, m)) {
                try (NDManager scope = m.newSubManager();
                        GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    float[] noisy = new float[3 * 16 * 16];
                    noisy[5] = Float.NaN; // a NaN that the network spreads into the gradients
                    NDArray out = block.denoise(new ParameterStore(scope, false),
                            scope.create(noisy, new Shape(1, 3, 16, 16)), scope.create(new float[] {0.1f}), true);
                    gc.backward(out.sum());
                }
                assertThatThrownBy(() -> adam.update(1e-3, 0, "of step 7"))
                        .isInstanceOf(EngineFaultException.class)
                        .hasMessageContaining("the gradients of step 7 are not finite")
                        .hasMessageContaining("the weights were left unchanged");
                assertThat(adam.updates()).isZero();
                parameters.forEach((name, p) -> {
                    assertThat(p.getArray().toFloatArray()).as(name).containsExactly(before.get(name));
                    assertThat(p.getArray().getGradient().toFloatArray()).as("gradient of " + name).containsOnly(0f);
                });
            }
        }
    }
}
