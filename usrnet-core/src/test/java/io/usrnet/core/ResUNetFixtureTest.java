package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.core.weights.SafeTensors;
import io.usrnet.core.weights.StateDict;
import io.usrnet.core.weights.Tensor;
import io.usrnet.data.io.NpyArray;
import io.usrnet.prior.ResUNet;
import io.usrnet.prior.ResUNetConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The prior alone against the reference implementation (fixtures resunet/tiny and resunet/odd). */
class ResUNetFixtureTest {
    private static final Path FIXTURES = TestData.FIXTURES;
    /** β of the constant map in the fixtures' 4th input channel (manifest.json). */
    private static final float BETA = 0.07f;

    @ParameterizedTest
    @CsvSource({"tiny, 16, 32, 64, 64, 2", "odd, 8, 16, 24, 32, 1"})
    void matchesReference(String name, int nc0, int nc1, int nc2, int nc3, int nb) throws IOException {
        ResUNetConfig config = ResUNetConfig.of(4, 3, nc0, nc1, nc2, nc3, nb);
        StateDict sd = SafeTensors.read(FIXTURES.resolve("weights").resolve(name + ".safetensors"));
        Map<String, float[]> prior = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : sd.tensors().entrySet()) {
            if (e.getKey().startsWith("p.")) {
                assertThat(e.getValue().shape()).as(e.getKey())
                        .containsExactly(config.parameterShapes().get(e.getKey().substring(2)));
                prior.put(e.getKey().substring(2), e.getValue().toArray());
            }
        }
        assertThat(prior.keySet()).containsExactlyElementsOf(config.parameterShapes().keySet());

        NpyArray in = NpyArray.read(FIXTURES.resolve("resunet").resolve(name).resolve("in.npy"));
        NpyArray ref = NpyArray.read(FIXTURES.resolve("resunet").resolve(name).resolve("out.npy"));
        int h = in.shape()[0];
        int w = in.shape()[1];
        assertThat(in.shape()).containsExactly(h, w, 4);
        assertThat(ref.shape()).containsExactly(h, w, 3);
        assertThat(h % 8 != 0 || w % 8 != 0).as("fixture exercises the padding").isTrue();
        float[] hwc = in.toFloats();
        float[] image = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    image[(c * h + y) * w + x] = hwc[(y * w + x) * 4 + c];
                }
                assertThat(hwc[(y * w + x) * 4 + 3]).isEqualTo(BETA);
            }
        }

        float[] out;
        try (ResUNet net = ResUNet.create(config, prior)) {
            out = net.denoise(image, 3, h, w, BETA);
        }
        float[] expected = ref.toFloats();
        double maxErr = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    maxErr = Math.max(maxErr, Math.abs(out[(c * h + y) * w + x] - expected[(y * w + x) * 3 + c]));
                }
            }
        }
        System.out.printf("ResUNet fixture %s (%dx%d): max abs error %.3g%n", name, h, w, maxErr);
        assertThat(maxErr).isLessThanOrEqualTo(1e-5);
    }
}
