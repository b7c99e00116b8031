package io.usrnet.cli;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.KernelEstimate;
import io.usrnet.data.KernelEstimator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code usrnet estimate-kernel}: calibrate the blur kernel from a registered sharp/blurred pair, or
 * from the image of a point source, with {@link KernelEstimator}; written like {@code usrnet kernel}
 * writes kernels, for {@code --kernel} of restore.
 */
@Command(name = "estimate-kernel", mixinStandardHelpOptions = true,
        description = {
            "Calibrate the blur kernel K from a registered pair: a sharp reference S and its blurred image B, "
                    + "with B = (S * K) downsampled by SCALE + noise. K is non-negative, sums to 1 and is centred "
                    + "like every kernel restore reads. Only the blurred pixels whose whole kernel support lies "
                    + "inside S are used, so the blur at the image border (whatever it was) does not bias K.",
            "--point-source: B is the image of an isolated point (a bead, a star); its background is removed and "
                    + "the kernel is the N×N window centred on the point, normalised.",
            "Standard output: one line describing the fit (the residual RMS, in [0, 255] units, is about the "
                    + "noise level when the pair fits the model)."})
final class EstimateKernelCommand implements Callable<Integer> {
    @Option(names = "--sharp", paramLabel = "S",
            description = "The sharp reference image (.png, .tif/.tiff, .jpg, .npy); not with --point-source.")
    Path sharp;

    @Option(names = "--blurred", required = true, paramLabel = "B",
            description = "The blurred image: SCALE times smaller than S, registered with it (B[i, j] is centred "
                    + "on S[SCALE*i, SCALE*j]); with --point-source, the image of the point.")
    Path blurred;

    @Option(names = "--scale", paramLabel = "SCALE", defaultValue = "1",
            description = "How many times smaller B is than S: 1 (deblurring) to 8 (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--size", paramLabel = "N", defaultValue = "" + KernelEstimator.DEFAULT_SIZE,
            description = "Odd side of the kernel, 1 to " + KernelEstimator.MAX_SIZE + " (default: ${DEFAULT-VALUE}); "
                    + "larger than the blur, which must fit in it.")
    int size;

    @Option(names = "--point-source",
            description = "B is the image of an isolated point: measure its point-spread function (scale 1).")
    boolean pointSource;

    @Option(names = "--smoothness", paramLabel = "RHO", defaultValue = "" + KernelEstimator.DEFAULT_SMOOTHNESS,
            description = "Weight of the smoothness prior, lambda = RHO * sigma^2 for the measured noise level "
                    + "sigma (default: ${DEFAULT-VALUE}; 0: plain non-negative least squares).")
    double smoothness;

    @Mixin
    KernelOutput kernelOutput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        KernelEstimator estimator = KernelEstimator.builder().size(size).scale(scale).smoothness(smoothness).build();
        kernelOutput.check();
        PrintWriter out = spec.commandLine().getOut();
        Kernel k;
        String description;
        if (pointSource) {
            if (sharp != null) {
                throw new IllegalArgumentException("--point-source measures the kernel on --blurred alone; leave out "
                        + "--sharp");
            }
            if (scale != 1) {
                throw new IllegalArgumentException("--point-source gives the kernel at the sampling of the point's "
                        + "image; --scale must be 1, got " + scale);
            }
            k = KernelEstimator.pointSpread(ImageFiles.read(blurred).color(), size);
            description = "point-spread function of " + blurred.getFileName();
            out.println(blurred.getFileName() + ": " + k.shape() + " point-spread function");
        } else {
            if (sharp == null) {
                throw new IllegalArgumentException("estimate-kernel needs --sharp S (the reference of the pair), or "
                        + "--point-source when --blurred is the image of a point");
            }
            Image s = ImageFiles.read(sharp).color();
            Image b = ImageFiles.read(blurred).color();
            if (s.channels() != b.channels()) {
                // a grey reference for a colour camera, or the reverse: one kernel fits the channels' means
                s = s.meanOfChannels();
                b = b.meanOfChannels();
            }
            KernelEstimate e = estimator.estimate(s, b);
            k = e.kernel();
            description = String.format(Locale.ROOT, "calibrated on %s and %s at scale %d", sharp.getFileName(),
                    blurred.getFileName(), scale);
            out.println(blurred.getFileName() + ": " + e);
        }
        out.flush();
        kernelOutput.write(k, description, spec.commandLine().getErr());
        return 0;
    }
}
