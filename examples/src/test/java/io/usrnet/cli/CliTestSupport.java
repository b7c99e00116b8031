package io.usrnet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * Runs the CLI in-process and captures what it prints; where the tests' input files are (the
 * repository's test-data/ and samples/, passed by surefire as system properties; see the parent pom).
 */
final class CliTestSupport {
    /** The reference fixtures of the original implementation. */
    static final Path FIXTURES = folder("usrnet.testdata").resolve("fixtures");
    /** Trimmed copies of the public data sets: kernels, eval crops, a few training images. */
    static final Path DATA = folder("usrnet.testdata").resolve("data");
    /** TIFF files written by other tools (test-data/tiff/README.md). */
    static final Path TIFF = folder("usrnet.testdata").resolve("tiff");
    /** The quick start's files: Set5 butterfly.png and the paper's kernels_12.mat. */
    static final Path SAMPLES = folder("usrnet.samples");
    /** The paper's 12 Table-1 kernels. */
    static final String KERNELS_12 = SAMPLES.resolve("kernels_12.mat").toString();

    private CliTestSupport() {
    }

    private static Path folder(String property) {
        String dir = System.getProperty(property);
        if (dir == null) {
            throw new IllegalStateException("system property " + property + " is not set (surefire sets it)");
        }
        return Path.of(dir);
    }

    /** Result of one CLI run. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = String.valueOf(args[i]);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsrnetCli.run(a, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }
}
