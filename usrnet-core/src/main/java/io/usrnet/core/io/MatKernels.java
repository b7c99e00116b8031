package io.usrnet.core.io;

import io.usrnet.data.Kernel;
import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.format.Mat5File;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sources;

/** Kernels from MATLAB v5 {@code .mat} files (see {@link KernelFiles}). */
final class MatKernels {
    private static final int HEADER = 128;
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    /** A numbered collection of kernels inside one variable. */
    private interface Collection {
        int count();

        Kernel get(int zeroBased) throws InvalidFileException;
    }

    private MatKernels() {
    }

    static List<Kernel> read(Path file, String variable, Integer index, boolean all) throws IOException {
        byte[] data = readChecked(file);
        Mat5File mat;
        try {
            // the subsystem holds MATLAB objects (handle classes), which no kernel needs
            mat = Mat5.newReader(Sources.wrap(data)).disableSubsystemProcessing().readMat();
        } catch (IOException | RuntimeException e) {
            throw new InvalidFileException(file, "corrupt or truncated MATLAB .mat file (" + e.getMessage() + ")", e);
        }
        try (mat) {
            List<MatFile.Entry> entries = new ArrayList<>();
            mat.getEntries().forEach(entries::add);
            MatFile.Entry entry = select(file, entries, variable);
            Collection kernels = collection(file, entry.getName(), entry.getValue());
            String name = entry.getName();
            int n = kernels.count();
            if (index != null) {
                if (index > n) {
                    throw new InvalidFileException(file, "kernel index " + index + " is out of range: variable '"
                            + name + "' holds " + n + (n == 1 ? " kernel (index 1)" : " kernels (indices 1.." + n + ")"));
                }
                return List.of(kernels.get(index - 1));
            }
            if (all) {
                List<Kernel> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(kernels.get(i));
                }
                return out;
            }
            if (n != 1) {
                throw new InvalidFileException(file, "variable '" + name + "' holds " + n
                        + " kernels; choose one with " + file + ":" + name + ":INDEX (INDEX = 1.." + n + ")");
            }
            return List.of(kernels.get(0));
        }
    }

    /** The whole file, once its header and structure were checked (see {@link MatStructure}). */
    private static byte[] readChecked(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MatStructure.MAX_BYTES) {
            throw new InvalidFileException(file, "MATLAB file too large for a kernel file (" + size + " bytes; at most "
                    + (MatStructure.MAX_BYTES >> 20) + " MiB are read)");
        }
        byte[] data = Files.readAllBytes(file);
        String text = new String(data, 0, Math.min(data.length, 116), StandardCharsets.ISO_8859_1);
        boolean hdf5 = data.length >= 520 && Arrays.equals(data, 512, 520, HDF5_SIGNATURE, 0, 8);
        if (text.startsWith("MATLAB 7.3") || hdf5) {
            throw new InvalidFileException(file, "MATLAB v7.3 (HDF5) .mat files are not supported; re-save it in "
                    + "MATLAB with save(..., '-v7') or use a plain-text export of the kernels "
                    + "(e.g. data/kernels/txt/levin09_k*.txt)");
        }
        if (data.length < HEADER) {
            throw new InvalidFileException(file, "too short to be a MATLAB .mat file (" + data.length + " bytes)");
        }
        String endian = new String(data, 126, 2, StandardCharsets.ISO_8859_1);
        if (!endian.equals("IM") && !endian.equals("MI")) {
            throw new InvalidFileException(file, "not a MATLAB v5 .mat file (no v5 header; MATLAB v4 files are "
                    + "not supported)");
        }
        MatStructure.check(file, data);
        return data;
    }

    private static MatFile.Entry select(Path file, List<MatFile.Entry> entries, String variable)
            throws InvalidFileException {
        String names = entries.stream().map(MatFile.Entry::getName).collect(Collectors.joining(", "));
        if (variable != null) {
            for (MatFile.Entry e : entries) {
                if (e.getName().equals(variable)) {
                    return e;
                }
            }
            throw new InvalidFileException(file, "no variable '" + variable + "'; variables in the file: "
                    + (names.isEmpty() ? "(none)" : names));
        }
        if (entries.isEmpty()) {
            throw new InvalidFileException(file, "holds no variables");
        }
        if (entries.size() > 1) {
            throw new InvalidFileException(file, "holds " + entries.size() + " variables (" + names
                    + "); name one: " + file + ":VARIABLE");
        }
        return entries.get(0);
    }

    private static Collection collection(Path file, String name, Array array) throws InvalidFileException {
        String dims = dims(array);
        if (array instanceof Cell cell) {
            return new Collection() {
                @Override
                public int count() {
                    return cell.getNumElements();
                }

                @Override
                public Kernel get(int i) throws InvalidFileException {
                    Array element = cell.get(i);
                    String what = "variable '" + name + "' cell " + (i + 1) + ": ";
                    if (!(element instanceof Matrix m) || element.getNumDimensions() != 2) {
                        throw new InvalidFileException(file, what + "holds a " + describe(element)
                                + ", not a 2-D numeric kernel");
                    }
                    return slice(file, what, m, 0);
                }
            };
        }
        if (!(array instanceof Matrix m)) {
            throw new InvalidFileException(file, "variable '" + name + "' is a " + describe(array)
                    + ", not a numeric matrix or a cell array of them");
        }
        if (array.getNumDimensions() > 3) {
            throw new InvalidFileException(file, "variable '" + name + "' is " + dims
                    + ": a kernel must be 2-D (or a 3-D stack of 2-D kernels)");
        }
        return new Collection() {
            @Override
            public int count() {
                return m.getNumDimensions() == 3 ? m.getDimensions()[2] : 1;
            }

            @Override
            public Kernel get(int i) throws InvalidFileException {
                String what = count() > 1 || m.getNumDimensions() == 3
                        ? "variable '" + name + "' slice " + (i + 1) + ": " : "variable '" + name + "': ";
                return slice(file, what, m, i);
            }
        };
    }

    /** The kernel {@code m(:, :, slice + 1)}. */
    private static Kernel slice(Path file, String what, Matrix m, int slice) throws InvalidFileException {
        if (m.isComplex()) {
            throw new InvalidFileException(file, what + "kernel is complex; a kernel must be real");
        }
        int rows = m.getNumRows();
        int cols = m.getNumCols();
        double[] values = new double[rows * cols];
        int base = slice * rows * cols;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] = m.getDouble(base + c * rows + r); // MATLAB is column-major
            }
        }
        return KernelFiles.kernel(file, what, rows, cols, values);
    }

    private static String describe(Array array) {
        return dims(array) + " " + array.getType();
    }

    private static String dims(Array array) {
        return Arrays.stream(array.getDimensions()).mapToObj(Integer::toString).collect(Collectors.joining("×"));
    }
}
