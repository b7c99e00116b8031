package io.usrnet.core.io;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Names a blur kernel in a file: {@code PATH}, {@code PATH:VARIABLE}, {@code PATH:VARIABLE:INDEX}
 * or {@code PATH:INDEX}.
 *
 * <ul>
 *   <li>{@code PATH} alone: a {@code .npy}, text, PNG/TIFF file, or a {@code .mat} file with a
 *       single variable holding a single kernel.</li>
 *   <li>{@code VARIABLE}: the variable of a MATLAB {@code .mat} file. Empty or omitted: the file's
 *       only variable.</li>
 *   <li>{@code INDEX}: which kernel of a cell array (or which slice {@code k(:,:,INDEX)} of a 3-D
 *       array), <b>counting from 1</b> like MATLAB and like the reference's result names
 *       {@code _k1 … _k12}. For a cell it is MATLAB's linear (column-major) index.</li>
 * </ul>
 * Examples: {@code kernels_12.mat:kernels:3} (third Table-1 kernel), {@code kernels_12.mat:3}
 * (same, the file having a single variable), {@code kernels_bicubicx234.mat:kernels:3} (the ×4
 * bicubic kernel: that file holds ×2, ×3, ×4 in that order), {@code k.npy}.
 *
 * <p>Paths may themselves contain ':' (Windows drive letters, odd file names), so the spec is
 * parsed from the right, and a suffix is taken as variable/index only if the part before it is
 * an existing file or ends in {@code .mat}. A numeric variable part is an index (MATLAB variable
 * names start with a letter).
 *
 * @param path     the kernel file
 * @param variable the {@code .mat} variable name, or {@code null} for "the only one"
 * @param index    the 1-based kernel index within the variable, or {@code null} for none
 */
public record KernelSpec(Path path, String variable, Integer index) {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException     if {@code path} is null
     * @throws IllegalArgumentException if {@code index} is less than 1 or the variable is blank
     */
    public KernelSpec {
        if (path == null) {
            throw new NullPointerException("path");
        }
        if (variable != null && variable.isBlank()) {
            throw new IllegalArgumentException("variable name must not be blank (use null for the only variable)");
        }
        if (index != null && index < 1) {
            throw new IllegalArgumentException("kernel index " + index + " is invalid: indices count from 1");
        }
    }

    /** A spec naming a whole file. */
    public static KernelSpec of(Path path) {
        return new KernelSpec(path, null, null);
    }

    /**
     * Parses a spec string (syntax in the class documentation).
     *
     * @throws IllegalArgumentException if the spec is empty or its index is not a positive integer
     */
    public static KernelSpec parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            throw new IllegalArgumentException("empty kernel spec; expected PATH, PATH:VARIABLE or PATH:VARIABLE:INDEX");
        }
        int last = spec.lastIndexOf(':');
        if (last > 0 && !existing(spec)) {
            String head = spec.substring(0, last);
            String tail = spec.substring(last + 1);
            if (isFileLike(head)) {
                return isDigits(tail)
                        ? new KernelSpec(Path.of(head), null, parseIndex(spec, tail))
                        : new KernelSpec(Path.of(head), tail.isEmpty() ? null : tail, null);
            }
            int prev = head.lastIndexOf(':');
            if (prev > 0 && isFileLike(head.substring(0, prev))) {
                String variable = head.substring(prev + 1);
                return new KernelSpec(Path.of(head.substring(0, prev)), variable.isEmpty() ? null : variable,
                        parseIndex(spec, tail));
            }
        }
        return of(Path.of(spec));
    }

    /** The spec as text, in the syntax {@link #parse} reads. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(path.toString());
        if (variable != null) {
            sb.append(':').append(variable);
        }
        if (index != null) {
            sb.append(':').append(index);
        }
        return sb.toString();
    }

    private static boolean isFileLike(String s) {
        return s.toLowerCase(Locale.ROOT).endsWith(".mat") || existing(s);
    }

    private static boolean existing(String s) {
        try {
            return Files.exists(Path.of(s));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static Integer parseIndex(String spec, String s) {
        if (!isDigits(s)) {
            throw new IllegalArgumentException("kernel spec '" + spec + "': index '" + s
                    + "' is not a positive integer (syntax PATH:VARIABLE:INDEX, INDEX counting from 1)");
        }
        int value;
        try {
            value = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kernel spec '" + spec + "': index " + s + " is too large", e);
        }
        if (value < 1) {
            throw new IllegalArgumentException("kernel spec '" + spec + "': index 0 is invalid, indices count from 1");
        }
        return value;
    }
}
