package io.usrnet.bench;

import io.usrnet.prior.Precision;
import io.usrnet.prior.PriorEngine;
import io.usrnet.prior.ResUNet;
import io.usrnet.prior.ResUNetConfig;
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
 * One ResUNet pass (the prior of one USRNet iteration, β = 0.05) with seeded random weights, on a random
 * 3-channel image: the tiny configuration (16-32-64-64) at 32² (dominated by per-call and per-operator
 * overhead), 256² and 512², the full one (64-128-256-512) at 256² and 512², each in fp32 and bf16
 * ({@link Precision}; bf16 refuses to run on CPUs without bfloat16 instructions). GFLOP of a pass =
 * 2 · {@link ResUNetConfig#macsPerPixel()} · pixels / 1e9; {@link MatMulBenchmark} gives the engine's
 * fp32 peak to compare with. PyTorch's intra-op threads: its default (all cores), or
 * {@code -jvmArgsAppend -Dai.djl.pytorch.num_threads=N}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class PriorBenchmark {
    /** Configuration and HR side, {@code tiny-SIZE} or {@code full-SIZE}. */
    @Param({"tiny-32", "tiny-256", "tiny-512", "full-256", "full-512"})
    public String net;

    /** The convolutions' arithmetic ({@link Precision}): {@code fp32}, or {@code bf16} where the CPU has it. */
    @Param({"fp32", "bf16"})
    public String precision;

    private ResUNet resUNet;
    private int size;
    private float[] image;
    private float[] out;

    /** Builds the network with random weights and the input. */
    @Setup
    public void setUp() {
        PriorEngine.ensureOffline();
        ResUNetConfig config = config(BenchInputs.model(net));
        size = BenchInputs.size(net);
        image = BenchInputs.randomImage(3, size, size, 1).toArray();
        out = new float[image.length];
        Precision p = Precision.parse(precision);
        if (!p.isSupported()) {
            throw new IllegalStateException(precision + ": " + Precision.bf16Unsupported()
                    + "; run with -p precision=fp32");
        }
        resUNet = ResUNet.create(config, ResUNet.randomParameters(config, 0), p);
    }

    /** Frees the network's native memory. */
    @TearDown
    public void tearDown() {
        if (resUNet != null) {
            resUNet.close();
        }
    }

    /** One pass. */
    @Benchmark
    public float[] denoise() {
        resUNet.denoise(image, 3, size, size, 0.05f, out);
        return out;
    }

    static ResUNetConfig config(String model) {
        return model.equals("tiny") ? ResUNetConfig.USRNET_TINY : ResUNetConfig.USRNET;
    }
}
