package io.usrnet.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.sun.management.OperatingSystemMXBean;
import io.usrnet.prior.PriorEngine;
import io.usrnet.prior.ResUNet;
import io.usrnet.prior.ResUNetConfig;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times one ResUNet pass (the prior of one USRNet iteration) for the tiny and the full
 * configuration at HR 256×256 and 512×512 with random weights, and the engine's fp32 matrix
 * product peak for comparison. Not a test; run it with
 *
 * <pre>
 * mvn -q -B package -DskipTests -pl examples -am
 * java -Dai.djl.offline=true -cp "examples/target/usrnet-examples.jar:examples/target/lib/*" \
 *     io.usrnet.bench.PriorBenchmark [repeats]
 * </pre>
 *
 * <p>Each figure is the median of {@code repeats} (default 5) timed runs after 2 warm-up runs, with
 * the best run beside it, plus the process CPU time: on a shared machine the wall-clock figures
 * vary with the load, while GFLOP per CPU-second (with one intra-op thread, which does not spin)
 * measures the efficiency of the computation itself. The "peak" is the median wall-clock GFLOP/s
 * of a 2048×2048 fp32 matrix product through the same engine.
 * GFLOP of a pass = 2 · MACs per pixel ({@link ResUNetConfig#macsPerPixel()}) · pixels / 1e9.
 * Set {@code -Dai.djl.pytorch.num_threads=N} to change PyTorch's intra-op thread count. With
 * glibc's default allocator every tensor above 32 MB is a fresh {@code mmap} (page faults cost about
 * a fifth of a full 512×512 pass); the environment
 * {@code MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736} keeps freed memory
 * for reuse instead.
 */
public final class PriorBenchmark {
    private PriorBenchmark() {
    }

    /**
     * Runs the benchmark and prints one line per measurement.
     *
     * @param args optional: number of timed repeats (default 5), the configurations (default
     *     {@code tiny,full}), the square HR sizes (default {@code 256,512})
     */
    public static void main(String[] args) {
        PriorEngine.ensureOffline();
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Engine engine = Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "engine %s %s, %d available processors, PyTorch intra-op threads %d, "
                + "inter-op threads %d%n", engine.getEngineName(), engine.getVersion(),
                Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());

        double peak = matmulPeak(2048, repeats);

        List<String> configs = List.of((args.length > 1 ? args[1] : "tiny,full").split(","));
        int[] sizes = Arrays.stream((args.length > 2 ? args[2] : "256,512").split(","))
                .mapToInt(Integer::parseInt).toArray();
        if (args.length <= 2) {
            // small input: dominated by per-call and per-operator overhead
            run("tiny", ResUNetConfig.USRNET_TINY, 32, 20 * repeats, peak);
        }
        for (int size : sizes) {
            if (configs.contains("tiny")) {
                run("tiny", ResUNetConfig.USRNET_TINY, size, repeats, peak);
            }
            if (configs.contains("full")) {
                run("full", ResUNetConfig.USRNET, size, repeats, peak);
            }
        }
    }

    private static void run(String name, ResUNetConfig config, int size, int repeats, double peak) {
        float[] image = BenchInputs.randomImage(3, size, size, 1).toArray();
        float[] out = new float[3 * size * size];
        try (ResUNet net = ResUNet.random(config, 0)) {
            Times t = time(() -> net.denoise(image, 3, size, size, 0.05f, out), repeats);
            double gflop = 2 * config.macsPerPixel() * size * size / 1e9;
            System.out.printf(Locale.ROOT, "ResUNet %s %s %dx%d: %.2f GFLOP, wall %.2f ms (median of %d; min %.2f)"
                    + " = %.1f GFLOP/s (best %.1f) = %.0f%% of the matMul peak (best %.0f%%); process CPU %.2f ms"
                    + " = %.1f GFLOP per CPU-second%n", name, Arrays.toString(config.widths()), size, size, gflop,
                    t.medianWall(), repeats, t.minWall(), gflop / t.medianWall() * 1e3, gflop / t.minWall() * 1e3,
                    100 * gflop / t.medianWall() * 1e3 / peak, 100 * gflop / t.minWall() * 1e3 / peak,
                    t.medianCpu(), gflop / t.medianCpu() * 1e3);
        }
    }

    private static double matmulPeak(int n, int repeats) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            Times t = time(() -> {
                try (NDManager call = manager.newSubManager()) {
                    NDArray c = a.matMul(b);
                    c.attach(call);
                    c.getFloat(0, 0); // force completion
                }
            }, repeats);
            double gflop = 2.0 * n * n * n / 1e9;
            System.out.printf(Locale.ROOT, "fp32 matMul %dx%d: wall %.2f ms (median of %d; min %.2f) = %.1f GFLOP/s "
                    + "(best %.1f); process CPU %.2f ms = %.1f GFLOP per CPU-second%n", n, n, t.medianWall(), repeats,
                    t.minWall(), gflop / t.medianWall() * 1e3, gflop / t.minWall() * 1e3, t.medianCpu(),
                    gflop / t.medianCpu() * 1e3);
            return gflop / t.medianWall() * 1e3;
        }
    }

    /** Wall-clock and process CPU milliseconds of the timed runs. */
    private record Times(double[] wall, double[] cpu) {
        double medianWall() {
            return Timing.median(wall);
        }

        double minWall() {
            return Arrays.stream(wall).min().orElse(Double.NaN);
        }

        double medianCpu() {
            return Timing.median(cpu);
        }
    }

    private static Times time(Runnable task, int repeats) {
        for (int i = 0; i < 2; i++) {
            task.run();
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] wall = new double[repeats];
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            task.run();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e6;
        }
        return new Times(wall, cpu);
    }
}
