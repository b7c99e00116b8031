package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.data.Image;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of TIFF {@link ImageFiles} writes (8/16-bit and float, grey and RGB, with and without
 * alpha, Deflate and uncompressed, with and without a pixel size, TIFF and BigTIFF) reads back
 * exactly with our reader and, as an independent reference, with the Java runtime's TIFF reader,
 * which also sees the resolution tags we wrote.
 */
class TiffWriterTest {
    @TempDir
    Path dir;

    static Stream<Arguments> kinds() {
        List<Arguments> out = new ArrayList<>();
        PixelSize[] sizes = {null, new PixelSize(0.25, 0.25, "µm"), new PixelSize(1 / 300.0, 1 / 300.0, "inch"),
            new PixelSize(0.002, 0.003, "cm"), new PixelSize(1.5, 1.5, "")};
        int n = 0;
        for (SampleFormat format : SampleFormat.values()) {
            for (int channels : new int[] {1, 3}) {
                for (boolean alpha : new boolean[] {false, true}) {
                    for (Compression compression : Compression.values()) {
                        out.add(Arguments.of(format, channels, alpha, compression, sizes[n++ % sizes.length]));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} channel(s), alpha {2}, {3}, {4}")
    @MethodSource("kinds")
    void everyKindRoundTripsAndTheJavaRuntimeReadsItToo(SampleFormat format, int channels, boolean alpha,
            Compression compression, PixelSize size) throws IOException {
        // 37×23 with 1000-pixel rows: several strips, the last one short
        ImageData data = new ImageData(sample(format, channels, 23, 1000, 1),
                alpha ? sample(format, 1, 23, 1000, 5) : null, format, size);
        Path file = dir.resolve("k.tif");
        ImageFiles.write(file, data, compression);

        ImageData back = ImageFiles.read(file);
        assertThat(back.color()).isEqualTo(data.color());
        assertThat(back.alpha()).isEqualTo(data.alpha());
        assertThat(back.format()).isEqualTo(format);
        assertSamePixelSize(back.pixelSize(), size);

        Jdk jdk = readWithJdk(file);
        assertThat(jdk.color()).isEqualTo(data.color());
        assertThat(jdk.alpha()).isEqualTo(data.alpha());
        assertThat(jdk.compression()).isEqualTo(compression == Compression.DEFLATE ? 8 : 1);
        if (size == null) {
            assertThat(jdk.xResolution()).isNaN();
        } else {
            assertThat(jdk.xResolution()).isCloseTo(1 / size.width(), within(1e-9 / size.width()));
            assertThat(jdk.yResolution()).isCloseTo(1 / size.height(), within(1e-9 / size.height()));
            assertThat(jdk.resolutionUnit()).isEqualTo(switch (size.unit()) {
                case "inch" -> 2;
                case "cm" -> 3;
                default -> 1;
            });
        }
    }

    @Test
    void bigTiffRoundTrips() throws IOException {
        ImageData data = new ImageData(sample(SampleFormat.UINT16, 3, 40, 30, 2), null, SampleFormat.UINT16,
                new PixelSize(0.1, 0.1, "µm"));
        Path file = dir.resolve("big.tif");
        TiffWriter.write(file, data, Compression.DEFLATE, true);
        byte[] head = Files.readAllBytes(file);
        assertThat(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getShort(2)).isEqualTo((short) 43);
        ImageData back = ImageFiles.read(file);
        assertThat(back.color()).isEqualTo(data.color());
        assertSamePixelSize(back.pixelSize(), data.pixelSize());
    }

    @Test
    void deflateCompressesSmoothImagesAndIsTheDefault() throws IOException {
        float[] v = new float[3 * 64 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 64) / 63f;
        }
        ImageData smooth = ImageData.of(Image.wrap(3, 64, 64, v), SampleFormat.UINT16);
        ImageFiles.write(dir.resolve("d.tif"), smooth);
        ImageFiles.write(dir.resolve("n.tif"), smooth, Compression.NONE);
        long raw = 3L * 64 * 64 * 2;
        assertThat(Files.size(dir.resolve("n.tif"))).isBetween(raw, raw + 1024);
        assertThat(Files.size(dir.resolve("d.tif"))).isLessThan(raw / 10);
        assertThat(readWithJdk(dir.resolve("d.tif")).compression()).isEqualTo(8);
    }

    @Test
    void aMicrometreIsWrittenAsImageJWritesIt() throws IOException {
        Path file = dir.resolve("um.tif");
        ImageFiles.write(file, new ImageData(sample(SampleFormat.UINT16, 1, 4, 4, 1), null, SampleFormat.UINT16,
                new PixelSize(0.5, 0.5, "micron")));
        ImageReader reader = ImageIO.getImageReadersByFormatName("tiff").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            TIFFDirectory d = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
            // ImageJ 1.54p's own files spell it so (test-data/tiff/ij-u16-cal.tif), and ImageJ reads it back as µm
            assertThat(d.getTIFFField(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION).getAsString(0))
                    .isEqualTo("ImageJ=1.11a\nunit=\\u00B5m\n");
            assertThat(d.getTIFFField(BaselineTIFFTagSet.TAG_X_RESOLUTION).getAsRational(0)).containsExactly(2, 1);
        } finally {
            reader.dispose();
        }
    }

    @Test
    void rationalsAreCloseAndFitIn32Bits() {
        for (double v : new double[] {2, 72, 1 / 0.3, 25400 / 3.0, 1e-6, 1e9, Math.PI, 1e-12, 1e12}) {
            long[] r = TiffWriter.rational(v);
            assertThat(r[0]).isBetween(1L, 0xFFFFFFFFL);
            assertThat(r[1]).isBetween(1L, 0xFFFFFFFFL);
            if (v >= 1e-9 && v <= 4e9) {
                assertThat((double) r[0] / r[1]).as("%s", v).isCloseTo(v, within(v * 1e-9));
            }
        }
        assertThat(TiffWriter.rational(2)).containsExactly(2, 1);
        assertThat(TiffWriter.rational(0.5)).containsExactly(1, 2);
    }

    static void assertSamePixelSize(PixelSize actual, PixelSize expected) {
        if (expected == null) {
            assertThat(actual).isNull();
            return;
        }
        assertThat(actual).isNotNull();
        assertThat(actual.unit()).isEqualTo(expected.unit());
        assertThat(actual.width()).isCloseTo(expected.width(), within(expected.width() * 1e-9));
        assertThat(actual.height()).isCloseTo(expected.height(), within(expected.height() * 1e-9));
    }

    /** Integer levels for integer formats (exact after a round trip), any finite floats for FLOAT32. */
    static Image sample(SampleFormat format, int channels, int h, int w, int seed) {
        float[] v = new float[channels * h * w];
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < v.length; i++) {
            v[i] = format.isInteger() ? (float) (random.nextInt(format.maxValue() + 1) / (double) format.maxValue())
                    : (float) random.nextGaussian() * 3;
        }
        return Image.wrap(channels, h, w, v);
    }

    /** What the Java runtime's TIFF reader sees in a file. */
    record Jdk(Image color, Image alpha, int compression, double xResolution, double yResolution,
            int resolutionUnit) {
    }

    static Jdk readWithJdk(Path file) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("tiff").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            BufferedImage img = reader.read(0);
            TIFFDirectory d = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
            Raster r = img.getRaster();
            int bands = r.getNumBands();
            int colors = img.getColorModel().getNumColorComponents();
            int type = r.getSampleModel().getDataType();
            double max = type == java.awt.image.DataBuffer.TYPE_BYTE ? 255
                    : type == java.awt.image.DataBuffer.TYPE_USHORT ? 65535 : 1;
            Image color = planes(r, 0, colors, max);
            Image alpha = bands > colors ? planes(r, colors, 1, max) : null;
            TIFFField x = d.getTIFFField(BaselineTIFFTagSet.TAG_X_RESOLUTION);
            TIFFField y = d.getTIFFField(BaselineTIFFTagSet.TAG_Y_RESOLUTION);
            TIFFField unit = d.getTIFFField(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT);
            return new Jdk(color, alpha, d.getTIFFField(BaselineTIFFTagSet.TAG_COMPRESSION).getAsInt(0),
                    x == null ? Double.NaN : x.getAsDouble(0), y == null ? Double.NaN : y.getAsDouble(0),
                    unit == null ? 2 : unit.getAsInt(0));
        } finally {
            reader.dispose();
        }
    }

    private static Image planes(Raster r, int first, int count, double max) {
        int w = r.getWidth();
        int h = r.getHeight();
        float[] out = new float[count * w * h];
        double[] band = new double[w * h];
        for (int c = 0; c < count; c++) {
            r.getSamples(0, 0, w, h, first + c, band);
            for (int i = 0; i < band.length; i++) {
                out[c * w * h + i] = (float) (max == 1 ? band[i] : band[i] / max);
            }
        }
        return Image.wrap(count, h, w, out);
    }
}
