package io.usrnet.bench;

import io.usrnet.core.Restorer;
import io.usrnet.prior.Precision;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernels;
import io.usrnet.prior.PriorEngine;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole {@link Restorer#restore} for the two cases the original PyTorch code was timed on: the
 * tiny configuration (16-32-64-64, 6 iterations) on a 128×128 input at ×4 and the full one
 * (64-128-256-512, 8 iterations) on a 64×64 input at ×4, with seeded random weights
 * ({@link ModelWeights#random}), a 25×25 Gaussian kernel (width 1.6) and σ = 2.55. (A ratio to the
 * original is measured side by side by {@code benchmarks/side-by-side.sh}.) Each restoration takes
 * seconds, so an iteration is one call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class RestoreBenchmark {
    static final int SCALE = 4;

    /** Configuration and LR side, {@code tiny-SIZE} or {@code full-SIZE}. */
    @Param({"tiny-128", "full-64"})
    public String model;

    /** The prior's arithmetic ({@link Precision}): {@code fp32}, or {@code bf16} where the CPU has it. */
    @Param({"fp32", "bf16"})
    public String precision;

    private Restorer restorer;
    private Image lr;
    private Degradation degradation;

    /** Builds the restorer with random weights and the input. */
    @Setup
    public void setUp() throws IOException {
        PriorEngine.ensureOffline();
        ModelConfig config = BenchInputs.model(model).equals("tiny") ? ModelConfig.usrnetTiny() : ModelConfig.usrnet();
        int size = BenchInputs.size(model);
        lr = BenchInputs.randomImage(3, size, size, 7);
        degradation = Degradation.of(Kernels.gaussian(25, 1.6), SCALE, 2.55);
        Precision p = Precision.parse(precision);
        if (!p.isSupported()) {
            throw new IllegalStateException(precision + ": " + Precision.bf16Unsupported()
                    + "; run with -p precision=fp32");
        }
        restorer = Restorer.builder().weights(ModelWeights.random(config, 42)).precision(p).build();
    }

    /** Frees the restorer's native memory. */
    @TearDown
    public void tearDown() {
        if (restorer != null) {
            restorer.close();
        }
    }

    /** One restoration. */
    @Benchmark
    public Image restore() {
        return restorer.restore(lr, degradation);
    }
}
