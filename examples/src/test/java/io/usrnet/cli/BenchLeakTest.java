package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code usrnet bench leak} runs and prints RSS and heap after a tenth, half and all restorations. */
class BenchLeakTest {
    @Test
    void benchLeakPrintsMemoryAfterATenthHalfAndAll() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        CliTestSupport.Run r;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            r = run("bench", "leak", 10);
        } finally {
            System.setOut(stdout);
        }
        assertThat(r.exitCode()).as(r.err()).isZero();
        String out = printed.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("leak benchmark: 10 restorations").contains("RSS (MB)").contains("heap used (MB)")
                .containsPattern("(?m)^ +1 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("(?m)^ +5 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("(?m)^ +10 +[0-9.]+ +[0-9.]+ +[0-9.]+$")
                .containsPattern("growth from restore 1 to 10: RSS [-+][0-9.]+ MB, heap [-+][0-9.]+ MB");
        assertThat(run("bench", "leak", 5).err()).contains("bench leak needs at least 10 restorations, got 5");
    }
}
