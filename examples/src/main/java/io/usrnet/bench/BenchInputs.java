package io.usrnet.bench;

import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.core.weights.StateDict;
import io.usrnet.core.weights.Tensor;
import io.usrnet.data.Image;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random inputs shared by the benchmarks (timing does not depend on the values). */
final class BenchInputs {
    private BenchInputs() {
    }

    /** An image of uniform random samples in [0, 1). */
    static Image randomImage(int c, int h, int w, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[c * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble();
        }
        return Image.wrap(c, h, w, v);
    }

    /** Seeded random weights for {@code config} (uniform ±1/sqrt(fan-in), PyTorch's default scale). */
    static ModelWeights randomWeights(ModelConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : config.tensorShapes().entrySet()) {
            int[] shape = e.getValue();
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            int fanIn = shape.length > 1 ? size / shape[0] : shape[0];
            double bound = 1 / Math.sqrt(fanIn);
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            tensors.put(e.getKey(), Tensor.wrap(shape, v));
        }
        return ModelWeights.of(new StateDict(tensors, config.toMetadata()));
    }
}
