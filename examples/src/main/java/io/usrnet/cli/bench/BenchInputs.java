package io.usrnet.cli.bench;

import io.usrnet.data.Image;
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
}
