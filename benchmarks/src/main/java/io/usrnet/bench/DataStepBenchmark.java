package io.usrnet.bench;

import io.usrnet.data.DataStep;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The closed-form data step: its precomputation ({@link DataStep#prepare}) and one step
 * ({@link DataStep#step(float[], double, float[])}, α = 0.1) for random 3-channel HR images of
 * {@code size}² at scale 4 with a 25×25 Gaussian kernel (width 2.0), on the calling thread only
 * ({@code threads=1}) or with the common fork-join pool ({@code threads=pool}: the calling thread and
 * the pool's, all cores).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class DataStepBenchmark {
    static final int SCALE = 4;

    /** HR side; the LR image is {@code size / 4} squared. */
    @Param({"512", "1024"})
    public int size;

    /** {@code 1}: the calling thread only; {@code pool}: the common fork-join pool too. */
    @Param({"1", "pool"})
    public String threads;

    private final Kernel kernel = Kernels.gaussian(25, 2.0);
    private boolean parallel;
    private Image y;
    private float[] x;
    private float[] out;
    private DataStep step;

    /** Makes the LR image, an HR estimate and a prepared data step. */
    @Setup
    public void setUp() {
        if (!threads.equals("1") && !threads.equals("pool")) {
            throw new IllegalArgumentException("threads is 1 or pool, got " + threads);
        }
        parallel = threads.equals("pool");
        y = BenchInputs.randomImage(3, size / SCALE, size / SCALE, 1);
        x = BenchInputs.randomImage(3, size, size, 2).toArray();
        out = new float[x.length];
        step = DataStep.prepare(kernel, SCALE, y, parallel);
    }

    /** The precomputation: the kernel's spectrum and the LR image's. */
    @Benchmark
    public DataStep prepare() {
        return DataStep.prepare(kernel, SCALE, y, parallel);
    }

    /** One step from the HR estimate x. */
    @Benchmark
    public float[] step() {
        step.step(x, 0.1, out);
        return out;
    }
}
