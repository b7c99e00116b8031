package io.usrnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Image;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmarks' set-up, each benchmark method once and the tear-down, on tiny inputs (no timing):
 * what {@code benchmarks/run} would fail on is found by {@code mvn verify}. And the list that JMH's
 * annotation processor generates (META-INF/BenchmarkList) names every benchmark.
 */
class BenchmarkSetupTest {
    @Test
    void dataStepOnBothThreadSettings() {
        for (String threads : new String[] {"1", "pool"}) {
            DataStepBenchmark b = new DataStepBenchmark();
            b.size = 64;
            b.threads = threads;
            b.setUp();
            assertThat(b.prepare().hrHeight()).isEqualTo(64);
            float[] out = b.step();
            assertThat(out).hasSize(3 * 64 * 64);
            assertThat(Image.wrap(3, 64, 64, out).firstNonFinite()).isEmpty();
        }
        DataStepBenchmark b = new DataStepBenchmark();
        b.size = 64;
        b.threads = "2";
        assertThatThrownBy(b::setUp).hasMessageContaining("threads is 1 or pool, got 2");
    }

    @Test
    void priorAndMatMul() {
        PriorBenchmark p = new PriorBenchmark();
        p.net = "tiny-32";
        p.precision = "fp32";
        p.setUp();
        try {
            assertThat(p.denoise()).hasSize(3 * 32 * 32);
        } finally {
            p.tearDown();
        }
        MatMulBenchmark m = new MatMulBenchmark();
        m.n = 64;
        m.setUp();
        try {
            assertThat(Float.isFinite(m.matMul())).isTrue();
        } finally {
            m.tearDown();
        }
        PriorBenchmark bad = new PriorBenchmark();
        bad.net = "huge-32";
        assertThatThrownBy(bad::setUp).hasMessageContaining("unknown model in case huge-32");
    }

    @Test
    void restoreTinyAtFourTimes() throws IOException {
        RestoreBenchmark r = new RestoreBenchmark();
        r.model = "tiny-16";
        r.precision = "bf16"; // fp32 where the CPU lacks bfloat16: the benchmark refuses then
        if (!Precision.BF16.isSupported()) {
            assertThatThrownBy(r::setUp).hasMessageContaining("-p precision=fp32");
            r.precision = "fp32";
        }
        r.setUp();
        try {
            Image hr = r.restore();
            assertThat(hr.height()).isEqualTo(64);
            assertThat(hr.width()).isEqualTo(64);
        } finally {
            r.tearDown();
        }
    }

    @Test
    void jmhListsEveryBenchmark() {
        OutputFormat quiet = OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT);
        assertThat(BenchmarkList.defaultList().getAll(quiet, List.of())).extracting(BenchmarkListEntry::getUsername)
                .containsExactlyInAnyOrder("io.usrnet.bench.DataStepBenchmark.prepare",
                        "io.usrnet.bench.DataStepBenchmark.step", "io.usrnet.bench.PriorBenchmark.denoise",
                        "io.usrnet.bench.MatMulBenchmark.matMul", "io.usrnet.bench.RestoreBenchmark.restore");
    }
}
