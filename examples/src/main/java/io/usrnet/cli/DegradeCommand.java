package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.PixelSize;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
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
                    + "multiple of lcm(s, 8), blur the 8-bit image and truncate to 8 bits, decimate, then add noise."})
final class DegradeCommand implements Callable<Integer> {
    /** Degradation protocols. */
    enum Protocol { table1 }

    @Option(names = "--input", required = true, paramLabel = "HR", description = "Sharp image: .png, .tif/.tiff or .npy.")
    Path input;

    @Mixin
    DegradationOptions degradation;

    @Mixin
    CompressionOption compression;

    @Option(names = "--sigma", required = true, paramLabel = "SIGMA",
            description = "Noise standard deviation in [0, 255] units (e.g. 2.55 = 1%% of the range).")
    double sigma;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--protocol", paramLabel = "NAME",
            description = "Degradation protocol: ${COMPLETION-CANDIDATES} (the paper's Table 1, bit-exact).")
    Protocol protocol;

    @Option(names = "--output", required = true, paramLabel = "LR",
            description = "Output image; format from the extension (.npy keeps float32, unclamped).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Do not say what was written.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        int scale = degradation.scale();
        CliText.requireSigma(sigma);
        compression.compression();
        CliText.requireWritableOutput(output);
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
}
