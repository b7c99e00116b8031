package io.usrnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.usrnet.core.ParityFixtures;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import io.usrnet.prior.djl.DjlRuntime;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One training step's loss and gradients (through the prior, the differentiable data step and the
 * hyper-network) against the original network in float64, for the built-in widths and widths that
 * are not multiples of 16 (issue 11: training was NaN on AVX-512 machines). Run twice each, since
 * a fault of that kind varies from run to run.
 *
 * <p>Fixtures: test-data/parity/train, made by training/device/make_parity_fixtures.py.
 */
class TrainingParityTest extends EngineTestBase {
    static Stream<String> cases() {
        return ParityFixtures.cases().keySet().stream().filter(name -> name.startsWith("train/")).sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void lossAndGradientsMatchTheOriginalInFloat64(String name) throws IOException {
        JsonObject c = ParityFixtures.cases().getAsJsonObject(name);
        ModelWeights weights = ParityFixtures.weights(c);
        ModelConfig config = weights.config();
        Path dir = ParityFixtures.root().resolve(name);
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Image hr = NpyArray.read(dir.resolve("hr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        int sf = c.get("sf").getAsInt();
        float sigma = (float) (c.get("sigma").getAsDouble() / 255);
        JsonObject norms = c.getAsJsonObject("grad_norms");
        for (int run = 1; run <= 2; run++) {
            try (NDManager m = manager.newSubManager()) {
                UsrnetTrainingBlock block = new UsrnetTrainingBlock(config);
                block.initialize(m);
                block.setWeights(weights.stateDict());
                Map<String, Parameter> parameters = block.stateDictParameters();
                double loss;
                try (NDManager scope = m.newSubManager();
                        GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    NDArray y = scope.create(lr.toArray(), new Shape(1, 3, lr.height(), lr.width()));
                    NDArray target = scope.create(hr.toArray(), new Shape(1, 3, hr.height(), hr.width()));
                    NDArray out = block.restore(new ParameterStore(scope, false), y, List.of(k), sf,
                            scope.create(new float[] {sigma}), true);
                    NDArray l1 = out.sub(target).abs().mean();
                    loss = l1.getFloat();
                    List<ByteBuffer> garbage = FreedMemory.collectAndRefillWithNaN();
                    gc.backward(l1);
                    garbage.clear();
                }
                String what = name + " " + config + " run " + run;
                assertThat(loss).as("loss, " + what).isCloseTo(c.get("loss").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-6));
                for (Map.Entry<String, JsonElement> e : norms.entrySet()) {
                    float[] g = parameters.get(e.getKey()).getArray().getGradient().toFloatArray();
                    double norm = 0;
                    for (float v : g) {
                        norm += (double) v * v;
                    }
                    norm = Math.sqrt(norm);
                    double expected = e.getValue().getAsDouble();
                    assertThat(Math.abs(norm - expected)).as("|grad %s| = %s vs %s, %s", e.getKey(), norm, expected,
                            what).isLessThanOrEqualTo(1e-5 * expected + 1e-9);
                }
                for (JsonElement full : c.getAsJsonArray("grads_in_full")) {
                    String p = full.getAsString();
                    float[] g = parameters.get(p).getArray().getGradient().toFloatArray();
                    double[] expected = NpyArray.read(dir.resolve(p + ".grad64.npy")).toDoubles();
                    double scale = 0;
                    double worst = 0;
                    for (int i = 0; i < g.length; i++) {
                        scale = Math.max(scale, Math.abs(expected[i]));
                        worst = Math.max(worst, Math.abs(g[i] - expected[i]));
                    }
                    assertThat(worst).as("max |grad %s - reference| (largest %s), %s", p, scale, what)
                            .isLessThanOrEqualTo(1e-5 * scale);
                }
            }
        }
    }
}
