package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
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

/** {@code usrnet degrade}: synthesise y = (x ⊗ k)↓s + n from a sharp image. */
@Command(name = "degrade", mixinStandardHelpOptions = true,
        description = {
            "Degrade a sharp image: y = (x (*) k) down s + n, circular convolution, upper-left decimation, "
                    + "Gaussian noise of standard deviation SIGMA/255.",
            "Without --protocol the blur is computed in floating point (rounded only if the output format is "
                    + "integer). With --protocol table1, the USRNet paper's Table-1 protocol exactly: crop to a "
                    + "multiple of lcm(s, 8), blur the 8-bit image and truncate to 8 bits, decimate, then add noise.",
            "A multi-page TIFF (a stack or an ImageJ hyperstack) is degraded page by page into a TIFF stack of the "
                    + "same sample type, channels, slices and frames."})
final class DegradeCommand implements Callable<Integer> {
    /** Degradation protocols. */
    enum Protocol { table1 }

    @Option(names = "--input", required = true, paramLabel = "HR",
            description = "Sharp image: .png, .tif/.tiff or .npy; or a TIFF stack.")
    Path input;

    @Mixin
    DegradationOptions degradation;

    @Mixin
    CompressionOption compression;

    @Option(names = "--sigma", required = true, paramLabel = "SIGMA",
            description = "Noise standard deviation in [0, 255] units (e.g. 2.55 = 1%% of the range).")
    double sigma;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Noise seed (default: ${DEFAULT-VALUE}); page i of a stack (from 0) uses N + i.")
    long seed;

    @Option(names = "--protocol", paramLabel = "NAME",
            description = "Degradation protocol: ${COMPLETION-CANDIDATES} (the paper's Table 1, bit-exact).")
    Protocol protocol;

    @Option(names = "--output", required = true, paramLabel = "LR",
            description = "Output image; format from the extension (.npy keeps float32, unclamped).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Do not say what was written (nor, for a stack, each page).")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int scale = degradation.scale();
        CliText.requireSigma(sigma);
        compression.compression();
        CliText.requireWritableOutput(output);
        if (StackPages.isStack(input)) {
            degradeStack(scale);
            return 0;
        }
        ImageData hr = ImageFiles.read(input);
        Degradation d = degradation.degradation(sigma, Boundary.PERIODIC);
        Image lr = protocol == Protocol.table1
                ? Degradations.addGaussianNoise(Degradations.table1(hr.color(), d.kernel(), scale), sigma, seed)
                : d.apply(hr.color(), seed);
        PixelSize size = hr.hasPixelSize() ? hr.pixelSize().multipliedBy(scale) : null;
        CliText.write(output, CliText.forOutput(output, lr, null, hr.format(), size), compression.compression(),
                quiet, spec.commandLine().getErr());
        return 0;
    }

    /** Degrades a stack page by page: kernel c on channel c when the spec names one per channel. */
    private void degradeStack(int scale) throws IOException, InterruptedException {
        StackPages.requireTiffOutput(output, input);
        List<Kernel> kernels = degradation.kernels();
        try (TiffStack stack = TiffStack.open(input)) {
            List<Degradation> perChannel = new ArrayList<>();
            for (Kernel k : degradation.perChannel(kernels, stack.channels(), input)) {
                perChannel.add(degradation.degradation(k, sigma, Boundary.PERIODIC));
            }
            PixelSize size = stack.pixelSize() == null ? null : stack.pixelSize().multipliedBy(scale);
            StackPages.run(stack, output, compression.compression(), size, true, quiet, spec.commandLine().getErr(),
                    input.getFileName().toString(), (at, hr, label) -> {
                        long t0 = System.nanoTime();
                        Degradation d = perChannel.get(at.channel());
                        long pageSeed = seed + at.index();
                        Image lr = protocol == Protocol.table1
                                ? Degradations.addGaussianNoise(Degradations.table1(hr.color(), d.kernel(), scale),
                                        sigma, pageSeed)
                                : d.apply(hr.color(), pageSeed);
                        return new StackPages.Page(lr, null, t0);
                    });
        }
    }
}
