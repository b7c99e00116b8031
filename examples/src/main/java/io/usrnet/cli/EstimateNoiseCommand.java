package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.NoiseEstimate;
import io.usrnet.data.NoiseEstimator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code usrnet estimate-noise}: the noise level of an image, for restore's --sigma. */
@Command(name = "estimate-noise", mixinStandardHelpOptions = true,
        description = {"Measure the level SIGMA of white Gaussian noise in an image, in [0, 255] units, from the "
                + "smallest principal components of its 8×8 patches (all channels together, and each channel). "
                + "Quantisation counts as noise: an 8-bit image without added noise reads about 0.3.",
            "Standard output: one line describing the estimate, then SIGMA alone as a plain number (the last "
                    + "line), for scripts: restore --sigma $(usrnet estimate-noise --input F | tail -1). "
                    + "restore --sigma auto does the same for each image it restores."})
final class EstimateNoiseCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "IMAGE",
            description = "The image (.png, .tif/.tiff, .jpg, .npy); the alpha channel, if any, is ignored.")
    Path input;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ImageData image = ImageFiles.read(input);
        NoiseEstimate e = NoiseEstimator.DEFAULT.estimate(image.color());
        PrintWriter out = spec.commandLine().getOut();
        out.println(input.getFileName() + ": " + e);
        out.println(e.sigmaText());
        out.flush();
        return 0;
    }
}
