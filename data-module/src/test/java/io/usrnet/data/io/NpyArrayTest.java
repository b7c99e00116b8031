package io.usrnet.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Fixtures;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {
    private static final Path FIXTURES = Fixtures.root();
    /** Small committed fixtures made by numpy (npy/make_fixtures.py, beside them). */
    private static final Path NPY = resourceFolder("npy");

    private static Path resourceFolder(String name) {
        try {
            return Path.of(NpyArrayTest.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsFixtureImageAndKernel() throws IOException {
        NpyArray x = NpyArray.read(FIXTURES.resolve("data_module/case00/x.npy"));
        assertThat(x.shape()).containsExactly(40, 56, 3);
        assertThat(x.dtype()).isEqualTo(NpyArray.DType.FLOAT32);
        Image img = x.toImage();
        assertThat(img.shape()).isEqualTo("3×40×56");
        // HWC element (row 1, col 2, channel 1) lands at planar (1, 1, 2).
        assertThat(img.get(1, 1, 2)).isEqualTo(x.toFloats()[(1 * 56 + 2) * 3 + 1]);

        Kernel k = NpyArray.read(FIXTURES.resolve("data_module/case04/k.npy")).toKernel();
        assertThat(k.shape()).isEqualTo("16×10");
    }

    @Test
    void roundTripsImages(@TempDir Path dir) throws IOException {
        float[] planar = new float[2 * 3 * 5];
        for (int i = 0; i < planar.length; i++) {
            planar[i] = i * 0.37f - 2.5f;
        }
        Image img = Image.of(2, 3, 5, planar);
        Path f = dir.resolve("a.npy");
        NpyArray.writeImage(f, img);
        NpyArray back = NpyArray.read(f);
        assertThat(back.shape()).containsExactly(3, 5, 2);
        assertThat(back.toImage()).isEqualTo(img);
        assertThat((Files.size(f) - 4L * planar.length) % 64).isZero(); // header aligned as NumPy does
    }

    @Test
    void roundTripsKernelsAsFloat64(@TempDir Path dir) throws IOException {
        Kernel k = Kernel.of(new double[][] {{0.1, 0.2, Math.PI / 10}, {1e-300, 0.3, Math.ulp(1.0)}});
        Path f = dir.resolve("k.npy");
        NpyArray.writeKernel(f, k);
        NpyArray back = NpyArray.read(f);
        assertThat(back.dtype()).isEqualTo(NpyArray.DType.FLOAT64);
        assertThat(back.shape()).containsExactly(2, 3);
        assertThat(back.toKernel()).isEqualTo(k); // bit for bit
        assertThat((Files.size(f) - 8L * 6) % 64).isZero();
        assertThat(new String(Files.readAllBytes(f), 0, 128, StandardCharsets.ISO_8859_1))
                .contains("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3");
    }

    @Test
    void rejectsAbsurdDimensionsWithoutAllocating(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("huge.npy");
        Files.write(f, npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (999999999, 999999), }", 16));
        assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }

    @Test
    void rejectsUnsupportedTypes(@TempDir Path dir) throws IOException {
        for (String descr : new String[] {"<f2", "<c16", "<U4", "|S3", "<M8[s]"}) {
            Path f = dir.resolve("odd.npy");
            Files.write(f, npyBytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2,), }", 32));
            assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(InvalidFileException.class)
                    .hasMessageContaining(f.toString())
                    .hasMessageContaining("unsupported .npy element type '" + descr + "'");
        }
    }

    /**
     * Every element type, byte order and memory order of the fixtures (made by numpy, see
     * npy/make_fixtures.py) reads as the same shape and numbers as its C-order float reference.
     */
    @Test
    void everyTypeByteOrderAndMemoryOrderReadsAsTheReference() throws IOException {
        Set<String> seen = new TreeSet<>();
        for (Path f : fixtures("(kernel|ikernel|image)-[a-z][0-9]-(le|be)-[CF]\\.npy")) {
            String name = f.getFileName().toString();
            String[] parts = name.replace(".npy", "").split("-");
            NpyArray a = NpyArray.read(f);
            NpyArray ref = NpyArray.read(NPY.resolve(reference(parts[0], parts[1])));
            assertThat(a.shape()).as(name).containsExactly(ref.shape());
            assertThat(a.toDoubles()).as(name).containsExactly(ref.toDoubles());
            assertThat(a.toFloats()).as(name).containsExactly(ref.toFloats());
            assertThat(a.dtype().bytes()).as(name).isEqualTo(parts[1].charAt(1) - '0');
            seen.add(parts[1] + "-" + parts[2] + "-" + parts[3]);
        }
        // all 11 types in both memory orders, the multi-byte ones in both byte orders
        assertThat(seen).hasSize(3 * 2 + 8 * 2 * 2);
    }

    /**
     * The header of every fixture says its shape, type, byte order and memory order; every region of
     * its first two dimensions reads as the same part of the whole array (C order: row segments
     * read from the file; Fortran order: cut from the whole).
     */
    @Test
    void headersAndRegionsOfEveryTypeByteOrderAndMemoryOrder() throws IOException {
        for (Path f : fixtures("(kernel|ikernel|image)-[a-z][0-9]-(le|be)-[CF]\\.npy")) {
            String name = f.getFileName().toString();
            String[] parts = name.replace(".npy", "").split("-");
            NpyArray whole = NpyArray.read(f);
            NpyArray.Header header = NpyArray.readHeader(f);
            assertThat(header.shape()).as(name).containsExactly(whole.shape());
            assertThat(header.dtype()).as(name).isEqualTo(whole.dtype());
            assertThat(header.fortranOrder()).as(name).isEqualTo(parts[3].equals("F"));
            if (header.dtype().bytes() > 1) {
                assertThat(header.order()).as(name)
                        .isEqualTo(parts[2].equals("be") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            }
            assertThat(header.dataOffset() + header.elementCount() * header.dtype().bytes()).as(name)
                    .isEqualTo(Files.size(f));
            int[] shape = whole.shape();
            int h = shape[0];
            int w = shape[1];
            int[][] regions = {{0, 0, h, w}, {0, 0, 1, 1}, {h - 1, w - 1, 1, 1}, {h / 2, w / 3, h - h / 2, w - w / 3},
                {1, 0, Math.max(1, h - 2), 1}};
            for (int[] r : regions) {
                NpyArray part = NpyArray.readRegion(f, r[0], r[1], r[2], r[3]);
                int[] expectedShape = shape.clone();
                expectedShape[0] = r[2];
                expectedShape[1] = r[3];
                assertThat(part.shape()).as(name).containsExactly(expectedShape);
                assertThat(part.dtype()).as(name).isEqualTo(whole.dtype());
                assertThat(part.toDoubles()).as(name + " " + java.util.Arrays.toString(r))
                        .containsExactly(crop(whole.toDoubles(), shape, r));
            }
        }
    }

    /** Rows r[0]..r[0]+r[2]-1 and columns r[1]..r[1]+r[3]-1 of a C-order array of {@code shape}. */
    private static double[] crop(double[] values, int[] shape, int[] r) {
        int inner = values.length / (shape[0] * shape[1]);
        double[] out = new double[r[2] * r[3] * inner];
        int i = 0;
        for (int y = r[0]; y < r[0] + r[2]; y++) {
            for (int x = r[1]; x < r[1] + r[3]; x++) {
                for (int k = 0; k < inner; k++) {
                    out[i++] = values[(y * shape[1] + x) * inner + k];
                }
            }
        }
        return out;
    }

    @Test
    void regionsOutsideTheArrayOrOfOneDimensionalArraysAreRefused(@TempDir Path dir) throws IOException {
        Path image = dir.resolve("image.npy");
        NpyArray.writeFloat32(image, new int[] {4, 5, 2}, new float[40]);
        for (int[] r : new int[][] {{-1, 0, 1, 1}, {0, 0, 0, 1}, {3, 0, 2, 1}, {0, 4, 1, 2}}) {
            assertThatThrownBy(() -> NpyArray.readRegion(image, r[0], r[1], r[2], r[3]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(image.toString())
                    .hasMessageContaining("not inside the array of shape [4, 5, 2]");
        }
        Path flat = dir.resolve("flat.npy");
        NpyArray.writeFloat32(flat, new int[] {6}, new float[6]);
        assertThatThrownBy(() -> NpyArray.readRegion(flat, 0, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 dimensions");
        assertThat(NpyArray.readHeader(flat).shape()).containsExactly(6);
    }

    @Test
    void imageHeaderIsTheHeaderWriteImageWrites(@TempDir Path dir) throws IOException {
        for (int channels : new int[] {1, 3}) {
            Path file = dir.resolve("i" + channels + ".npy");
            NpyArray.writeImage(file, Image.zeros(channels, 3, 7));
            byte[] bytes = Files.readAllBytes(file);
            byte[] header = NpyArray.imageHeader(3, 7, channels);
            assertThat(header).hasSize(bytes.length - channels * 3 * 7 * 4);
            assertThat(java.util.Arrays.copyOf(bytes, header.length)).isEqualTo(header);
            assertThat(NpyArray.readHeader(file).dataOffset()).isEqualTo(header.length);
        }
    }

    private static String reference(String base, String type) {
        return switch (base) {
            case "ikernel" -> "ikernel-ref-" + (type.startsWith("u") ? "unsigned" : type.startsWith("i") ? "signed" : "bool")
                    + ".npy";
            case "image" -> type.startsWith("f") ? "image-ref.npy" : "image-ref-int.npy";
            default -> base + "-ref.npy";
        };
    }

    @Test
    void fortranOrderAndBigEndianImagesAreTheSameImage() throws IOException {
        Image ref = NpyArray.read(NPY.resolve("image-ref.npy")).toImage();
        assertThat(ref.shape()).isEqualTo("3×4×5");
        for (String v : new String[] {"f4-le-F", "f4-be-C", "f4-be-F", "f8-le-F", "f8-be-F"}) {
            assertThat(NpyArray.read(NPY.resolve("image-" + v + ".npy")).toImage()).as(v).isEqualTo(ref);
        }
        // integer images: uint8 scaled by 1/255, uint16 by 1/65535, whatever the layout
        float[] counts = NpyArray.read(NPY.resolve("image-ref-int.npy")).toImage().toArray();
        float[] u8 = NpyArray.read(NPY.resolve("image-u1-le-F.npy")).toImage().toArray();
        float[] u16 = NpyArray.read(NPY.resolve("image-u2-be-F.npy")).toImage().toArray();
        for (int i = 0; i < counts.length; i++) {
            assertThat(u8[i]).isEqualTo((float) (counts[i] * (1.0 / 255)));
            assertThat(u16[i]).isEqualTo((float) (counts[i] * (1.0 / 65535)));
        }
    }

    @Test
    void signedAndWideIntegerImagesAreRefusedWithTheType() throws IOException {
        NpyArray a = NpyArray.read(NPY.resolve("ikernel-i2-le-C.npy"));
        assertThatThrownBy(a::toImage).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int16");
        NpyArray b = NpyArray.read(NPY.resolve("ikernel-b1-le-F.npy"));
        assertThat(b.toImage().toArray()).containsExactly(NpyArray.read(NPY.resolve("ikernel-ref-bool.npy")).toFloats());
    }

    /** Values that need every byte of int16..int64 and uint16..uint64, in both byte orders. */
    @Test
    void wideIntegersKeepTheirValues() throws IOException {
        int checked = 0;
        for (Path f : fixtures("wide-[iu][248]-(le|be)\\.npy")) {
            String name = f.getFileName().toString();
            String type = name.split("-")[1];
            double[] expected = NpyArray.read(NPY.resolve("wide-" + type + "-ref.npy")).toDoubles();
            assertThat(NpyArray.read(f).toDoubles()).as(name).containsExactly(expected);
            checked++;
        }
        assertThat(checked).isEqualTo(12);
        // the largest uint64 of the fixture, 2^64 - 2^11, is exact in double; a signed read would give -2048
        assertThat(NpyArray.read(NPY.resolve("wide-u8-be.npy")).toDoubles()[0]).isEqualTo(0x1p64 - 0x1p11);
    }

    @Test
    void formatVersions2And3AndAScipyLoadedKernel() throws IOException {
        double[] ref = NpyArray.read(NPY.resolve("kernel-ref.npy")).toDoubles();
        for (String name : new String[] {"kernel-v2.npy", "kernel-v3.npy", "kernel-scipy.npy"}) {
            NpyArray a = NpyArray.read(NPY.resolve(name));
            assertThat(a.shape()).as(name).containsExactly(3, 4);
            assertThat(a.toDoubles()).as(name).containsExactly(ref);
        }
        assertThat(Files.readString(NPY.resolve("kernel-scipy.npy"), StandardCharsets.ISO_8859_1))
                .contains("'fortran_order': True");
        Kernel k = NpyArray.read(NPY.resolve("kernel-scipy.npy")).toKernel();
        assertThat(k.get(0, 1)).isEqualTo(-0.875); // row 0, column 1: C-order element 1
        assertThat(k.get(1, 0)).isEqualTo(0.25);   // row 1, column 0: C-order element 4
    }

    /** A Fortran-order array with a zero-length dimension: empty. */
    @Test
    void emptyFortranArrays(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("empty.npy");
        Files.write(f, npyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 0, 5), }", 0));
        NpyArray a = NpyArray.read(f);
        assertThat(a.size()).isZero();
        assertThat(a.toDoubles()).isEmpty();
    }

    private static List<Path> fixtures(String regex) throws IOException {
        try (Stream<Path> files = Files.list(NPY)) {
            List<Path> list = files.filter(p -> p.getFileName().toString().matches(regex)).sorted().toList();
            assertThat(list).as(regex).isNotEmpty();
            return list;
        }
    }

    private static byte[] npyBytes(String dict, int dataBytes) {
        byte[] h = (dict + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + dataBytes];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >> 8)};
        System.arraycopy(magic, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    @Test
    void rejectsNonNpy(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.writeString(f, "hello world, not numpy");
        assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("not a .npy file");
    }
}
