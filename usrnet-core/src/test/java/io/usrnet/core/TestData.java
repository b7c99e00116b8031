package io.usrnet.core;

import java.nio.file.Path;

/**
 * Where the tests' input files are: the repository's {@code test-data/} (reference fixtures and
 * trimmed copies of the public data sets) and {@code samples/} (the quick start's image and kernels).
 * Surefire passes both folders as system properties (see the parent pom), so the tests need nothing
 * outside the repository; each folder's README says where its files come from.
 */
public final class TestData {
    /** The reference fixtures of the original implementation ({@code test-data/fixtures}). */
    public static final Path FIXTURES = folder("usrnet.testdata").resolve("fixtures");
    /** The two random models of the fixtures, {@code tiny} and {@code odd}, as .pth and .safetensors. */
    public static final Path WEIGHTS = FIXTURES.resolve("weights");
    /** The fixtures' {@code tiny} model (6 iterations) as .safetensors. */
    public static final Path TINY_WEIGHTS = WEIGHTS.resolve("tiny.safetensors");
    /** The whole-restore and training parity fixtures of odd-width models ({@code test-data/parity}). */
    public static final Path PARITY = folder("usrnet.testdata").resolve("parity");
    /** Trimmed copies of the public data sets ({@code test-data/data}: kernels, eval crops, train). */
    public static final Path DATA = folder("usrnet.testdata").resolve("data");
    /** TIFF files written by tifffile, libtiff, OpenCV and ImageJ, with references (test-data/tiff/README.md). */
    public static final Path TIFF = folder("usrnet.testdata").resolve("tiff");
    /** The quick start's files ({@code samples/}): Set5 butterfly.png and the paper's kernels_12.mat. */
    public static final Path SAMPLES = folder("usrnet.samples");
    /** The paper's 12 Table-1 kernels (MATLAB v5, variable {@code kernels}). */
    public static final String KERNELS_12 = SAMPLES.resolve("kernels_12.mat").toString();

    private TestData() {
    }

    private static Path folder(String property) {
        String dir = System.getProperty(property);
        if (dir == null) {
            throw new IllegalStateException("system property " + property + " is not set (surefire sets it)");
        }
        return Path.of(dir);
    }
}
