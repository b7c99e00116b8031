package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.TestData;
import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ImageFiles#readRegion} gives exactly the crop of {@link ImageFiles#read} (colour, alpha,
 * sample format, pixel size, floats bit for bit) for every format and TIFF layout: strips and tiles,
 * chunky and planar, uncompressed, LZW, Deflate and PackBits, with predictors, the Java runtime's
 * TIFF reader for JPEG-compressed files; PNG, JPEG; {@code .npy} in C and Fortran order. Also the
 * region checks and {@link ImageFiles#headerSize} of {@code .npy} files.
 */
class ImageRegionsTest {
    @TempDir
    Path dir;

    /** The regions tried on an h×w image: whole, the four corners, single pixels, rows and columns, the middle. */
    private static List<int[]> regions(int h, int w) {
        List<int[]> out = new ArrayList<>();
        out.add(new int[] {0, 0, h, w});
        out.add(new int[] {0, 0, 1, 1});
        out.add(new int[] {h - 1, w - 1, 1, 1});
        out.add(new int[] {0, w - 1, 1, 1});
        out.add(new int[] {h - 1, 0, 1, 1});
        out.add(new int[] {0, 0, (h + 1) / 2, (w + 1) / 2});
        out.add(new int[] {0, w / 2, (h + 2) / 3, w - w / 2});
        out.add(new int[] {h / 2, 0, h - h / 2, (w + 2) / 3});
        out.add(new int[] {h / 3, w / 3, h - h / 3, w - w / 3});
        out.add(new int[] {h / 2, 0, 1, w});
        out.add(new int[] {0, w / 2, h, 1});
        out.add(new int[] {h / 4, w / 5, Math.max(1, h / 2), Math.max(1, w / 2)});
        return out;
    }

    /** Rows y..y+h-1, columns x..x+w-1 of every channel. */
    static Image crop(Image image, int y, int x, int h, int w) {
        float[] out = new float[image.channels() * h * w];
        int i = 0;
        for (int c = 0; c < image.channels(); c++) {
            for (int r = 0; r < h; r++) {
                for (int col = 0; col < w; col++) {
                    out[i++] = image.get(c, y + r, x + col);
                }
            }
        }
        return Image.wrap(image.channels(), h, w, out);
    }

    /** Every region of {@link #regions} reads as the crop of the whole image. */
    static void assertRegionsAreCrops(Path file) throws IOException {
        ImageData whole = ImageFiles.read(file);
        int h = whole.color().height();
        int w = whole.color().width();
        for (int[] r : regions(h, w)) {
            String what = file.getFileName() + " region " + Arrays.toString(r) + " of " + h + "×" + w;
            ImageData part = ImageFiles.readRegion(file, r[0], r[1], r[2], r[3]);
            // Image.equals compares the floats' bits (Arrays.equals on float[])
            assertThat(part.color()).as(what).isEqualTo(crop(whole.color(), r[0], r[1], r[2], r[3]));
            assertThat(part.alpha()).as(what + " alpha")
                    .isEqualTo(whole.hasAlpha() ? crop(whole.alpha(), r[0], r[1], r[2], r[3]) : null);
            assertThat(part.format()).as(what).isEqualTo(whole.format());
            assertThat(part.pixelSize()).as(what).isEqualTo(whole.pixelSize());
        }
    }

    static Stream<String> singleImageTiffFixtures() throws IOException {
        return TiffFixturesTest.rows().filter(r -> r.pages() == 1).map(TiffFixturesTest.Row::file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleImageTiffFixtures")
    void tiffFixtureRegionsAreCropsOfTheWholeImage(String name) throws IOException {
        assertRegionsAreCrops(TestData.TIFF.resolve(name));
    }

    @ParameterizedTest(name = "{0} {1} channel(s), alpha {2}, {3}")
    @CsvSource({"UINT8, 3, true, DEFLATE", "UINT16, 1, true, NONE", "FLOAT32, 3, false, NONE",
        "FLOAT32, 1, false, DEFLATE", "UINT16, 3, true, DEFLATE"})
    void regionsOfTiffsInSeveralStripsAreCrops(SampleFormat format, int channels, boolean alpha,
            Compression compression) throws IOException {
        // 64 KiB strips: 157 rows of 301 pixels make two to eleven strips, the last one short
        ImageData data = new ImageData(pattern(channels, 157, 301, format), alpha ? pattern(1, 157, 301, format) : null,
                format, new PixelSize(0.5, 0.5, "µm"));
        Path file = dir.resolve("strips.tif");
        ImageFiles.write(file, data, compression);
        assertRegionsAreCrops(file);
        assertThat(ImageFiles.readRegion(file, 0, 0, 157, 301)).isEqualTo(data);
    }

    @Test
    void regionsOfJpegCompressedTiffsGoThroughTheJavaRuntimesReader() throws IOException {
        BufferedImage img = new BufferedImage(61, 45, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 45; y++) {
            for (int x = 0; x < 61; x++) {
                img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | ((x * y) & 0xff));
            }
        }
        Path file = dir.resolve("jpeg.tif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType("JPEG");
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        assertRegionsAreCrops(file);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"u8-grey.png", "u8-rgba.png", "u16-rgb.png", "u16-grey-alpha.png", "u8-rgb.jpg", "u8-grey.jpeg"})
    void pngAndJpegRegionsAreCrops(String name) throws IOException {
        Path file = dir.resolve(name);
        boolean u16 = name.startsWith("u16");
        SampleFormat format = u16 ? SampleFormat.UINT16 : SampleFormat.UINT8;
        int channels = name.contains("grey") ? 1 : 3;
        boolean alpha = name.contains("alpha") || name.contains("rgba");
        Image color = pattern(channels, 37, 53, format);
        if (name.endsWith(".png")) {
            ImageFiles.write(file, new ImageData(color, alpha ? pattern(1, 37, 53, format) : null, format));
        } else {
            // JPEG is read only here: written by the Java runtime
            BufferedImage img = new BufferedImage(53, 37, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                    : BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 37; y++) {
                for (int x = 0; x < 53; x++) {
                    img.setRGB(x, y, (x * 4) << 16 | (y * 6) << 8 | ((x ^ y) * 3 & 0xff));
                }
            }
            assertThat(ImageIO.write(img, "jpeg", file.toFile())).isTrue();
        }
        assertRegionsAreCrops(file);
    }

    @Test
    void palettePngRegionsAreCrops() throws IOException {
        Path file = dir.resolve("palette.png");
        BufferedImage img = new BufferedImage(29, 17, BufferedImage.TYPE_BYTE_INDEXED);
        for (int y = 0; y < 17; y++) {
            for (int x = 0; x < 29; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 15) << 8 | 77);
            }
        }
        assertThat(ImageIO.write(img, "png", file.toFile())).isTrue();
        assertRegionsAreCrops(file);
    }

    @ParameterizedTest(name = "{0} {1} fortran {2}")
    @CsvSource({"<f4, '(23, 31)', false", "|u1, '(23, 31, 3)', false", "<u2, '(23, 31, 2)', false",
        ">f8, '(23, 31, 3)', false", "|b1, '(23, 31)', false", "<f4, '(23, 31, 3)', true", "|u1, '(23, 31)', true",
        ">u2, '(23, 31, 4)', true"})
    void npyRegionsAreCropsInCAndFortranOrder(String descr, String shape, boolean fortran) throws IOException {
        int[] dims = Arrays.stream(shape.replaceAll("[() ]", "").split(",")).mapToInt(Integer::parseInt).toArray();
        int c = dims.length == 3 ? dims[2] : 1;
        int h = dims[0];
        int w = dims[1];
        int bytes = descr.charAt(2) - '0';
        ByteBuffer data = ByteBuffer.allocate(h * w * c * bytes)
                .order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < h * w * c; i++) {
            // element (y, x, k) of the array, at position i of the file's order
            int y = fortran ? i % h : i / (w * c);
            int x = fortran ? (i / h) % w : (i / c) % w;
            int k = fortran ? i / (h * w) : i % c;
            int v = y * 7919 + x * 104729 + k * 31;
            switch (descr.substring(1)) {
                case "f4" -> data.putFloat((float) Math.sin(v) * 1.5f);
                case "f8" -> data.putDouble(Math.cos(v) * 2);
                case "u1" -> data.put((byte) v);
                case "b1" -> data.put((byte) (v % 3 == 0 ? 1 : 0));
                default -> data.putShort((short) v);
            }
        }
        Path file = dir.resolve("a.npy");
        Files.write(file, ImageFilesTest.npy(descr, fortran, shape, data.array()));
        // the reference: the whole array as NpyArray.toImage reads it (C and Fortran alike)
        Image expected = NpyArray.read(file).toImage();
        assertThat(ImageFiles.read(file).color()).isEqualTo(expected);
        assertThat(expected.get(c - 1, h - 1, w - 1)).isNotEqualTo(expected.get(0, 0, 0));
        assertRegionsAreCrops(file);
    }

    @Test
    void npyArraysThatAreNoImagesAreRefusedAsByRead() throws IOException {
        Path signed = dir.resolve("signed.npy");
        Files.write(signed, ImageFilesTest.npy("<i2", false, "(4, 5)", new byte[40]));
        Path flat = dir.resolve("flat.npy");
        Files.write(flat, ImageFilesTest.npy("<f4", false, "(20,)", new byte[80]));
        for (Path file : List.of(signed, flat)) {
            String message = catchMessage(() -> ImageFiles.read(file));
            assertThatThrownBy(() -> ImageFiles.readRegion(file, 0, 0, 1, 1)).isInstanceOf(InvalidFileException.class)
                    .hasMessage(message);
        }
    }

    @Test
    void aRegionOfATiffLargerThanThePixelLimitCanBeRead() throws IOException {
        // 40000×20000 8-bit grey, uncompressed, one row per strip, every strip the same 40000 bytes:
        // 800 million pixels (above ImageFiles.MAX_PIXELS) in a file of under 400 KB
        int w = 40000;
        int h = 20000;
        assertThat((long) w * h).isGreaterThan(ImageFiles.MAX_PIXELS);
        TiffWriter.Strips layout = new TiffWriter.Strips(w, h, 1, false, SampleFormat.UINT8, 1);
        long[] offsets = new long[h];
        long[] counts = new long[h];
        Arrays.fill(offsets, 8);
        Arrays.fill(counts, w);
        byte[] row = new byte[w];
        for (int x = 0; x < w; x++) {
            row[x] = (byte) (x * 7);
        }
        List<TiffWriter.Field> fields = TiffWriter.fields(layout, Compression.NONE, offsets, counts, false, null,
                null);
        Path file = dir.resolve("huge.tif");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            TiffWriter.writeFully(out, ByteBuffer.wrap(row), 8);
            TiffWriter.writeFully(out, TiffWriter.directory(fields, 8 + w, false, 0), 8 + w);
            TiffWriter.writeHeader(out, false, 8 + w);
        }

        assertThatThrownBy(() -> ImageFiles.read(file)).isInstanceOf(InvalidFileException.class)
                .hasMessage(file + ": image too large (40000×20000 pixels)");
        ImageData part = ImageFiles.readRegion(file, 12345, 39990, 3, 10);
        assertThat(part.format()).isEqualTo(SampleFormat.UINT8);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 10; x++) {
                assertThat(part.color().get(0, y, x)).isEqualTo((float) ((((39990 + x) * 7) & 0xff) / 255.0));
            }
        }
    }

    @Test
    void regionsOutsideTheImageAreRefusedNamingFileRegionAndImageSize() throws IOException {
        Path png = dir.resolve("r.png");
        ImageFiles.write(png, pattern(3, 10, 20, SampleFormat.UINT8));
        Path tif = dir.resolve("r.tif");
        ImageFiles.write(tif, pattern(1, 10, 20, SampleFormat.FLOAT32));
        Path npy = dir.resolve("r.npy");
        ImageFiles.write(npy, pattern(2, 10, 20, SampleFormat.FLOAT32));
        int[][] bad = {{-1, 0, 1, 1}, {0, -1, 1, 1}, {0, 0, 0, 5}, {0, 0, 5, 0}, {9, 0, 2, 1}, {0, 19, 1, 2},
            {0, 0, 11, 20}, {0, 0, 10, 21}, {Integer.MAX_VALUE, 0, Integer.MAX_VALUE, 1}};
        for (Path file : List.of(png, tif, npy)) {
            for (int[] r : bad) {
                assertThatThrownBy(() -> ImageFiles.readRegion(file, r[0], r[1], r[2], r[3]))
                        .as(file.getFileName() + " " + Arrays.toString(r))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage(file + ": region of height " + r[2] + " and width " + r[3] + " at row " + r[0]
                                + ", column " + r[1] + " is not inside the image of height 10 and width 20 (rows and"
                                + " columns count from 0; height and width must be at least 1)");
            }
            assertThat(ImageFiles.readRegion(file, 9, 19, 1, 1).color().shape()).endsWith("1×1");
        }
    }

    @Test
    void missingFilesStacksAndNonFiniteSamplesFailAsInRead() throws IOException {
        Path missing = dir.resolve("none.tif");
        assertThatThrownBy(() -> ImageFiles.readRegion(missing, 0, 0, 1, 1))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("file not found");

        Path stack = TestData.TIFF.resolve("tf-u16-multipage.tif");
        assertThatThrownBy(() -> ImageFiles.readRegion(stack, 0, 0, 1, 1)).isInstanceOf(InvalidFileException.class)
                .hasMessage(catchMessage(() -> ImageFiles.read(stack)));

        float[] v = new float[2 * 6 * 8];
        v[6 * 8 + 3 * 8 + 5] = Float.NaN; // channel 1, row 3, column 5
        for (String name : List.of("nan.npy", "nan.tif")) {
            Path file = dir.resolve(name);
            NaNWriter.write(file, Image.wrap(name.endsWith(".npy") ? 2 : 1, name.endsWith(".npy") ? 6 : 12, 8, v));
            String whole = catchMessage(() -> ImageFiles.read(file));
            assertThat(whole).contains("NaN or infinite samples");
            int row = name.endsWith(".npy") ? 3 : 9;
            assertThatThrownBy(() -> ImageFiles.readRegion(file, row, 5, 1, 1)).isInstanceOf(InvalidFileException.class)
                    .hasMessage(whole.replace("row " + row + ", column 5", "row 0, column 0"));
            assertThat(ImageFiles.readRegion(file, 0, 0, row, 8).color().isFinite()).isTrue();
        }
    }

    @Test
    void headerSizeAnswersForNpyFiles() throws IOException {
        Path grey = dir.resolve("grey.npy");
        ImageFiles.write(grey, pattern(1, 7, 9, SampleFormat.FLOAT32));
        Path rgb = dir.resolve("rgb.npy");
        ImageFiles.write(rgb, pattern(3, 11, 4, SampleFormat.FLOAT32));
        Path fortran = dir.resolve("fortran.npy");
        Files.write(fortran, ImageFilesTest.npy("|u1", true, "(5, 6, 3)", new byte[90]));
        Path flat = dir.resolve("flat.npy");
        Files.write(flat, ImageFilesTest.npy("<f4", false, "(20,)", new byte[80]));
        Path corrupt = dir.resolve("corrupt.npy");
        Files.writeString(corrupt, "not an array");
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, ImageFilesTest.npy("<f4", false, "(20, 20)", new byte[80]));

        assertThat(ImageFiles.headerSize(grey)).containsExactly(7, 9);
        assertThat(ImageFiles.headerSize(rgb)).containsExactly(11, 4);
        assertThat(ImageFiles.headerSize(fortran)).containsExactly(5, 6);
        assertThat(ImageFiles.headerSize(flat)).isNull();
        assertThat(ImageFiles.headerSize(corrupt)).isNull();
        assertThat(ImageFiles.headerSize(truncated)).isNull();
        assertThat(ImageFiles.headerSize(dir.resolve("missing.npy"))).isNull();
    }

    // ------------------------------------------------------------------ helpers

    /** Writes an image with NaN samples, which ImageFiles refuses to write: .npy and float TIFF. */
    private static final class NaNWriter {
        static void write(Path file, Image image) throws IOException {
            if (file.toString().endsWith(".npy")) {
                NpyArray.writeImage(file, image);
            } else {
                TiffWriter.write(file, ImageData.of(image, SampleFormat.FLOAT32), Compression.DEFLATE);
            }
        }
    }

    /** Samples that differ from pixel to pixel: integer levels for integer formats, any floats otherwise. */
    static Image pattern(int channels, int h, int w, SampleFormat format) {
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = format.isInteger()
                    ? (float) (((i * 7919L + 13) % (format.maxValue() + 1)) / (double) format.maxValue())
                    : (float) Math.sin(i * 0.37) * 1.3f;
        }
        return Image.wrap(channels, h, w, v);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static String catchMessage(Call call) {
        try {
            call.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        throw new AssertionError("no exception");
    }
}
