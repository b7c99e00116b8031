package io.usrnet.cli;

import static io.usrnet.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code usrnet bench leak} runs, prints RSS and heap after a tenth, half and all restorations, and
 * shows no leak: the growth per restoration stays below what a leak of one restoration's data would add.
 */
class BenchLeakTest {
    private static final double MIB = 1 << 20;
    /**
     * Heap growth allowed per restoration, in MB: half of the smallest thing a restoration could keep,
     * its 96×96 RGB float output (96·96·3·4 B = 0.105 MB), so that keeping even that fails. The heap is
     * measured after System.gc() and printed to 0.1 MB; without a leak it does not move (measured:
     * +0.0 MB from restore 1 to 10 in this test, and from 4 to 40 in a fresh JVM). Checked: a
     * restorer that kept each result's array failed here with +1.0 MB.
     */
    static final double HEAP_MB_PER_RESTORE = 0.5 * 96 * 96 * 3 * 4 / MIB;
    /**
     * RSS growth allowed per restoration, in MB, from the half to the end (the first restorations fill
     * the allocator's and the engine's caches). Without a leak RSS moves by up to about 4.5 MB per
     * restoration (measured: +1.7 MB from restore 5 to 10 in this test; +89 MB from restore 20 to 40 in
     * a fresh JVM, the live heap unchanged: the JVM's and the allocator's own growth), so the bound is
     * twice that. A restoration that leaves its prior's activations unfreed grows it by about 8 MB per
     * ResUNet pass (tiny, 96×96: eight 16×96² maps of 0.56 MB at full size, plus the smaller levels), 6
     * passes per restoration. Checked: with the ResBlocks' intermediates and each pass's NDManager left open,
     * this failed with +278 MB from restore 5 to 10. Leaks much smaller than a pass's activations
     * hide in the allocator's free memory and are not caught by RSS.
     */
    static final double RSS_MB_PER_RESTORE = 10;

    /** One table row: restore number, RSS (MB, NaN where there is none), heap (MB). */
    private static final Pattern ROW = Pattern.compile("(?m)^ +(\\d+) +([0-9.]+|n/a) +([0-9.]+) +[0-9.]+$");

    @Test
    void benchLeakPrintsMemoryAfterATenthHalfAndAllAndShowsNoGrowth() {
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
        System.out.print(out);
        assertThat(out).contains("leak benchmark: 10 restorations").contains("RSS (MB)").contains("heap used (MB)")
                .containsPattern("growth from restore 1 to 10: RSS ([-+][0-9.]+|n/a) MB, heap [-+][0-9.]+ MB");
        Map<Integer, double[]> rows = new HashMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            double rss = m.group(2).equals("n/a") ? Double.NaN : Double.parseDouble(m.group(2));
            rows.put(Integer.parseInt(m.group(1)), new double[] {rss, Double.parseDouble(m.group(3))});
        }
        assertThat(rows).as(out).containsOnlyKeys(1, 5, 10);

        double heapGrowth = rows.get(10)[1] - rows.get(1)[1];
        assertThat(heapGrowth).as("heap growth (MB) from restore 1 to 10\n%s", out)
                .isLessThanOrEqualTo(9 * HEAP_MB_PER_RESTORE);
        double rssGrowth = rows.get(10)[0] - rows.get(5)[0];
        if (!Double.isNaN(rssGrowth)) { // Linux only
            assertThat(rssGrowth).as("RSS growth (MB) from restore 5 to 10\n%s", out)
                    .isLessThanOrEqualTo(5 * RSS_MB_PER_RESTORE);
        }
    }

    @Test
    void benchLeakNeedsTenRestorations() {
        assertThat(run("bench", "leak", 5).err()).contains("at least 10 restorations", "got 5");
    }
}
