package io.usrnet.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.usrnet.prior.PriorEngine;
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
 * The engine's fp32 matrix product of two random {@code n}×{@code n} matrices, the peak that
 * {@link PriorBenchmark}'s passes are compared with: GFLOP/s = 2n³ / 1e9 / seconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class MatMulBenchmark {
    /** Side of the matrices. */
    @Param("2048")
    public int n;

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    /** Makes the two matrices. */
    @Setup
    public void setUp() {
        PriorEngine.ensureOffline();
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        a = manager.randomUniform(-1, 1, new Shape(n, n));
        b = manager.randomUniform(-1, 1, new Shape(n, n));
    }

    /** Frees the native memory. */
    @TearDown
    public void tearDown() {
        if (manager != null) {
            manager.close();
        }
    }

    /** One product; reading an element forces completion. */
    @Benchmark
    public float matMul() {
        try (NDManager call = manager.newSubManager()) {
            NDArray c = a.matMul(b);
            c.attach(call);
            return c.getFloat(0, 0);
        }
    }
}
