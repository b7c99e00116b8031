package io.usrnet.core.io;

import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads blur kernels from files named by a {@link KernelSpec} ({@code PATH[:VARIABLE[:INDEX]]},
 * index counting from 1).
 *
 * <p>Formats, by extension:
 * <ul>
 *   <li>{@code .mat}: MATLAB v5 files (also v6/v7 compressed), a variable holding a 2-D numeric
 *       matrix, a cell array of them (like {@code kernels_12.mat}: a 1×12 cell of 25×25), or a
 *       3-D stack {@code kh×kw×n}. MATLAB v7.3 (HDF5) files are recognised and refused with a hint.</li>
 *   <li>{@code .npy}: a 2-D array of any type {@link io.usrnet.data.io.NpyArray} reads (floats, integers,
 *       bool; either byte order; C or Fortran order, as {@code scipy.io.loadmat} arrays are saved).</li>
 *   <li>{@code .txt}, {@code .csv}: a plain-text matrix, one kernel row per line, values separated
 *       by whitespace, commas or semicolons; blank lines and lines starting with {@code #} or
 *       {@code %} are skipped.</li>
 *   <li>{@code .png}, {@code .tif}, {@code .tiff}: a grey image (or RGB with equal channels),
 *       <b>normalised to sum 1</b>.</li>
 * </ul>
 * Apart from images, kernels are returned exactly as stored (no normalisation, flip or shift):
 * the shipped bicubic kernels do not sum exactly to 1 and the reference uses them as they are.
 * Every kernel is checked: finite taps, 2-D, not all zero.
 */
public final class KernelFiles {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s,;]+");
    private static final List<String> EXTENSIONS = List.of(".mat", ".npy", ".txt", ".csv", ".png", ".tif", ".tiff");

    private KernelFiles() {
    }

    /**
     * Reads one kernel named by a spec string such as {@code kernels_12.mat:kernels:3}.
     *
     * @throws NoSuchFileException      if the file does not exist ("file not found")
     * @throws InvalidFileException     if the file is corrupt, the variable is missing, the index is
     *                                  out of range or missing for a collection, or the kernel is
     *                                  not 2-D, not finite or all zero
     * @throws IllegalArgumentException if the spec is malformed, the extension unsupported, or a
     *                                  variable/index is given for a file that is not {@code .mat}
     */
    public static Kernel read(String spec) throws IOException {
        return read(KernelSpec.parse(spec));
    }

    /** Reads the single kernel a whole file holds. */
    public static Kernel read(Path file) throws IOException {
        return read(KernelSpec.of(file));
    }

    /** Reads the kernel a spec names. */
    public static Kernel read(KernelSpec spec) throws IOException {
        return load(spec, false).get(0);
    }

    /**
     * Reads every kernel a spec names: all cells of a cell array or all slices of a 3-D stack
     * (in index order, so element {@code i} is index {@code i + 1}), a single kernel for other
     * files, or the one kernel an explicit index selects. {@code readAll("kernels_12.mat")} gives
     * the 12 Table-1 kernels.
     */
    public static List<Kernel> readAll(String spec) throws IOException {
        return readAll(KernelSpec.parse(spec));
    }

    /** Reads every kernel a spec names (see {@link #readAll(String)}). */
    public static List<Kernel> readAll(KernelSpec spec) throws IOException {
        return load(spec, true);
    }

    /** The supported kernel file extensions, with their dot. */
    public static List<String> supportedExtensions() {
        return EXTENSIONS;
    }

    private static List<Kernel> load(KernelSpec spec, boolean all) throws IOException {
        Path file = spec.path();
        String ext = "." + ImageFormat.extension(file);
        if (!EXTENSIONS.contains(ext)) {
            throw new IllegalArgumentException(file + ": unsupported kernel file extension "
                    + (ext.length() == 1 ? "(none)" : "'" + ext + "'") + "; supported: " + String.join(", ", EXTENSIONS));
        }
        if (!ext.equals(".mat") && (spec.variable() != null || spec.index() != null)) {
            throw new IllegalArgumentException("kernel spec '" + spec + "': only .mat files hold variables and indices; "
                    + "a " + ext + " file holds a single kernel");
        }
        ImageFiles.requireReadableFile(file);
        return switch (ext) {
            case ".mat" -> MatKernels.read(file, spec.variable(), spec.index(), all);
            case ".npy" -> List.of(fromNpy(file));
            case ".txt", ".csv" -> List.of(fromText(file));
            default -> List.of(fromImage(file));
        };
    }

    /**
     * Validates kernel taps and builds the kernel.
     *
     * @param what prefix naming the kernel inside the file ("" for a whole file)
     */
    static Kernel kernel(Path file, String what, int height, int width, double[] rowMajor)
            throws InvalidFileException {
        if (height < 1 || width < 1) {
            throw new InvalidFileException(file, what + "kernel is empty (" + height + "×" + width + ")");
        }
        boolean allZero = true;
        for (int i = 0; i < rowMajor.length; i++) {
            double v = rowMajor[i];
            if (!Double.isFinite(v)) {
                throw new InvalidFileException(file, what + "kernel contains NaN or infinite values (first "
                        + v + " at row " + (i / width + 1) + ", column " + (i % width + 1) + ", counting from 1)");
            }
            allZero &= v == 0;
        }
        if (allZero) {
            throw new InvalidFileException(file, what + "kernel is all zero");
        }
        return Kernel.of(height, width, rowMajor);
    }

    private static Kernel fromNpy(Path file) throws IOException {
        NpyArray array = NpyArray.read(file);
        int[] shape = array.shape();
        if (shape.length != 2) {
            throw new InvalidFileException(file, "a kernel must be a 2-D array, got shape " + Arrays.toString(shape));
        }
        return kernel(file, "", shape[0], shape[1], array.toDoubles());
    }

    private static Kernel fromText(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (CharacterCodingException e) {
            throw new InvalidFileException(file, "not a text file (invalid UTF-8); expected a plain-text matrix", e);
        }
        List<double[]> rows = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("%")) {
                continue;
            }
            String[] tokens = SEPARATORS.split(line);
            double[] row = new double[tokens.length];
            for (int i = 0; i < tokens.length; i++) {
                row[i] = parseNumber(file, n + 1, tokens[i]);
            }
            if (!rows.isEmpty() && row.length != rows.get(0).length) {
                throw new InvalidFileException(file, "line " + (n + 1) + " has " + row.length
                        + " values, earlier rows have " + rows.get(0).length + " (a kernel must be a rectangular matrix)");
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new InvalidFileException(file, "holds no numbers (empty kernel)");
        }
        int w = rows.get(0).length;
        double[] values = new double[rows.size() * w];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, values, r * w, w);
        }
        return kernel(file, "", rows.size(), w, values);
    }

    private static double parseNumber(Path file, int line, String token) throws InvalidFileException {
        String t = token.toLowerCase(Locale.ROOT);
        switch (t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t) {
            case "nan", "inf", "infinity" -> throw new InvalidFileException(file, "line " + line + ": kernel contains "
                    + token + "; only finite values are accepted");
            default -> {
                // a number (checked below)
            }
        }
        try {
            return Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new InvalidFileException(file, "line " + line + ": '" + token + "' is not a number");
        }
    }

    private static Kernel fromImage(Path file) throws IOException {
        Image image = ImageFiles.read(file).color();
        int plane = image.height() * image.width();
        float[] samples = image.toArray();
        for (int c = 1; c < image.channels(); c++) {
            if (!Arrays.equals(samples, 0, plane, samples, c * plane, (c + 1) * plane)) {
                throw new InvalidFileException(file, "a kernel image must be greyscale; this one has "
                        + image.channels() + " different channels");
            }
        }
        double[] values = new double[plane];
        for (int i = 0; i < plane; i++) {
            values[i] = samples[i];
        }
        Kernel k = kernel(file, "", image.height(), image.width(), values);
        try {
            return k.normalized();
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(file, "kernel image sums to zero and cannot be normalised", e);
        }
    }
}
