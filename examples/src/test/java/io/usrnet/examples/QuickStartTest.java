package io.usrnet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's Java quick start quotes QuickStart.java's iteration listener as it is. */
class QuickStartTest {
    private static final Pattern LISTENER = Pattern.compile("\\.listener\\(it -> .*?\\)\\)", Pattern.DOTALL);

    @Test
    void readmeQuotesTheListenerOfQuickStart() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent(); // surefire runs in the module folder
        String readme = Files.readString(root.resolve("README.md"));
        String java = Files.readString(root.resolve("examples/src/main/java/io/usrnet/examples/QuickStart.java"));
        String quoted = listener(readme.substring(readme.indexOf("## Quick start: Java")));
        assertThat(quoted).isEqualTo(listener(java));
        // α is small (about 1e-3 at σ = 2.55): significant digits, not a fixed number of decimals
        assertThat(quoted).contains("alpha=%.3g");
    }

    private static String listener(String text) {
        Matcher m = LISTENER.matcher(text);
        assertThat(m.find()).isTrue();
        return m.group().replaceAll("\\s+", " ");
    }
}
