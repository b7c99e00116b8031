package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.usrnet.core.TestData;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;

class KernelFilesTest {
    private static final Path KERNELS = TestData.DATA.resolve("kernels");
    private static final String K12 = TestData.KERNELS_12;
    private static final String BICUBIC = KERNELS.resolve("kernels_bicubicx234.mat").toString();

    @TempDir
    Path dir;

    /**
     * The manifest's kernel_source "k12:N" is kernel N (1-based) of kernels_12.mat, the reference's
     * {@code _kN}; "bicubic:S" is the kernel for scale factor S, i.e. cell S − 1 of
     * kernels_bicubicx234.mat (which holds ×2, ×3, ×4). Each fixture k.npy must equal it exactly.
     */
    @Test
    void manifestKernelSourcesMatchFixtureKernels() throws IOException {
        JsonObject cases = JsonParser.parseString(Files.readString(TestData.FIXTURES.resolve("manifest.json")))
                .getAsJsonObject().getAsJsonObject("cases");
        int checked = 0;
        for (Map.Entry<String, JsonElement> e : cases.entrySet()) {
            JsonObject c = e.getValue().getAsJsonObject();
            if (!c.has("kernel_source")) {
                continue;
            }
            String[] source = c.get("kernel_source").getAsString().split(":");
            int n = Integer.parseInt(source[1].split("x")[0]);
            String spec = switch (source[0]) {
                case "k12" -> K12 + ":kernels:" + n;
                case "bicubic" -> BICUBIC + ":kernels:" + (n - 1);
                default -> null; // random kernels: nothing to compare
            };
            if (spec == null) {
                continue;
            }
            Kernel expected = NpyArray.read(TestData.FIXTURES.resolve(c.get("k").getAsString())).toKernel();
            assertThat(KernelFiles.read(spec)).as(e.getKey() + " " + spec).isEqualTo(expected);
            checked++;
        }
        assertThat(checked).isEqualTo(12); // 4 data_module + 5 usrnet + 3 degrade cases
    }

    @Test
    void readAllListsEveryKernelOfACell() throws IOException {
        List<Kernel> k12 = KernelFiles.readAll(K12);
        assertThat(k12).hasSize(12);
        for (int i = 0; i < 12; i++) {
            assertThat(k12.get(i)).isEqualTo(KernelFiles.read(K12 + ":kernels:" + (i + 1)));
            assertThat(k12.get(i).shape()).isEqualTo("25×25");
            assertThat(k12.get(i).sum()).isCloseTo(1.0, within(1e-6));
        }
        // PROTOCOL.md §2: kernel 9 (a motion blur) has its centroid at (10.18, 13.02)
        assertThat(k12.get(8).centroid()[0]).isCloseTo(10.18, within(0.005));
        assertThat(k12.get(8).centroid()[1]).isCloseTo(13.02, within(0.005));
        assertThat(KernelFiles.readAll(K12 + ":kernels")).isEqualTo(k12);
        assertThat(KernelFiles.readAll(K12 + ":kernels:4")).containsExactly(k12.get(3));

        List<Kernel> bicubic = KernelFiles.readAll(BICUBIC);
        assertThat(bicubic).hasSize(3);
        // PROTOCOL.md §3: centroids 11.5 / 11.0 / 10.5 for ×2 / ×3 / ×4
        assertThat(bicubic.get(0).centroid()[0]).isCloseTo(11.5, within(0.01));
        assertThat(bicubic.get(2).centroid()[0]).isCloseTo(10.5, within(0.01));
        assertThat(bicubic.get(2).sum()).isCloseTo(0.999898, within(1e-6)); // used as stored, not normalised
    }

    @Test
    void textExportsEqualTheMatKernels() throws IOException {
        List<Kernel> k12 = KernelFiles.readAll(K12);
        List<Kernel> bicubic = KernelFiles.readAll(BICUBIC);
        for (int i = 0; i < 15; i++) {
            String name = i < 12 ? String.format("kernels12_k%02d_25x25.txt", i + 1)
                    : "bicubic_x" + (i - 10) + "_25x25.txt";
            Kernel txt = KernelFiles.read(KERNELS.resolve("txt").resolve(name));
            Kernel mat = i < 12 ? k12.get(i) : bicubic.get(i - 12);
            double[] t = txt.toArray();
            double[] m = mat.toArray();
            assertThat(txt.shape()).isEqualTo(mat.shape());
            for (int j = 0; j < t.length; j++) {
                // the .mat holds float32; the text has 10 significant digits: same float32 value
                assertThat((float) t[j]).as(name + " tap " + j).isEqualTo((float) m[j]);
                assertThat(t[j]).isCloseTo(m[j], within(1e-10));
            }
        }
        Kernel levin4 = KernelFiles.read(KERNELS.resolve("txt/levin09_k4_27x27.txt").toString());
        assertThat(levin4.shape()).isEqualTo("27×27");
        assertThat(levin4.sum()).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void textKernelsAcceptCommasCommentsAndBlankLines() throws IOException {
        Path f = dir.resolve("k.csv");
        Files.writeString(f, "# a comment\n% matlab comment\n\n1, 2,3\n  4\t5 ; 6e-1 \n");
        assertThat(KernelFiles.read(f)).isEqualTo(Kernel.of(new double[][] {{1, 2, 3}, {4, 5, 0.6}}));
    }

    @Test
    void specsParseFromTheRight() throws IOException {
        assertThat(KernelSpec.parse(K12 + ":kernels:3")).isEqualTo(new KernelSpec(Path.of(K12), "kernels", 3));
        assertThat(KernelSpec.parse(K12 + ":kernels")).isEqualTo(new KernelSpec(Path.of(K12), "kernels", null));
        assertThat(KernelSpec.parse(K12 + ":3")).isEqualTo(new KernelSpec(Path.of(K12), null, 3));
        assertThat(KernelSpec.parse(K12 + "::3")).isEqualTo(new KernelSpec(Path.of(K12), null, 3));
        assertThat(KernelSpec.parse(K12)).isEqualTo(KernelSpec.of(Path.of(K12)));
        // a .mat that does not exist yet still splits (the error will then be "file not found")
        assertThat(KernelSpec.parse("missing.mat:k:2")).isEqualTo(new KernelSpec(Path.of("missing.mat"), "k", 2));
        // ':' inside paths: Windows drive letters and odd directory names
        assertThat(KernelSpec.parse("C:\\kernels\\k.npy")).isEqualTo(KernelSpec.of(Path.of("C:\\kernels\\k.npy")));
        assertThat(KernelSpec.parse("C:\\kernels\\k.mat:kernels:2").path()).isEqualTo(Path.of("C:\\kernels\\k.mat"));
        Path odd = Files.createDirectory(dir.resolve("a:b"));
        Path npy = odd.resolve("x:1");
        NpyArray.writeFloat32(npy, new int[] {1, 2}, new float[] {1, 3});
        assertThat(KernelSpec.parse(npy.toString())).isEqualTo(KernelSpec.of(npy));
        for (String s : new String[] {K12 + ":kernels:3", K12 + ":3", K12 + ":kernels", K12}) {
            assertThat(KernelSpec.parse(KernelSpec.parse(s).toString())).isEqualTo(KernelSpec.parse(s));
        }
        assertThat(KernelSpec.parse(K12 + "::3").toString()).isEqualTo(K12 + ":3");
        assertThat(KernelFiles.read(K12 + ":3")).isEqualTo(KernelFiles.read(K12 + ":kernels:3"));
    }

    @Test
    void badSpecsAreRejected() {
        assertThatThrownBy(() -> KernelSpec.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty kernel spec");
        assertThatThrownBy(() -> KernelSpec.parse(K12 + ":kernels:0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0 is invalid, indices count from 1");
        assertThatThrownBy(() -> KernelSpec.parse(K12 + ":kernels:x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 'x' is not a positive integer");
        assertThatThrownBy(() -> KernelSpec.parse(K12 + ":kernels:")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index '' is not a positive integer");
    }

    @Test
    void matErrorsAreClear() throws IOException {
        assertThatThrownBy(() -> KernelFiles.read(K12)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernels_12.mat: variable 'kernels' holds 12 kernels; choose one with ")
                .hasMessageContaining("kernels_12.mat:kernels:INDEX (INDEX = 1..12)");
        assertThatThrownBy(() -> KernelFiles.read(K12 + ":kernels:13")).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel index 13 is out of range: variable 'kernels' holds 12 kernels (indices 1..12)");
        assertThatThrownBy(() -> KernelFiles.read(K12 + ":foo")).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("no variable 'foo'; variables in the file: kernels");
        assertThatThrownBy(() -> KernelFiles.read(KERNELS.resolve("Levin09.mat").toString()))
                .isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("MATLAB v7.3 (HDF5) .mat files are not supported")
                .hasMessageContaining("plain-text export");

        Path two = mat("two.mat", Map.of("a", matrix(new double[][] {{1}}), "b", matrix(new double[][] {{2}})));
        assertThatThrownBy(() -> KernelFiles.read(two.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("holds 2 variables (").hasMessageContaining("name one: " + two + ":VARIABLE");
        assertThat(KernelFiles.read(two + ":b")).isEqualTo(Kernel.of(new double[][] {{2}}));

        Path nan = mat("nan.mat", Map.of("k", matrix(new double[][] {{0, 1}, {Double.NaN, 0}})));
        assertThatThrownBy(() -> KernelFiles.read(nan.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 'k': kernel contains NaN or infinite values (first NaN at row 2, column 1");
        Path zero = mat("zero.mat", Map.of("k", matrix(new double[][] {{0, 0}, {0, 0}})));
        assertThatThrownBy(() -> KernelFiles.read(zero.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 'k': kernel is all zero");
        Path fourD = mat("4d.mat", Map.of("k", Mat5.newMatrix(new int[] {2, 2, 1, 2})));
        assertThatThrownBy(() -> KernelFiles.read(fourD.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 'k' is 2×2×1×2: a kernel must be 2-D");
        Path struct = mat("struct.mat", Map.of("s", Mat5.newStruct()));
        assertThatThrownBy(() -> KernelFiles.read(struct.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 's' is a 1×1 struct, not a numeric matrix or a cell array");
        Cell bad = Mat5.newCell(1, 2);
        bad.set(0, matrix(new double[][] {{1}}));
        bad.set(1, Mat5.newString("text"));
        Path badCell = mat("cell.mat", Map.of("c", bad));
        assertThat(KernelFiles.read(badCell + ":c:1")).isEqualTo(Kernel.delta());
        assertThatThrownBy(() -> KernelFiles.read(badCell + ":c:2")).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 'c' cell 2: holds a 1×4 char, not a 2-D numeric kernel");
        Path single = mat("single.mat", Map.of("k", matrix(new double[][] {{1, 2}})));
        assertThatThrownBy(() -> KernelFiles.read(single + ":k:2")).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel index 2 is out of range: variable 'k' holds 1 kernel (index 1)");

        Path garbage = dir.resolve("garbage.mat");
        Files.writeString(garbage, "x".repeat(200));
        assertThatThrownBy(() -> KernelFiles.read(garbage.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("not a MATLAB v5 .mat file");
        Path tiny = dir.resolve("tiny.mat");
        Files.writeString(tiny, "MATLAB 5.0");
        assertThatThrownBy(() -> KernelFiles.read(tiny.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("too short to be a MATLAB .mat file");
        Path cut = dir.resolve("cut.mat");
        byte[] bytes = Files.readAllBytes(Path.of(K12));
        Files.write(cut, Arrays.copyOf(bytes, 300));
        assertThatThrownBy(() -> KernelFiles.read(cut + ":kernels:1")).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("cut.mat: corrupt or truncated MATLAB .mat file");
    }

    /**
     * Regressions found by {@link ReaderFuzzTest}: MFL trusts byte counts and dimensions, so before
     * MatStructure these failed with OutOfMemoryError, NegativeArraySizeException or a 1 GiB
     * allocation; now each is refused before MFL sees it.
     */
    @Test
    void corruptMatStructuresAreRefusedBeforeParsing() throws IOException {
        byte[] k = doubles(0.25, 0.25, 0.25, 0.25);
        // a cell claiming 2^31 - 1 elements (MFL allocated an array of that many)
        assertMatRefused("cell.mat", array(1, new int[] {Integer.MAX_VALUE, 1}, "c", new byte[0]),
                "an array of 2147483647 cells or fields holds only 0 bytes");
        // a name whose byte count is 0xffffffff (MFL: NegativeArraySizeException)
        byte[] name = matElement(1, 0xffffffffL, new byte[0]);
        assertMatRefused("name.mat", matElement(14, -1, concat(matElement(6, 8, new byte[] {6, 0, 0, 0, 0, 0, 0, 0}),
                matElement(5, 8, ints(2, 2)), name)), "array name at byte 168 claims 4294967295 bytes, only 0 follow");
        // data claiming 1 GiB (MFL allocated it, then hit the end of the file)
        byte[] huge = matElement(14, -1, concat(matElement(6, 8, new byte[] {6, 0, 0, 0, 0, 0, 0, 0}),
                matElement(5, 8, ints(2, 2)), matElement(1, 1, new byte[] {'k'}), matElement(9, 1 << 30, k)));
        assertMatRefused("huge.mat", huge, "array data at byte 184 claims 1073741824 bytes, only 32 follow");
        // the same inside a compressed variable
        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (DeflaterOutputStream out = new DeflaterOutputStream(deflated)) {
            out.write(huge);
        }
        assertMatRefused("compressed.mat", matElement(15, -1, deflated.toByteArray()),
                "array data at byte 56 of the variable compressed at byte 128 claims 1073741824 bytes, only 32 follow");
        // dimensions that disagree with the data
        assertMatRefused("dims.mat", array(6, new int[] {3, 3}, "k", matElement(9, -1, k)),
                "the dimensions say 9 elements, the array data holds 32 bytes of 8-byte elements");
        // and the well-formed version of the same file reads
        Path good = Files.write(dir.resolve("good.mat"), matFile(array(6, new int[] {2, 2}, "k", matElement(9, -1, k))));
        assertThat(KernelFiles.read(good)).isEqualTo(Kernel.of(new double[][] {{0.25, 0.25}, {0.25, 0.25}}));
    }

    private void assertMatRefused(String name, byte[] variable, String message) throws IOException {
        Path file = Files.write(dir.resolve(name), matFile(variable));
        assertThatThrownBy(() -> KernelFiles.read(file)).isExactlyInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContainingAll(".mat", message);
    }

    /** A little-endian MAT v5 file of the given top-level elements. */
    private static byte[] matFile(byte[]... elements) {
        byte[] header = new byte[128];
        Arrays.fill(header, 0, 116, (byte) ' ');
        byte[] text = "MATLAB 5.0 MAT-file, written by a test".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, header, 0, text.length);
        header[125] = 1; // version 0x0100
        header[126] = 'I';
        header[127] = 'M';
        return concat(header, concat(elements));
    }

    /** An array element: flags (class), dimensions, name, then {@code content}. */
    private static byte[] array(int cls, int[] dims, String name, byte[] content) {
        return matElement(14, -1, concat(matElement(6, 8, new byte[] {(byte) cls, 0, 0, 0, 0, 0, 0, 0}),
                matElement(5, -1, ints(dims)), matElement(1, -1, name.getBytes(StandardCharsets.US_ASCII)), content));
    }

    /** A data element: type, byte count ({@code declared}, or the data's length if negative), data, padding. */
    private static byte[] matElement(int type, long declared, byte[] data) {
        int padded = type == 15 ? data.length : (data.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt((int) (declared < 0 ? data.length : declared)).put(data);
        return b.array();
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void matStacksAndPlainMatrices() throws IOException {
        Matrix stack = Mat5.newMatrix(new int[] {2, 3, 2});
        for (int s = 0; s < 2; s++) {
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    stack.setDouble(new int[] {r, c, s}, 100 * s + 10 * r + c + 1);
                }
            }
        }
        Path f = mat("stack.mat", Map.of("ks", stack));
        List<Kernel> all = KernelFiles.readAll(f.toString());
        assertThat(all).containsExactly(
                Kernel.of(new double[][] {{1, 2, 3}, {11, 12, 13}}),
                Kernel.of(new double[][] {{101, 102, 103}, {111, 112, 113}}));
        assertThat(KernelFiles.read(f + ":ks:2")).isEqualTo(all.get(1));
        assertThatThrownBy(() -> KernelFiles.read(f.toString())).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("variable 'ks' holds 2 kernels; choose one with");

        Path m = mat("m.mat", Map.of("k", matrix(new double[][] {{0.25, 0.5}, {0.25, 0}})));
        assertThat(KernelFiles.read(m.toString())).isEqualTo(Kernel.of(new double[][] {{0.25, 0.5}, {0.25, 0}}));
        assertThat(KernelFiles.read(m + ":k:1")).isEqualTo(KernelFiles.read(m.toString()));
        assertThat(KernelFiles.readAll(m.toString())).hasSize(1);
    }

    /** What scipy.io.loadmat gives and np.save keeps: a Fortran-order (column-major) array. */
    @Test
    void fortranOrderNpyKernelsReadRowByRow() throws IOException {
        Path f = dir.resolve("fortran.npy");
        NpyArray.writeFloat32(f, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        // same header length: the stored values now run down the columns
        Files.write(f, bytes.replace("'fortran_order': False", "'fortran_order': True ")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(KernelFiles.read(f)).isEqualTo(Kernel.of(new double[][] {{1, 3, 5}, {2, 4, 6}}));
    }

    @Test
    void npyTextAndImageErrorsAreClear() throws IOException {
        Path missing = dir.resolve("nope.npy");
        assertThatThrownBy(() -> KernelFiles.read(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("file not found");
        assertThatThrownBy(() -> KernelFiles.read(dir.resolve("nope.mat:k:1").toString()))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.mat").hasMessageContaining("file not found");
        assertThatThrownBy(() -> KernelFiles.read(dir.resolve("k.bmp"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported kernel file extension '.bmp'; supported: .mat, .npy, .txt, .csv, .png, .tif, .tiff");

        Path threeD = dir.resolve("k3.npy");
        NpyArray.writeFloat32(threeD, new int[] {2, 2, 2}, new float[8]);
        assertThatThrownBy(() -> KernelFiles.read(threeD)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("a kernel must be a 2-D array, got shape [2, 2, 2]");
        assertThatThrownBy(() -> KernelFiles.read(threeD + ":x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only .mat files hold variables and indices");
        Path inf = dir.resolve("inf.npy");
        NpyArray.writeFloat32(inf, new int[] {2, 2}, new float[] {0, 1, 0, Float.NEGATIVE_INFINITY});
        assertThatThrownBy(() -> KernelFiles.read(inf)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel contains NaN or infinite values (first -Infinity at row 2, column 2");
        Path zeros = dir.resolve("zeros.npy");
        NpyArray.writeFloat32(zeros, new int[] {3, 3}, new float[9]);
        assertThatThrownBy(() -> KernelFiles.read(zeros)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel is all zero");

        Path ragged = write("ragged.txt", "1 2 3\n4 5\n");
        assertThatThrownBy(() -> KernelFiles.read(ragged)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("line 2 has 2 values, earlier rows have 3");
        Path word = write("word.txt", "1 2\n3 abc\n");
        assertThatThrownBy(() -> KernelFiles.read(word)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("line 2: 'abc' is not a number");
        Path nan = write("nan.txt", "1 nan\n");
        assertThatThrownBy(() -> KernelFiles.read(nan)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("line 1: kernel contains nan; only finite values are accepted");
        Path empty = write("empty.txt", "# nothing\n\n");
        assertThatThrownBy(() -> KernelFiles.read(empty)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("holds no numbers");
        Path binary = Files.write(dir.resolve("binary.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        assertThatThrownBy(() -> KernelFiles.read(binary)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("not a text file");
        Path zeroTxt = write("zero.txt", "0 0\n0 0\n");
        assertThatThrownBy(() -> KernelFiles.read(zeroTxt)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel is all zero");

        Path rgb = dir.resolve("rgb.png");
        ImageFiles.write(rgb, Image.of(3, 1, 2, new float[] {1, 0, 0, 1, 0, 0}));
        assertThatThrownBy(() -> KernelFiles.read(rgb)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("a kernel image must be greyscale");
        Path black = dir.resolve("black.png");
        ImageFiles.write(black, Image.zeros(1, 3, 3));
        assertThatThrownBy(() -> KernelFiles.read(black)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("kernel is all zero");
    }

    @Test
    void imageKernelsAreNormalisedToSumOne() throws IOException {
        Path png = dir.resolve("k.png");
        ImageFiles.write(png, Image.of(1, 2, 2, new float[] {0, 51 / 255f, 102 / 255f, 102 / 255f}));
        Kernel k = KernelFiles.read(png);
        assertThat(k.sum()).isCloseTo(1.0, within(1e-12));
        assertThat(k.toArray()).containsExactly(new double[] {0, 0.2, 0.4, 0.4}, within(1e-7));
        Path grey3 = dir.resolve("k3.png"); // grey stored as RGB is accepted
        ImageFiles.write(grey3, Image.of(3, 1, 2, new float[] {1, 1, 1, 1, 1, 1}));
        assertThat(KernelFiles.read(grey3)).isEqualTo(Kernel.of(new double[][] {{0.5, 0.5}}));
        Path tif = dir.resolve("k.tif");
        ImageFiles.write(tif, Image.of(1, 1, 3, new float[] {1, 2, 1}));
        assertThat(KernelFiles.read(tif)).isEqualTo(Kernel.of(new double[][] {{0.25, 0.5, 0.25}}));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static Matrix matrix(double[][] rows) {
        Matrix m = Mat5.newMatrix(rows.length, rows[0].length);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < rows[0].length; c++) {
                m.setDouble(r, c, rows[r][c]);
            }
        }
        return m;
    }

    private Path mat(String name, Map<String, Array> variables) throws IOException {
        Path file = dir.resolve(name);
        MatFile mat = Mat5.newMatFile();
        variables.forEach(mat::addArray);
        Mat5.writeToFile(mat, file.toFile());
        return file;
    }
}
