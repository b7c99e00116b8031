package io.usrnet.cli;

import io.usrnet.cli.bench.BoundaryBenchmark;
import io.usrnet.cli.bench.CalibrationBenchmark;
import io.usrnet.cli.bench.LeakBenchmark;
import io.usrnet.cli.bench.MemoryBenchmark;
import io.usrnet.cli.bench.NoiseBenchmark;
import io.usrnet.cli.bench.StartupBenchmark;
import io.usrnet.cli.bench.TileBenchmark;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code usrnet bench}: the benchmarks that measure the command-line tool's processes or print tables
 * rather than times. The timing benchmarks (data step, prior, whole restore) are JMH benchmarks in the
 * {@code benchmarks} module, run by {@code benchmarks/run}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks of the command-line tool's processes, memory and boundary handling (print "
                + "tables; nothing is asserted). The speed benchmarks of the data step, the prior and a whole "
                + "restore are JMH benchmarks: benchmarks/run (see benchmarks/README.md).",
            "boundary DIR [crop] [alpha]: periodic vs smooth boundary, PSNR of border band and whole image, on "
                    + "centre crops of every 8th PNG in DIR blurred non-circularly (measures quality, not speed).",
            "calibration DIR [CROP] [EVERY]: the kernel estimator on every EVERY-th image of DIR (its centre "
                    + "CROPxCROP) degraded with the Table-1 protocol, 12 kernels, s = 1..4, sigma 0 and 2.55: the "
                    + "kernel's relative L2 error and the PSNR restored with the true and the estimated kernel.",
            "large: one restoration with random weights: ARGs SIZE (HR side, scale 4) TILE (0 = untiled) or a "
                    + "memory budget (e.g. 1g) [ITERATIONS] [full|tiny]; prints the peak RSS and the memory model's "
                    + "estimate.",
            "noise [EVERY] DIR...: the noise level estimator's error on every EVERY-th image of each DIR degraded "
                    + "with the Table-1 protocol, 12 kernels, s = 1..4, sigma 0..25 (measures accuracy, not speed).",
            "memory [MODEL:SIZE:TILE|BUDGET ...]: the memory model's estimate against the measured peak RSS, "
                    + "one process per case (default: a grid of both models, whole and tiled).",
            "startup [RUNS] [WEIGHTS]: time from the process start to the engine ready, the weights loaded and "
                    + "a first small restore (32² ×4) done, then the median wall time of RUNS (5) whole "
                    + "'usrnet restore' processes against the restore's own time.",
            "leak [RESTORES]: 200 (or RESTORES) consecutive restorations with one restorer (tiny, 48² ×2), "
                    + "printing RSS and heap after a tenth, half and all of them, so that growth shows."})
final class BenchCommand implements Callable<Integer> {
    /** Benchmarks. */
    enum Which { boundary, calibration, large, leak, memory, noise, startup }

    /** The timing benchmarks that moved to JMH, by their former names here. */
    static final Map<String, String> MOVED = Map.of("data", "DataStepBenchmark", "prior", "PriorBenchmark",
            "restore", "RestoreBenchmark");

    @Parameters(index = "0", paramLabel = "WHICH", description = "One of: ${COMPLETION-CANDIDATES}.",
            converter = WhichConverter.class)
    Which which;

    @Parameters(index = "1..*", paramLabel = "ARG",
            description = "Arguments of the benchmark (see above).")
    List<String> args = List.of();

    /** Names a benchmark; for one that moved to JMH, says how to run it now. */
    static final class WhichConverter implements ITypeConverter<Which> {
        @Override
        public Which convert(String value) {
            if (MOVED.containsKey(value)) {
                throw new TypeConversionException("'" + value + "' is a JMH benchmark now: benchmarks/run "
                        + MOVED.get(value) + " (after mvn -q -B package -DskipTests; see benchmarks/README.md)");
            }
            for (Which w : Which.values()) {
                if (w.name().equals(value)) {
                    return w;
                }
            }
            throw new TypeConversionException("expected one of " + Arrays.toString(Which.values()) + " but was '"
                    + value + "'");
        }
    }

    @Override
    public Integer call() throws Exception {
        String[] a = args.toArray(String[]::new);
        switch (which) {
            case boundary -> BoundaryBenchmark.main(a);
            case calibration -> CalibrationBenchmark.main(a);
            case large -> TileBenchmark.main(a);
            case leak -> LeakBenchmark.main(a);
            case memory -> MemoryBenchmark.main(a);
            case noise -> NoiseBenchmark.main(a);
            case startup -> StartupBenchmark.main(a);
        }
        return 0;
    }
}
