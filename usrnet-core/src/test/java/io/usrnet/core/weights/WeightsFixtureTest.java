package io.usrnet.core.weights;

import static io.usrnet.core.weights.TorchFiles.FIXTURES;
import static io.usrnet.core.weights.TorchFiles.WEIGHTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.hyper.HyperNetwork;
import io.usrnet.hyper.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference weights: both formats agree bit for bit, the configuration and the hyper-network match. */
class WeightsFixtureTest {

    private static JsonObject manifestEntry(String model) throws IOException {
        JsonObject manifest = JsonParser.parseString(Files.readString(FIXTURES.resolve("manifest.json")))
                .getAsJsonObject();
        return manifest.getAsJsonObject("cases").getAsJsonObject("weights/" + model);
    }

    private static ModelConfig manifestConfig(String model) throws IOException {
        JsonObject c = manifestEntry(model).getAsJsonObject("config");
        JsonArray nc = c.getAsJsonArray("nc");
        int[] widths = new int[nc.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = nc.get(i).getAsInt();
        }
        return ModelConfig.of(c.get("n_iter").getAsInt(), c.get("h_nc").getAsInt(), c.get("in_nc").getAsInt(),
                c.get("out_nc").getAsInt(), widths, c.get("nb").getAsInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void pthAndSafetensorsHoldIdenticalTensors(String model) throws IOException {
        StateDict pth = PthReader.read(WEIGHTS.resolve(model + ".pth"));
        StateDict st = SafeTensors.read(WEIGHTS.resolve(model + ".safetensors"));
        assertThat(new ArrayList<>(pth.names())).containsExactlyElementsOf(st.names());
        for (String name : st.names()) {
            // Tensor.equals compares shapes and the float bits (Arrays.equals(float[], float[])).
            assertThat(pth.get(name)).as(name).isEqualTo(st.get(name));
        }
        assertThat(pth.metadata()).isEmpty();
        assertThat(WeightFiles.read(WEIGHTS.resolve(model + ".pth")).tensors()).isEqualTo(pth.tensors());
        assertThat(WeightFiles.read(WEIGHTS.resolve(model + ".safetensors")).tensors()).isEqualTo(st.tensors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void configurationMatchesManifestWhetherReadOrInferred(String model) throws IOException {
        ModelConfig expected = manifestConfig(model);
        long params = manifestEntry(model).get("params").getAsLong();
        assertThat(params).isEqualTo(model.equals("tiny") ? 590332 : 61854);

        StateDict pth = PthReader.read(WEIGHTS.resolve(model + ".pth"));
        StateDict st = SafeTensors.read(WEIGHTS.resolve(model + ".safetensors"));
        StateDict stripped = new StateDict(st.tensors(), Map.of());

        assertThat(ModelConfig.of(pth)).isEqualTo(expected);            // no metadata: inferred
        assertThat(ModelConfig.of(st)).isEqualTo(expected);             // from the header metadata
        assertThat(ModelConfig.of(stripped)).isEqualTo(expected);       // metadata removed: inferred
        assertThat(ModelConfig.inferFrom(st)).isEqualTo(expected);
        assertThat(ModelConfig.fromMetadata(st.metadata())).isEqualTo(expected);
        assertThat(expected.toMetadata()).isEqualTo(st.metadata());

        assertThat(expected.parameterCount()).isEqualTo(params);
        assertThat(pth.tensors().values().stream().mapToLong(Tensor::size).sum()).isEqualTo(params);
        assertThat(pth.names()).hasSize(expected.tensorShapes().size());
        assertThat(new ArrayList<>(expected.tensorShapes().keySet())).containsExactlyElementsOf(pth.names());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void hyperNetworkReproducesReferenceSchedules(String model) throws IOException {
        JsonArray cases = JsonParser.parseString(Files.readString(FIXTURES.resolve("hypanet/cases.json")))
                .getAsJsonObject().getAsJsonArray(model);
        assertThat(cases).hasSize(6);
        for (String ext : List.of(".pth", ".safetensors")) {
            HyperNetwork net = ModelWeights.read(WEIGHTS.resolve(model + ext)).hyperNetwork();
            int checked = 0;
            for (JsonElement e : cases) {
                JsonObject c = e.getAsJsonObject();
                double sigma = c.get("sigma").getAsDouble();
                int sf = c.get("sf").getAsInt();
                Schedule s = net.schedule(sigma, sf);
                JsonArray alpha = c.getAsJsonArray("alpha");
                JsonArray beta = c.getAsJsonArray("beta");
                assertThat(s.iterations()).isEqualTo(alpha.size()).isEqualTo(beta.size());
                for (int i = 0; i < s.iterations(); i++) {
                    String where = model + ext + " sigma=" + sigma + " sf=" + sf + " i=" + i;
                    assertRelative(where + " alpha", s.alpha(i), alpha.get(i).getAsDouble());
                    assertRelative(where + " beta", s.beta(i), beta.get(i).getAsDouble());
                    checked += 2;
                }
            }
            assertThat(checked).isEqualTo(6 * 2 * (model.equals("tiny") ? 6 : 3));
        }
    }

    private static void assertRelative(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(1e-6 * Math.abs(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "odd"})
    void priorParametersAreThePTensorsWithoutPrefix(String model) throws IOException {
        ModelWeights w = ModelWeights.read(WEIGHTS.resolve(model + ".pth"));
        Map<String, float[]> prior = w.priorParameters();
        ModelConfig c = w.config();
        int blocks = c.blocks();
        // head + 3 × (2 nb + 1) + 2 nb + 3 × (1 + 2 nb) + tail
        assertThat(prior).hasSize(2 + 3 * (2 * blocks + 1) + 2 * blocks + 3 * (1 + 2 * blocks));
        assertThat(prior).containsKey("m_head.weight").containsKey("m_tail.weight").containsKey("m_up3.0.weight");
        assertThat(prior).containsKey(blocks == 1 ? "m_body.res.0.weight" : "m_body.1.res.2.weight");
        assertThat(prior.keySet()).noneMatch(k -> k.startsWith("p.") || k.startsWith("h."));
        assertThat(prior.get("m_up1.0.weight")).containsExactly(w.stateDict().get("p.m_up1.0.weight").toArray());
        prior.get("m_head.weight")[0] = 1234f;
        assertThat(w.priorParameters().get("m_head.weight")[0]).isNotEqualTo(1234f);
    }
}
