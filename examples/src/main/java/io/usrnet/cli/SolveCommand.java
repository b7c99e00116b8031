package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code usrnet solve}: one closed-form data step, the library's learning-free restorer. */
@Command(name = "solve", mixinStandardHelpOptions = true,
        description = {
            "One closed-form data step: z = argmin_z ||(z (*) k) down s - y||^2 + alpha ||z - x||^2.",
            "Without --estimate, x is the nearest-neighbour upsampling of y. This is the library's "
                    + "learning-free restorer: small alpha trusts the measurements, large alpha the estimate."})
final class SolveCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "Y",
            description = "Low-resolution (degraded) image (PNG, TIFF or .npy).")
    Path input;

    @Mixin
    DegradationOptions degradation;

    @Mixin
    BoundaryOption boundary;

    @Mixin
    CompressionOption compression;

    @Option(names = "--alpha", required = true, paramLabel = "A", description = "Weight alpha > 0 of ||z - x||^2.")
    double alpha;

    @Option(names = "--estimate", paramLabel = "X",
            description = "Current estimate x at the high resolution (s*h x s*w); default: nearest-neighbour upsampling of Y.")
    Path estimate;

    @Option(names = "--output", required = true, paramLabel = "Z",
            description = "Output image; format from the extension (.npy keeps float32, unclamped).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Do not say what was written.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int scale = degradation.scale();
        boundary.boundary();
        compression.compression();
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("--alpha must be a finite number > 0, got " + alpha);
        }
        CliText.requireWritableOutput(output);
        ImageData y = ImageFiles.read(input);
        Degradation d = degradation.degradation(0, boundary.boundary()); // the data step does not use σ
        Image x = estimate == null ? null : ImageFiles.read(estimate).color();
        Image z = DataStep.solve(d, y.color(), x, alpha);
        PixelSize size = y.hasPixelSize() ? y.pixelSize().dividedBy(scale) : null;
        CliText.write(output, CliText.forOutput(output, z, null, y.format(), size), compression.compression(),
                quiet, spec.commandLine().getErr());
        return 0;
    }
}
