package io.usrnet.cli;

import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.data.Image;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Shared option texts and argument checks of the subcommands. */
final class CliText {
    private CliText() {
    }

    static void requireSigma(double sigma) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("--sigma must be a finite number >= 0 (in [0, 255] units), got " + sigma);
        }
    }

    /**
     * Fails with one line naming the option if {@code dir} is not an existing folder. The data sets
     * that eval and train run on are not part of the repository, so this is the first error that a
     * user without them meets; it says what to pass.
     *
     * @param what what the folder must hold, e.g. "a folder of sharp images to evaluate on"
     */
    static void requireFolder(String option, Path dir, String what) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + ": folder not found; pass " + option + " DIR, " + what);
        }
    }

    /**
     * Fails before any work is done if the output's directory does not exist, the output is a
     * directory, or its extension names no writable format.
     */
    static void requireWritableOutput(Path output) throws NoSuchFileException {
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a directory, expected a file");
        }
        ImageFormat.forWriting(output); // an unsupported or read-only format fails before any work
    }

    /**
     * What to write to {@code output}: the input's sample format where the output format can hold
     * it (8-bit in, 8-bit out; 16-bit in, 16-bit out), else the output format's default.
     */
    static ImageData forOutput(Path output, Image color, Image alpha, SampleFormat inputFormat) {
        ImageFormat format = ImageFormat.forWriting(output);
        SampleFormat sample = format.canWrite(inputFormat) ? inputFormat : format.defaultSampleFormat();
        return new ImageData(color, format == ImageFormat.NPY ? null : alpha, sample);
    }
}
