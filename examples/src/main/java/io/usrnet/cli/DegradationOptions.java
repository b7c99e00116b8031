package io.usrnet.cli;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The known degradation's kernel and scale: options shared by solve, degrade and restore. */
final class DegradationOptions {
    // One line per form, each short enough for the narrowest description column (restore's, 52
    // characters): a wrapped line could break after the '.' of an extension (Java's line breaking
    // allows it), which HelpTextTest rejects.
    @Option(names = "--kernel", required = true, paramLabel = "K",
            description = {"Blur kernel, one of:",
                "  FILE.npy: a 2-D array",
                "  FILE.txt: a matrix, one row per line",
                "  FILE.mat: a MATLAB v5 file holding one kernel",
                "  FILE.mat:VARIABLE[:INDEX]: a variable of a .mat",
                "    file, or its 1-based cell or slice INDEX, e.g.",
                "    kernels_12.mat:kernels:3",
                "  FILE.png, FILE.tif: a grey image, normalised",
                "    to sum 1",
                "A TIFF stack of C channels may take C kernels (all",
                "of a cell array or 3-D array): kernel c for",
                "channel c.",
                "Used as stored if it sums to 1 (within 0.001), else normalised to sum 1 with a warning."})
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

    /**
     * Reads every kernel the spec names (all of a cell array or a 3-D stack, else the one kernel;
     * {@link KernelFiles#readAll(String)}), each checked and normalised as {@link #kernel()} does:
     * one per channel of a stack, or one for all.
     */
    List<Kernel> kernels() throws IOException {
        List<Kernel> used = new ArrayList<>();
        for (Kernel k : KernelFiles.readAll(kernel)) {
            Kernel u = Restorer.kernelFor(k);
            if (u != k) {
                PrintWriter err = command.commandLine().getErr();
                err.println("usrnet: warning: " + Restorer.normalisationMessage(k));
                err.flush();
            }
            used.add(u);
        }
        return used;
    }

    /**
     * The kernel of each channel of a stack of {@code channels} hyperstack channels: the one kernel
     * for all, or kernel {@code c} for channel {@code c} when the spec names one per channel.
     *
     * @param input the stack, for the message
     * @throws IllegalArgumentException if the spec names several kernels, but not one per channel
     */
    List<Kernel> perChannel(List<Kernel> kernels, int channels, Path input) {
        if (kernels.size() == 1) {
            return java.util.Collections.nCopies(channels, kernels.get(0));
        }
        if (kernels.size() != channels) {
            throw new IllegalArgumentException("--kernel " + kernel + " holds " + kernels.size() + " kernels, one per "
                    + "channel, but " + input.getFileName() + " has " + channels + (channels == 1 ? " channel" : " channels")
                    + "; give one kernel for all pages, or exactly one per channel");
        }
        return kernels;
    }

    /**
     * The degradation of the given kernel (from {@link #kernels()}) with these options' scale and the
     * given noise level and boundary.
     */
    Degradation degradation(Kernel k, double sigma, Boundary boundary) {
        return Degradation.builder().kernel(k).scale(scale()).sigma(sigma).boundary(boundary).build();
    }

    /**
     * The degradation these options and the given noise level and boundary describe (reads the
     * kernel as {@link #kernel()} does).
     *
     * @param sigma    the noise level in [0, 255] units
     * @param boundary the border handling
     */
    Degradation degradation(double sigma, Boundary boundary) throws IOException {
        return Degradation.builder().kernel(kernel()).scale(scale()).sigma(sigma).boundary(boundary).build();
    }
}
