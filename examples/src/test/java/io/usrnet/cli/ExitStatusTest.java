package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exit statuses the top-level help documents, and that each kind of failure gets its own. */
class ExitStatusTest extends WithSmallInputs {
    /** A valid solve with {@code option} set to {@code value} (replaced, or added if not there). */
    private CliTestSupport.Run solve(String option, Object value) {
        List<Object> args = new ArrayList<>(List.of("solve", "--input", y, "--kernel", k, "--scale", 2, "--alpha", 0.1,
                "--output", dir.resolve("z.png")));
        int at = args.indexOf(option);
        if (at < 0) {
            args.add(option);
            args.add(value);
        } else {
            args.set(at + 1, value);
        }
        return run(args.toArray());
    }

    @Test
    void helpDocumentsTheExitStatuses() {
        String help = run("--help").out();
        assertThat(help).contains("Exit status:").containsPattern("(?m)^ +0 +success$")
                .containsPattern("(?m)^ +1 +bad input or a failed run")
                .containsPattern("(?m)^ +2 +bad usage: an unknown command or option, a missing required option");
        assertThat(UsrnetCli.EXIT_FAILURE).isEqualTo(1);
        assertThat(UsrnetCli.EXIT_USAGE).isEqualTo(2);
    }

    @Test
    void usageErrorsExitWith2AndAHelpHint() {
        CliTestSupport.Run[] usage = {
            solve("--no-such-option", 1),                                            // unknown option
            run("solve", "--input", y, "--kernel", k, "--scale", 2, "--alpha", 0.1), // no --output
            solve("--scale", "two"),                                                 // a value of the wrong type
            run("frobnicate"),                                                       // unknown command
            run()};                                                                  // no command
        for (CliTestSupport.Run r : usage) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(UsrnetCli.EXIT_USAGE);
            assertThat(r.err()).contains("--help' for more information");
        }
    }

    @Test
    void badInputAndFailedRunsExitWith1() throws IOException {
        Path corrupt = dir.resolve("corrupt.png");
        Files.writeString(corrupt, "not a png");
        CliTestSupport.Run[] failures = {
            solve("--input", dir.resolve("missing.png")), // missing input file
            solve("--input", corrupt),                    // invalid file
            solve("--alpha", -1)};                        // invalid value
        for (CliTestSupport.Run r : failures) {
            assertThat(r.exitCode()).as(r.err()).isEqualTo(UsrnetCli.EXIT_FAILURE);
            assertThat(r.err()).startsWith("usrnet: error: ");
        }
        assertThat(solve("--alpha", 0.1).exitCode()).isZero();
    }
}
