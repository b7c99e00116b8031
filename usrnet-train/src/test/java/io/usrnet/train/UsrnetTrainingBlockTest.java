package io.usrnet.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.TestData;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.core.weights.Tensor;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.NpyArray;
import io.usrnet.hyper.HyperNetwork;
import io.usrnet.hyper.Schedule;
import io.usrnet.prior.djl.DjlRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainable unfolded network and hyper-network against the inference path and the reference fixtures. */
class UsrnetTrainingBlockTest extends EngineTestBase {
    private static final Path FIXTURES = TestData.FIXTURES;

    private static UsrnetTrainingBlock load(ModelWeights weights, NDManager m) {
        UsrnetTrainingBlock block = new UsrnetTrainingBlock(weights.config());
        block.initialize(m);
        block.setWeights(weights.stateDict());
        return block;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void hyperBlockEqualsHyperNetworkAndWeightsRoundTrip(String name) throws IOException {
        ModelWeights weights = ModelWeights.read(FIXTURES.resolve("weights/" + name + ".safetensors"));
        HyperNetwork plain = weights.hyperNetwork();
        double[] sigmas255 = {0, 1, 2.55, 7.65, 15, 25, 50};
        try (NDManager m = manager.newSubManager()) {
            UsrnetTrainingBlock block = load(weights, m);
            ParameterStore ps = new ParameterStore(m, false);
            double worst = 0;
            for (int s = 1; s <= 4; s++) {
                float[] sig = new float[sigmas255.length];
                for (int i = 0; i < sig.length; i++) {
                    sig[i] = (float) (sigmas255[i] / 255);
                }
                float[] ab = block.schedule(ps, m.create(sig), s, false).toFloatArray();
                int n = plain.iterations();
                for (int i = 0; i < sig.length; i++) {
                    Schedule expected = plain.schedule(sigmas255[i], s);
                    for (int j = 0; j < n; j++) {
                        worst = Math.max(worst, relDiff(ab[i * 2 * n + j], expected.alpha(j)));
                        worst = Math.max(worst, relDiff(ab[i * 2 * n + n + j], expected.beta(j)));
                    }
                }
            }
            assertThat(worst).as("max relative difference").isLessThan(1e-6);

            // export gives back exactly the loaded tensors, in the original layout and order
            ModelWeights exported = block.toWeights(Map.of("source", "test"));
            assertThat(exported.config()).isEqualTo(weights.config());
            assertThat(exported.stateDict().names()).containsExactlyElementsOf(weights.config().tensorShapes().keySet());
            for (Map.Entry<String, Tensor> e : weights.stateDict().tensors().entrySet()) {
                assertThat(exported.stateDict().get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(exported.stateDict().metadata()).containsEntry("source", "test").containsEntry("n_iter",
                    Integer.toString(weights.config().iterations()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"case00", "case01", "case02", "case03", "case04"})
    void forwardEqualsTheReference(String name) throws IOException {
        JsonObject c = JsonParser.parseString(Files.readString(FIXTURES.resolve("manifest.json"))).getAsJsonObject()
                .getAsJsonObject("cases").getAsJsonObject("usrnet/" + name);
        Path dir = FIXTURES.resolve("usrnet").resolve(name);
        ModelWeights weights = ModelWeights.read(FIXTURES.resolve(c.get("weights").getAsString() + ".safetensors"));
        Image lr = NpyArray.read(dir.resolve("lr.npy")).toImage();
        Kernel k = NpyArray.read(dir.resolve("k.npy")).toKernel();
        Image expected = NpyArray.read(dir.resolve("out64.npy")).toImage();
        int sf = c.get("sf").getAsInt();
        float sigma = (float) (c.get("sigma").getAsDouble() / 255);
        boolean grad = DjlRuntime.setGradMode(false); // inference: no autograd graph
        try (NDManager m = manager.newSubManager()) {
            UsrnetTrainingBlock block = load(weights, m);
            NDArray y = m.create(lr.toArray(), new Shape(1, lr.channels(), lr.height(), lr.width()));
            NDArray out = block.restore(new ParameterStore(m, false), y, List.of(k), sf, m.create(new float[] {sigma}),
                    false);
            assertThat(out.getShape()).isEqualTo(new Shape(1, 3, expected.height(), expected.width()));
            // as close to the float64 reference as the inference path (measured: at most 3.3e-7)
            assertThat(DjlDataStepTest.maxAbsDiff(out.toFloatArray(), expected.toArray())).isLessThanOrEqualTo(1e-5);
        } finally {
            DjlRuntime.setGradMode(grad);
        }
    }

    private static double relDiff(float got, double expected) {
        return Math.abs(got - expected) / Math.max(Math.abs(expected), 1e-30);
    }
}
