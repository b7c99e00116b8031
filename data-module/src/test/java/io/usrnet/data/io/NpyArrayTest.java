package io.usrnet.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Fixtures;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {
    private static final Path FIXTURES = Fixtures.root();

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
    void rejectsAbsurdDimensionsWithoutAllocating(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("huge.npy");
        Files.write(f, npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (999999999, 999999), }", 16));
        assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }

    @Test
    void rejectsUnsupportedTypes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("int64.npy");
        Files.write(f, npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16));
        assertThatThrownBy(() -> NpyArray.read(f)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("unsupported .npy element type '<i8'");
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
