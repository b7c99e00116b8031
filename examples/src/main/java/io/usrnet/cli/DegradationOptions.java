package io.usrnet.cli;

import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Kernel;
import java.io.IOException;
import picocli.CommandLine.Option;

/** The known degradation's kernel and scale: options shared by solve, degrade and restore. */
final class DegradationOptions {
    @Option(names = "--kernel", required = true, paramLabel = "K",
            description = "Blur kernel: a file (.npy, .txt matrix, grey .png/.tif normalised to sum 1, MATLAB .mat v5) "
                    + "or PATH.mat:VARIABLE[:INDEX] for a variable or a 1-based cell of a .mat file, "
                    + "e.g. kernels_12.mat:kernels:3.")
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

    /** Reads the kernel and checks that it can be a blur. */
    Kernel kernel() throws IOException {
        return KernelFiles.read(kernel).requireBlur();
    }
}
