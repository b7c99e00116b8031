package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.TestData;
import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TIFF files written by other tools (tifffile, libtiff's tiffcp, OpenCV, ImageJ 1; see
 * {@code test-data/tiff/README.md}) read to the pixels, sample format and pixel size those tools
 * stored: the pixels against a NumPy reference of the array each file was written from (for ImageJ
 * files, as tifffile reads them), the rest against {@code expected.csv}. Stacks are refused with
 * their page count.
 */
class TiffFixturesTest {
    /** One row of expected.csv. */
    record Row(String file, String reference, SampleFormat format, PixelSize pixelSize, int pages) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Row> rows() throws IOException {
        List<String> lines = Files.readAllLines(TestData.TIFF.resolve("expected.csv"));
        assertThat(lines.get(0)).isEqualTo("file,reference,sample_format,pixel_width,pixel_height,unit,pages");
        return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
            String[] f = l.split(",", -1);
            PixelSize size = f[3].isEmpty() ? null
                    : new PixelSize(Double.parseDouble(f[3]), Double.parseDouble(f[4]), f[5]);
            return new Row(f[0], f[1], SampleFormat.valueOf(f[2]), size, Integer.parseInt(f[6]));
        });
    }

    @Test
    void everyKindTheIssueNamesIsAmongTheFixtures() throws IOException {
        assertThat(rows().map(Row::file)).contains("cv-u16.tif", "tf-u16-deflate-pred.tif", "tf-u16-bigtiff.tif",
                "tf-u16-tiled.tif", "lt-f32-deflate-fpred.tif", "tf-u16-imagej.tif", "tf-u16-ome.tif",
                "ij-u16-cal.tif", "tf-u16-imagej-stack.tif", "ij-u8-stack.tif");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void readsWhatTheWritingToolStored(Row row) throws IOException {
        Path file = TestData.TIFF.resolve(row.file());
        if (row.pages() > 1) {
            assertThatThrownBy(() -> ImageFiles.read(file)).isInstanceOf(InvalidFileException.class)
                    .hasMessageStartingWith(file + ": ").hasMessageContaining("holds " + row.pages() + " images");
            return;
        }
        ImageData data = ImageFiles.read(file);
        Image reference = NpyArray.read(TestData.TIFF.resolve(row.reference())).toImage();
        int colors = data.color().channels();
        assertThat(colors + (data.hasAlpha() ? 1 : 0)).as("channels").isEqualTo(reference.channels());
        for (int c = 0; c < colors; c++) {
            assertThat(data.color().channel(c)).as("channel %d", c).isEqualTo(reference.channel(c));
        }
        if (data.hasAlpha()) {
            assertThat(data.alpha()).as("alpha").isEqualTo(reference.channel(colors));
        }
        assertThat(data.format()).isEqualTo(row.format());
        TiffWriterTest.assertSamePixelSize(data.pixelSize(), row.pixelSize());
    }

    @Test
    void jpegCompressedTiffsGoToTheJavaRuntimesReader(@TempDir Path dir) throws IOException {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 16,
                java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 16) << 8 | 128);
            }
        }
        Path file = dir.resolve("jpeg.tif");
        javax.imageio.ImageWriter writer = javax.imageio.ImageIO.getImageWritersByFormatName("tiff").next();
        try (javax.imageio.stream.ImageOutputStream out = javax.imageio.ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            javax.imageio.ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType("JPEG");
            writer.write(null, new javax.imageio.IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        ImageData data = ImageFiles.read(file);
        assertThat(data.color().shape()).isEqualTo("3×16×32");
        assertThat(data.format()).isEqualTo(SampleFormat.UINT8);
        // lossy, so near the pixels written: red ramps along x, green along y
        assertThat(data.color().get(0, 8, 20) * 255.0).isCloseTo(160.0, org.assertj.core.api.Assertions.within(12.0));
        assertThat(data.color().get(1, 8, 20) * 255.0).isCloseTo(128.0, org.assertj.core.api.Assertions.within(12.0));
    }
}
