package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.core.io.TiffStack;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
                    + "learning-free restorer: small alpha trusts the measurements, large alpha the estimate.",
            "A multi-page TIFF (a stack or an ImageJ hyperstack) is solved page by page into a TIFF stack of the "
                    + "same sample type, channels, slices and frames."})
final class SolveCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "Y",
            description = "Low-resolution (degraded) image (PNG, TIFF or .npy), or a TIFF stack.")
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
            description = "Current estimate x at the high resolution (s*h x s*w); default: nearest-neighbour upsampling of Y. "
                    + "For a stack Y, a stack of the same channels, slices and frames.")
    Path estimate;

    @Option(names = "--output", required = true, paramLabel = "Z",
            description = "Output image; format from the extension (.npy keeps float32, unclamped).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Do not say what was written (nor, for a stack, each page).")
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
        if (StackPages.isStack(input)) {
            solveStack(scale);
            return 0;
        }
        ImageData y = ImageFiles.read(input);
        Degradation d = degradation.degradation(0, boundary.boundary()); // the data step does not use σ
        Image x = estimate == null ? null : ImageFiles.read(estimate).color();
        Image z = DataStep.solve(d, y.color(), x, alpha);
        PixelSize size = y.hasPixelSize() ? y.pixelSize().dividedBy(scale) : null;
        CliText.write(output, CliText.forOutput(output, z, null, y.format(), size), compression.compression(),
                quiet, spec.commandLine().getErr());
        return 0;
    }

    /**
     * Solves a stack page by page: kernel c on channel c when the spec names one per channel, the
     * estimate's page of the same channel, slice and frame.
     */
    private void solveStack(int scale) throws IOException, InterruptedException {
        StackPages.requireTiffOutput(output, input);
        if (estimate != null && !StackPages.isStack(estimate)) {
            throw new IllegalArgumentException("--estimate " + estimate + " is a single image, but " + input.getFileName()
                    + " is a stack; the estimate of a stack is a TIFF stack of the same dimensions");
        }
        List<Kernel> kernels = degradation.kernels();
        try (TiffStack stack = TiffStack.open(input); TiffStack x = estimate == null ? null : TiffStack.open(estimate)) {
            if (x != null && (x.channels() != stack.channels() || x.slices() != stack.slices()
                    || x.frames() != stack.frames())) {
                throw new IllegalArgumentException("--estimate " + estimate + " has " + x.pages() + " pages ("
                        + x.channels() + "×" + x.slices() + "×" + x.frames() + " channels × slices × frames), "
                        + input.getFileName() + " has " + stack.pages() + " (" + stack.channels() + "×" + stack.slices()
                        + "×" + stack.frames() + "); the estimate of a stack is a stack of the same dimensions");
            }
            List<Degradation> perChannel = new ArrayList<>();
            for (Kernel k : degradation.perChannel(kernels, stack.channels(), input)) {
                perChannel.add(degradation.degradation(k, 0, boundary.boundary())); // the data step does not use σ
            }
            PixelSize size = stack.pixelSize() == null ? null : stack.pixelSize().dividedBy(scale);
            StackPages.run(stack, output, compression.compression(), size, true, quiet, spec.commandLine().getErr(),
                    input.getFileName().toString(), (at, y, label) -> {
                        long t0 = System.nanoTime();
                        Image xPage = x == null ? null : x.read(x.page(at.channel(), at.slice(), at.frame())).color();
                        Image z = DataStep.solve(perChannel.get(at.channel()), y.color(), xPage, alpha);
                        return new StackPages.Page(z, null, t0);
                    });
        }
    }
}
