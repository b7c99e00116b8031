package io.usrnet.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parity fixtures of issue 11 ({@code test-data/parity}, made by
 * training/device/make_parity_fixtures.py): their folder, manifest and models.
 */
public final class ParityFixtures {
    private ParityFixtures() {
    }

    /** The folder of the fixtures. */
    public static Path root() {
        return TestData.PARITY;
    }

    /** The cases of the manifest, by name ({@code restore/case00}, {@code train/case00}, ...). */
    public static JsonObject cases() {
        try {
            return JsonParser.parseString(Files.readString(root().resolve("manifest.json"))).getAsJsonObject()
                    .getAsJsonObject("cases");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model of a case: its configuration with the weights regenerated from its seed. */
    public static ModelWeights weights(JsonObject c) {
        JsonArray nc = c.getAsJsonArray("nc");
        int[] widths = new int[nc.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = nc.get(i).getAsInt();
        }
        ModelConfig config = ModelConfig.of(c.get("n_iter").getAsInt(), c.get("h_nc").getAsInt(), 4, 3, widths,
                c.get("nb").getAsInt());
        return ModelWeights.random(config, c.get("seed").getAsLong());
    }
}
