package io.usrnet.bench;

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

    /** The number after the dash of a case name such as {@code tiny-128}. */
    static int size(String name) {
        return Integer.parseInt(name.substring(name.indexOf('-') + 1));
    }

    /** The model of a case name such as {@code tiny-128}: {@code tiny} or {@code full}. */
    static String model(String name) {
        String model = name.substring(0, name.indexOf('-'));
        if (!model.equals("tiny") && !model.equals("full")) {
            throw new IllegalArgumentException("unknown model in case " + name + ": tiny or full");
        }
        return model;
    }
}
