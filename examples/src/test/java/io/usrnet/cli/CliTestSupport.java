package io.usrnet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the CLI in-process and captures what it prints. */
final class CliTestSupport {
    static final Path SHARED = Path.of(System.getProperty("usrnet.shared"));
    static final Path FIXTURES = SHARED.resolve("fixtures");

    private CliTestSupport() {
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
