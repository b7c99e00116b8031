package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Access to the reference fixtures (the repository's test-data/fixtures) and small numeric helpers for the tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The reference fixtures' folder, test-data/fixtures (surefire passes test-data as usrnet.testdata). */
    public static Path root() {
        String testData = System.getProperty("usrnet.testdata");
        assertThat(testData).as("system property usrnet.testdata (set by surefire)").isNotNull();
        return Path.of(testData, "fixtures");
    }

    static Image image(Path file) {
        try {
            return NpyArray.read(file).toImage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Kernel kernel(Path file) {
        try {
            return NpyArray.read(file).toKernel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of the manifest entry {@code "caseKey": {...}} (entries hold no nested objects). */
    private static String manifestEntry(String caseKey) {
        try {
            String json = Files.readString(root().resolve("manifest.json"));
            int start = json.indexOf("\"" + caseKey + "\"");
            assertThat(start).as("manifest entry " + caseKey).isGreaterThanOrEqualTo(0);
            return json.substring(start, json.indexOf('}', start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first group of {@code regex} in the manifest entry of {@code caseKey}. */
    private static String manifestField(String caseKey, String field, String regex) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*" + regex).matcher(manifestEntry(caseKey));
        assertThat(m.find()).as(field + " of " + caseKey).isTrue();
        return m.group(1);
    }

    /** The number following {@code "field":} inside the manifest entry {@code "caseKey": {...}}. */
    static double manifestNumber(String caseKey, String field) {
        return Double.parseDouble(manifestField(caseKey, field, "([-+0-9.eE]+)"));
    }

    /** The numbers of the array {@code "field": [...]} inside the manifest entry {@code "caseKey": {...}}. */
    static double[] manifestArray(String caseKey, String field) {
        return java.util.Arrays.stream(manifestField(caseKey, field, "\\[([^\\]]*)\\]").split(","))
                .map(String::trim).mapToDouble(Double::parseDouble).toArray();
    }

    /** A reproducible image with samples uniform in [0, 1). */
    static Image random(int c, int h, int w, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] d = new float[c * h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextFloat();
        }
        return Image.wrap(c, h, w, d);
    }

    /** A reproducible kernel with taps uniform in [lo, hi). */
    static Kernel randomKernel(int h, int w, double lo, double hi, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] v = new double[h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return Kernel.of(h, w, v);
    }

}
