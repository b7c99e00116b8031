package io.usrnet.cli;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The known degradation's kernel and scale: options shared by solve, degrade and restore. */
final class DegradationOptions {
    @Option(names = "--kernel", required = true, paramLabel = "K",
            description = "Blur kernel: a file (.npy, .txt matrix, grey .png/.tif normalised to sum 1, MATLAB .mat v5) "
                    + "or PATH.mat:VARIABLE[:INDEX] for a variable or a 1-based cell of a .mat file, "
                    + "e.g. kernels_12.mat:kernels:3. Used as stored if it sums to 1 (within 0.001), else "
                    + "normalised to sum 1 with a warning.")
    String kernel;

    @Option(names = "--scale", required = true, paramLabel = "S",
            description = "Integer scale factor s >= 1 (1 = deblurring only).")
    int scale;

    /** The scale, checked. */
    int scale() {
        if (scale < 1) {
            throw new IllegalArgumentException("--scale must be a positive integer, got " + scale);
        }
        return scale;
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Reads the kernel and checks that it can be a blur; one that sums to a positive value other
     * than 1 ({@link Restorer#kernelFor}) is normalised, saying so on stderr:
     * {@code usrnet: warning: kernel sums to X, normalised to 1}.
     */
    Kernel kernel() throws IOException {
        Kernel k = KernelFiles.read(kernel);
        Kernel used = Restorer.kernelFor(k);
        if (used != k) {
            PrintWriter err = command.commandLine().getErr();
            err.println("usrnet: warning: " + Restorer.normalisationMessage(k));
            err.flush();
        }
        return used;
    }
}
