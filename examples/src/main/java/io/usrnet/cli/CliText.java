package io.usrnet.cli;

import io.usrnet.core.io.Compression;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Image;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

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
     * Warns on {@code err} when {@code sigma} lies above the noise levels the built-in model was
     * trained on ({@link ModelWeights#BUILT_IN_MAX_SIGMA}); other weights ({@code weights} not null)
     * carry no known range, so nothing is said for them.
     */
    static void warnAboveTrainedSigma(PrintWriter err, Path weights, double sigma) {
        if (weights == null && sigma > ModelWeights.BUILT_IN_MAX_SIGMA) {
            err.printf(Locale.ROOT, "usrnet: warning: sigma %s is above the noise levels the built-in model was "
                    + "trained on (0 to %s); the result may be poor%n", number(sigma),
                    number(ModelWeights.BUILT_IN_MAX_SIGMA));
            err.flush();
        }
    }

    /**
     * The {@code --precision} value: fp32 or bf16. For bf16 on a CPU without bfloat16 instructions,
     * warns on {@code err} that fp32 runs instead (the restorer falls back by itself).
     *
     * @throws IllegalArgumentException for any other value, naming the option
     */
    static Precision precision(String value, PrintWriter err) {
        Precision p;
        try {
            p = Precision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
        if (!p.isSupported()) {
            err.println("usrnet: warning: --precision " + p.label() + " is not supported here: "
                    + Precision.bf16Unsupported() + "; running fp32");
            err.flush();
        }
        return p;
    }

    /** A number as written on a command line: 25 rather than 25.0. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Fails before any work is done if the output's directory does not exist (or is a file), the
     * output is a directory, or its extension names no writable format.
     */
    static void requireWritableOutput(Path output) throws FileSystemException {
        Path dir = output.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            if (Files.exists(dir)) {
                throw new FileSystemException(dir.toString(), null, "not a directory, so --output cannot be written in it");
            }
            throw new NoSuchFileException(dir.toString(), null, "output directory does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new IllegalArgumentException("--output " + output + " is a directory, expected a file");
        }
        ImageFormat.forWriting(output); // an unsupported or read-only format fails before any work
    }

    /**
     * What to write to {@code output}: the input's sample format where the output format can hold
     * it (8-bit in, 8-bit out; 16-bit in, 16-bit out), else the output format's default; and the
     * pixel size where the output format records one (TIFF).
     *
     * @param pixelSize the output's pixel size (the input's, divided or multiplied by the scale),
     *                  or {@code null}
     */
    static ImageData forOutput(Path output, Image color, Image alpha, SampleFormat inputFormat,
            PixelSize pixelSize) {
        return ImageFiles.forOutput(output, color, alpha, inputFormat, pixelSize);
    }

    /**
     * What {@link #forOutput} gives, in words for the "wrote" lines: {@code 66×50 RGB, 8-bit PNG}
     * (width × height, the channels, the samples and the format of the file), and the pixel size
     * when one is written: {@code 80×60 grey, 16-bit TIFF, pixel 0.25 µm}.
     */
    static String describe(Path output, ImageData data) {
        Image c = data.color();
        String channels = switch (c.channels()) {
            case 1 -> "grey";
            case 3 -> "RGB";
            default -> c.channels() + " channels";
        };
        String samples = switch (data.format()) {
            case UINT8 -> "8-bit";
            case UINT16 -> "16-bit";
            case FLOAT32 -> "float32";
        };
        ImageFormat format = ImageFormat.forWriting(output);
        return c.width() + "×" + c.height() + " " + channels + (data.hasAlpha() ? " + alpha" : "") + ", " + samples
                + " " + (format == ImageFormat.NPY ? ".npy" : format.name())
                + (data.hasPixelSize() ? ", pixel " + data.pixelSize() : "");
    }

    /**
     * Writes the image of solve and degrade and, unless {@code quiet}, says so on {@code err}:
     * {@code wrote OUT (66×50 RGB, 8-bit PNG)}.
     */
    static void write(Path output, ImageData data, Compression compression, boolean quiet, PrintWriter err)
            throws IOException {
        ImageFiles.write(output, data, compression);
        if (!quiet) {
            err.println("wrote " + output + " (" + describe(output, data) + ")");
            err.flush();
        }
    }
}
