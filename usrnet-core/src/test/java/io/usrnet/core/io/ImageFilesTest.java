package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.TestData;
import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageFilesTest {
    private static final Path FIXTURES = TestData.FIXTURES;

    @TempDir
    Path dir;

    /** Every integer level 0..max once (cycled), as floats v / max, planar C×H×W. */
    private static Image levels(int channels, int h, int w, int max, int offset) {
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((((long) i * 7919 + offset) % (max + 1)) / (double) max);
        }
        return Image.wrap(channels, h, w, v);
    }

    private static Image floats(int channels, int h, int w) {
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 0.37) * 1.7f - 0.2f; // outside [0, 1] on purpose
        }
        v[0] = Float.MIN_VALUE;
        v[1] = -0f;
        v[2] = 1e30f;
        return Image.wrap(channels, h, w, v);
    }

    private ImageData roundTrip(String name, ImageData data) throws IOException {
        Path file = dir.resolve(name);
        ImageFiles.write(file, data);
        return ImageFiles.read(file);
    }

    /** Integer levels for integer formats, arbitrary (also out-of-range) floats for FLOAT32. */
    private static Image sample(SampleFormat format, int channels, int h, int w, int offset) {
        return format.isInteger() ? levels(channels, h, w, format.maxValue(), offset) : floats(channels, h, w);
    }

    @ParameterizedTest
    @CsvSource({"png, UINT8", "png, UINT16", "tif, UINT8", "tiff, UINT16", "TIF, FLOAT32", "npy, FLOAT32"})
    void everyFormatAndDepthRoundTripsExactly(String extension, SampleFormat format) throws IOException {
        boolean npy = extension.equals("npy");
        for (int channels : npy ? new int[] {1, 3, 4} : new int[] {1, 3}) {
            for (boolean withAlpha : npy ? new boolean[] {false} : new boolean[] {false, true}) {
                Image color = sample(format, channels, 17, 13, 3);
                Image alpha = withAlpha ? sample(format, 1, 17, 13, 12345) : null;
                String name = "img" + channels + withAlpha + "." + extension;
                ImageData back = roundTrip(name, new ImageData(color, alpha, format));
                // bit-exact: integer levels v / max, floats unclamped; alpha kept aside and restored
                assertThat(back).as(name).isEqualTo(new ImageData(color, alpha, format));
            }
        }
    }

    @Test
    void everyIntegerLevelSurvives() throws IOException {
        ImageData back = roundTrip("all.png", ImageData.of(levels(1, 16, 16, 255, 0), SampleFormat.UINT8));
        float[] got = back.color().toArray();
        Arrays.sort(got);
        for (int v = 0; v < 256; v++) {
            assertThat(got[v]).isEqualTo((float) (v / 255.0));
        }
        Image extremes = Image.of(1, 1, 3, new float[] {0f, (float) (1 / 65535.0), 1f});
        assertThat(roundTrip("x.png", ImageData.of(extremes, SampleFormat.UINT16)).color()).isEqualTo(extremes);
        assertThat(roundTrip("x.tif", ImageData.of(extremes, SampleFormat.UINT16)).color()).isEqualTo(extremes);
    }

    @Test
    void npyWritesFloat32ArraysOfTheRightShape() throws IOException {
        for (int channels : new int[] {1, 3, 4}) {
            Path file = dir.resolve("f" + channels + ".npy");
            ImageFiles.write(file, floats(channels, 5, 7)); // default for .npy: float32
            NpyArray array = NpyArray.read(file);
            assertThat(array.dtype()).isEqualTo(NpyArray.DType.FLOAT32);
            assertThat(array.shape()).containsExactly(channels == 1 ? new int[] {5, 7} : new int[] {5, 7, channels});
        }
        // an 8-bit image written to .npy keeps its float values
        ImageFiles.write(dir.resolve("u.npy"), levels(3, 2, 2, 255, 0), SampleFormat.UINT8);
        assertThat(ImageFiles.readImage(dir.resolve("u.npy"))).isEqualTo(levels(3, 2, 2, 255, 0));
    }

    @Test
    void npyIntegerFilesAreScaledAndReportTheirFormat() throws IOException {
        Path u8 = dir.resolve("u8.npy");
        Files.write(u8, npy("|u1", "(2, 2, 3)", new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255}));
        ImageData d8 = ImageFiles.read(u8);
        assertThat(d8.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(d8.color().shape()).isEqualTo("3×2×2");
        assertThat(d8.color().get(0, 0, 1)).isEqualTo((float) (3 / 255.0));
        assertThat(d8.color().get(2, 1, 1)).isEqualTo(1f);

        Path u16 = dir.resolve("u16.npy");
        Files.write(u16, npy("<u2", "(1, 2)", new byte[] {(byte) 0xff, (byte) 0xff, 1, 0}));
        ImageData d16 = ImageFiles.read(u16);
        assertThat(d16.format()).isEqualTo(SampleFormat.UINT16);
        assertThat(d16.color().toArray()).containsExactly(1f, (float) (1 / 65535.0));
    }

    @Test
    void npyBoolImagesAreZeroOrOneAndSignedIntegerImagesAreRefused() throws IOException {
        Path mask = dir.resolve("mask.npy");
        Files.write(mask, npy("|b1", "(1, 3)", new byte[] {1, 0, 1}));
        ImageData d = ImageFiles.read(mask);
        assertThat(d.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(d.color().toArray()).containsExactly(1f, 0f, 1f);

        Path i16 = dir.resolve("i16.npy");
        Files.write(i16, npy("<i2", "(1, 2)", new byte[] {1, 0, 2, 0}));
        assertThatThrownBy(() -> ImageFiles.read(i16)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining(i16.toString()).hasMessageContaining("int16");
    }

    @Test
    void readsFixtureArraysAndPngs() throws IOException {
        ImageData in = ImageFiles.read(FIXTURES.resolve("resunet/tiny/in.npy"));
        assertThat(in.color().channels()).isEqualTo(4); // image + beta map: .npy has no alpha
        assertThat(in.alpha()).isNull();
        assertThat(in.format()).isEqualTo(SampleFormat.FLOAT32);

        ImageData hr = ImageFiles.read(FIXTURES.resolve("degrade/case00/hr.png"));
        assertThat(hr.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(hr.color().channels()).isEqualTo(3);
        assertThat(hr.alpha()).isNull();
        assertThat(hr.color().height() % 8).isZero();
    }

    @Test
    void integerWritesClampAndRoundHalfToEvenLikeNumpy() throws IOException {
        // float32 values whose product with 255 in float32 is exactly k + 0.5
        float[] ties = {0.009803921915590763f, 0.013725490309298038f, 0.39411765336990356f, 0.9941176176071167f};
        float[] products = {2.5f, 3.5f, 100.5f, 253.5f};
        int[] tiesExpected = {2, 4, 100, 254};
        // np.uint8((x.clip(0, 1) * 255.).round()) and the uint16 analogue, computed with numpy
        float[] values = {-0.3f, 0f, 0.001f, 0.5f, 0.7f, 1f, 1.7f, 0.0019607841968536377f, 0.998f};
        int[] u8 = {0, 0, 0, 128, 178, 255, 255, 0, 254};
        int[] u16 = {0, 0, 66, 32768, 45874, 65535, 65535, 128, 65404};
        for (int i = 0; i < ties.length; i++) {
            assertThat(ties[i] * 255f).isEqualTo(products[i]);
            assertThat(SampleFormat.UINT8.quantize(ties[i])).isEqualTo(tiesExpected[i]);
        }
        for (int i = 0; i < values.length; i++) {
            assertThat(SampleFormat.UINT8.quantize(values[i])).as("u8 of " + values[i]).isEqualTo(u8[i]);
            assertThat(SampleFormat.UINT16.quantize(values[i])).as("u16 of " + values[i]).isEqualTo(u16[i]);
        }
        // and through a file
        Image img = Image.of(1, 1, values.length, values);
        float[] back8 = roundTrip("r.png", ImageData.of(img, SampleFormat.UINT8)).color().toArray();
        float[] back16 = roundTrip("r16.png", ImageData.of(img, SampleFormat.UINT16)).color().toArray();
        for (int i = 0; i < values.length; i++) {
            assertThat(back8[i]).isEqualTo((float) (u8[i] / 255.0));
            assertThat(back16[i]).isEqualTo((float) (u16[i] / 65535.0));
        }
        assertThatThrownBy(() -> SampleFormat.FLOAT32.quantize(0.5f)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void defaultFormatsAndAlphaDrop() throws IOException {
        Image rgb = levels(3, 4, 4, 255, 0);
        ImageFiles.write(dir.resolve("p.png"), rgb);
        assertThat(ImageFiles.read(dir.resolve("p.png")).format()).isEqualTo(SampleFormat.UINT8);
        ImageFiles.write(dir.resolve("p.tif"), floats(1, 3, 3));
        assertThat(ImageFiles.read(dir.resolve("p.tif"))).isEqualTo(ImageData.of(floats(1, 3, 3), SampleFormat.FLOAT32));
        ImageFiles.write(dir.resolve("q.png"), rgb, SampleFormat.UINT16);
        assertThat(ImageFiles.read(dir.resolve("q.png")).format()).isEqualTo(SampleFormat.UINT16);

        ImageFiles.write(dir.resolve("a.png"), new ImageData(rgb, levels(1, 4, 4, 255, 9), SampleFormat.UINT8));
        assertThat(ImageFiles.readImage(dir.resolve("a.png"))).isEqualTo(rgb);
    }

    @Test
    void readsPalettePngAndJpeg() throws IOException {
        byte[] r = {0, (byte) 255, 10};
        byte[] g = {0, 0, 20};
        byte[] b = {0, 0, 30};
        byte[] a = {(byte) 255, (byte) 128, 0};
        BufferedImage pal = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 3, r, g, b, a));
        pal.getRaster().setSample(0, 0, 0, 1);
        pal.getRaster().setSample(1, 0, 0, 2);
        Path p = dir.resolve("pal.png");
        ImageIO.write(pal, "png", p.toFile());
        ImageData d = ImageFiles.read(p);
        assertThat(d.format()).isEqualTo(SampleFormat.UINT8);
        assertThat(d.color().toArray()).containsExactly(1f, (float) (10 / 255.0), 0f, (float) (20 / 255.0), 0f,
                (float) (30 / 255.0));
        assertThat(d.alpha().toArray()).containsExactly((float) (128 / 255.0), 0f);

        BufferedImage binary = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        binary.getRaster().setSample(1, 0, 0, 1);
        Path bin = dir.resolve("bin.png");
        ImageIO.write(binary, "png", bin.toFile());
        ImageData db = ImageFiles.read(bin);
        assertThat(db.color().toArray()).containsExactly(0f, 1f, 0f); // 1-bit grey stays grey
        assertThat(db.alpha()).isNull();

        BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(3, 3, 0, 200);
        Path j = dir.resolve("g.JPG");
        ImageIO.write(grey, "jpeg", j.toFile());
        ImageData dj = ImageFiles.read(j);
        assertThat(dj.color().channels()).isEqualTo(1);
        assertThat(dj.format()).isEqualTo(SampleFormat.UINT8);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void missingFileSaysFileNotFound() {
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> ImageFiles.read(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("nope.png").hasMessageContaining("file not found");
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("nope.npy"))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("file not found");
    }

    @Test
    void corruptAndTruncatedFilesAreInvalidFiles() throws IOException {
        Path garbage = dir.resolve("garbage.png");
        Files.writeString(garbage, "this is not a png at all");
        assertThatThrownBy(() -> ImageFiles.read(garbage)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("garbage.png").hasMessageContaining("not a valid PNG file");

        Path cut = truncatedCopy("cut.png", levels(3, 64, 64, 255, 1), 0.5);
        assertThatThrownBy(() -> ImageFiles.read(cut)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("cut.png").hasMessageContaining("corrupt or truncated");
        Path cutTif = truncatedCopy("cut.tif", floats(3, 32, 32), 0.5);
        assertThatThrownBy(() -> ImageFiles.read(cutTif)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("cut.tif").hasMessageContaining("TIFF");
        Path npy = truncatedCopy("cut.npy", floats(3, 8, 8), 0.95);
        assertThatThrownBy(() -> ImageFiles.read(npy)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("cut.npy").hasMessageContaining("truncated");

        Path oneD = dir.resolve("oned.npy");
        NpyArray.writeFloat32(oneD, new int[] {4}, new float[4]);
        assertThatThrownBy(() -> ImageFiles.read(oneD)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("oned.npy").hasMessageContaining("H×W or H×W×C");

        assertThatThrownBy(() -> ImageFiles.read(dir)).isInstanceOf(IllegalArgumentException.class);
        Path folder = Files.createDirectory(dir.resolve("folder.png"));
        assertThatThrownBy(() -> ImageFiles.read(folder)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("is a directory");
    }

    @Test
    void unknownExtensionsListTheSupportedOnes() {
        assertThatThrownBy(() -> ImageFiles.read(dir.resolve("x.bmp"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported image file extension '.bmp'")
                .hasMessageContaining(".png, .tif, .tiff, .jpg, .jpeg, .npy");
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("x"), floats(3, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported output image extension").hasMessageContaining(".png, .tif, .tiff, .npy");
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("x.jpg"), floats(3, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("writing JPEG is not supported").hasMessageContaining(".png, .tif, .tiff, .npy");
    }

    @Test
    void nonFiniteSamplesAreRejectedOnReadAndWrite() throws IOException {
        float[] v = new float[12];
        v[7] = Float.NaN;
        Image nan = Image.wrap(3, 2, 2, v);
        Path npy = dir.resolve("nan.npy");
        NpyArray.writeImage(npy, nan);
        assertThatThrownBy(() -> ImageFiles.read(npy)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("nan.npy")
                .hasMessageContaining("NaN or infinite samples (first at channel 1, row 1, column 1 (NaN))");

        BufferedImage fi = new BufferedImage(new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT),
                new java.awt.image.ComponentColorModel(
                        java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), false, false,
                        java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_FLOAT)
                        .createCompatibleWritableRaster(3, 2), false, null);
        fi.getRaster().setSample(2, 0, 0, Float.POSITIVE_INFINITY);
        Path tif = dir.resolve("inf.tif");
        ImageIO.write(fi, "tiff", tif.toFile());
        assertThatThrownBy(() -> ImageFiles.read(tif)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("inf.tif").hasMessageContaining("first at channel 0, row 0, column 2 (Infinity)");

        for (String name : new String[] {"w.png", "w.tif", "w.npy"}) {
            assertThatThrownBy(() -> ImageFiles.write(dir.resolve(name), nan)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot write an image with NaN or infinite samples");
        }
        assertThat(dir.resolve("w.png")).doesNotExist();
    }

    @Test
    void channelCountsAndSampleFormatsTheFormatCannotHoldAreRejected() {
        Image two = floats(2, 3, 3);
        Image four = floats(4, 3, 3);
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("t.png"), two)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PNG holds 1 (grey) or 3 (RGB) colour channels plus an optional alpha, "
                        + "the image has 2 channels");
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("t.tif"), four)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TIFF holds 1 (grey) or 3 (RGB)").hasMessageContaining("has 4 channels");
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("t.png"), floats(3, 3, 3), SampleFormat.FLOAT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PNG cannot store FLOAT32 samples");
        assertThatThrownBy(() -> ImageFiles.write(dir.resolve("t.npy"),
                new ImageData(floats(3, 3, 3), floats(1, 3, 3), SampleFormat.FLOAT32)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".npy files do not carry a separate alpha");
        assertThatThrownBy(() -> new ImageData(floats(3, 3, 3), floats(1, 3, 4), SampleFormat.UINT8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha must be 1×3×3");
    }

    @Test
    void missingOutputDirectoryIsReported() {
        Path target = dir.resolve("no/such/dir/out.png");
        assertThatThrownBy(() -> ImageFiles.write(target, floats(3, 2, 2)))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("output directory does not exist");
    }

    // ------------------------------------------------------------------ atomic writes

    @Test
    void failedWritesLeaveTheTargetUntouchedAndNoTemporaryFiles() throws IOException {
        Path target = dir.resolve("out.png");
        Files.writeString(target, "original");
        // rejected before anything is written
        assertThatThrownBy(() -> ImageFiles.write(target, floats(2, 3, 3))).isInstanceOf(IllegalArgumentException.class);
        // failing half-way through the content
        assertThatThrownBy(() -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "partial");
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> AtomicFiles.write(target, tmp -> {
            Files.writeString(tmp, "partial");
            throw new IllegalStateException("bug");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(target).hasContent("original");
        assertThat(listing()).containsExactly("out.png");

        // a successful write replaces the target and leaves nothing else behind
        ImageFiles.write(target, levels(3, 5, 5, 255, 2));
        assertThat(ImageFiles.readImage(target)).isEqualTo(levels(3, 5, 5, 255, 2));
        ImageFiles.write(dir.resolve("n.npy"), floats(3, 2, 2));
        assertThat(listing()).containsExactly("n.npy", "out.png");
    }

    /** Writes {@code image} to {@code name}, then keeps only the first {@code fraction} of the file. */
    private Path truncatedCopy(String name, Image image, double fraction) throws IOException {
        Path file = dir.resolve(name);
        ImageFiles.write(file, image);
        byte[] bytes = Files.readAllBytes(file);
        return Files.write(file, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
    }

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    /** A version-1 .npy file with the given descr, shape text and raw data. */
    private static byte[] npy(String descr, String shape, byte[] data) {
        return npy(descr, false, shape, data);
    }

    /** A version-1 .npy file with the given descr, order, shape text and raw data (in that order). */
    static byte[] npy(String descr, boolean fortranOrder, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return buf.array();
    }
}
