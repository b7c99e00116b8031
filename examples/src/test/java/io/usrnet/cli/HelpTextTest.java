package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every command's help, as picocli wraps it at its default width of 80 columns. */
class HelpTextTest {
    private static final String[] COMMANDS = {"", "restore", "solve", "degrade", "kernel", "bench", "eval", "train", "help"};
    /** The file extensions the help texts name. */
    private static final Pattern EXTENSION_START = Pattern.compile(
            "^(pth|mat|npy|png|tif|tiff|jpg|jpeg|txt|csv|safetensors|md)\\b.*");

    /**
     * Java's line breaking, which picocli uses, allows a break after any '.' that precedes a letter,
     * so "PyTorch .pth" can end a line with "." and start the next with "pth": nowhere may a line
     * end inside a file name's extension.
     */
    @Test
    void noLineEndsInsideAFileExtension() {
        List<String> broken = new ArrayList<>();
        for (String command : COMMANDS) {
            CliTestSupport.Run r = command.isEmpty() ? run("--help") : run(command, "--help");
            assertThat(r.exitCode()).as(command).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).as(command).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).endsWith(".") && EXTENSION_START.matcher(lines.get(i + 1).strip()).matches()) {
                    broken.add("usrnet " + command + " --help: '" + lines.get(i).strip() + "' / '"
                            + lines.get(i + 1).strip() + "'");
                }
            }
        }
        assertThat(broken).isEmpty();
    }
}
