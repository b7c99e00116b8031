package io.usrnet.cli;

import io.usrnet.bench.BoundaryBenchmark;
import io.usrnet.bench.DataStepBenchmark;
import io.usrnet.bench.LeakBenchmark;
import io.usrnet.bench.MemoryBenchmark;
import io.usrnet.bench.PriorBenchmark;
import io.usrnet.bench.RestoreBenchmark;
import io.usrnet.bench.StartupBenchmark;
import io.usrnet.bench.TileBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code usrnet bench}: the speed benchmarks, printing tables to stdout. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Speed benchmarks (print figures; nothing is asserted).",
            "data: the closed-form data step (prepare and one step) at HR 512² and 1024² ×3, s = 4.",
            "prior: one ResUNet pass, tiny and full configurations, HR 256² and 512², with GFLOP/s and the "
                    + "engine's fp32 matrix-product peak.",
            "restore: a whole restoration, tiny on 128² ×4 and full on 64² ×4, split into data step, prior "
                    + "and the rest.",
            "boundary DIR [crop] [alpha]: periodic vs smooth boundary, PSNR of border band and whole image, on "
                    + "centre crops of every 8th PNG in DIR blurred non-circularly (measures quality, not speed).",
            "large: one restoration with random weights: ARGs SIZE (HR side, scale 4) TILE (0 = untiled) or a "
                    + "memory budget (e.g. 1g) [ITERATIONS] [full|tiny]; prints the peak RSS and the memory model's "
                    + "estimate.",
            "memory [MODEL:SIZE:TILE|BUDGET ...]: the memory model's estimate against the measured peak RSS, "
                    + "one process per case (default: a grid of both models, whole and tiled).",
            "startup [RUNS] [WEIGHTS]: time from the process start to the engine ready, the weights loaded and "
                    + "a first small restore (32² ×4) done, then the median wall time of RUNS (5) whole "
                    + "'usrnet restore' processes against the restore's own time.",
            "leak [RESTORES]: 200 (or RESTORES) consecutive restorations with one restorer (tiny, 48² ×2), "
                    + "printing RSS and heap after a tenth, half and all of them, so that growth shows."})
final class BenchCommand implements Callable<Integer> {
    /** Benchmarks. */
    enum Which { data, prior, restore, boundary, large, leak, memory, startup }

    @Parameters(index = "0", paramLabel = "WHICH", description = "One of: ${COMPLETION-CANDIDATES}.")
    Which which;

    @Parameters(index = "1..*", paramLabel = "ARG",
            description = "Arguments of the benchmark (first: the number of timed repeats).")
    List<String> args = List.of();

    @Override
    public Integer call() throws Exception {
        String[] a = args.toArray(String[]::new);
        switch (which) {
            case data -> DataStepBenchmark.main(a);
            case prior -> PriorBenchmark.main(a);
            case restore -> RestoreBenchmark.main(a);
            case boundary -> BoundaryBenchmark.main(a);
            case large -> TileBenchmark.main(a);
            case leak -> LeakBenchmark.main(a);
            case memory -> MemoryBenchmark.main(a);
            case startup -> StartupBenchmark.main(a);
        }
        return 0;
    }
}
