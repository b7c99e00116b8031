package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Image;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TiffStackWriter}: what it writes {@link TiffStack} reads back bit for bit, with its
 * hyperstack dimensions and pixel size, and the Java runtime's TIFF reader reads too; ImageJ's
 * reading of uncompressed stacks (planes back to back) finds the same planes; the target appears
 * only complete.
 */
class TiffStackWriterTest {
    @TempDir
    Path dir;

    /** Pages of samples exact in the format: integers k / max, or any float. */
    private static List<Image> pages(int count, int colors, int h, int w, SampleFormat format, long seed) {
        Random random = new Random(seed);
        List<Image> pages = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            float[] v = new float[colors * h * w];
            for (int i = 0; i < v.length; i++) {
                v[i] = format == SampleFormat.FLOAT32 ? (float) (random.nextGaussian() * 100)
                        : (float) (random.nextInt(format.maxValue() + 1) / (double) format.maxValue());
            }
            pages.add(Image.wrap(colors, h, w, v));
        }
        return pages;
    }

    @ParameterizedTest(name = "{0} × {1} colours, {2}×{3}×{4}, {5}")
    @CsvSource({
        "UINT8,   1, 2, 3, 2, DEFLATE",
        "UINT16,  1, 2, 3, 2, DEFLATE",
        "UINT16,  1, 1, 4, 1, NONE",
        "FLOAT32, 1, 3, 1, 2, DEFLATE",
        "UINT8,   3, 1, 2, 3, NONE",
        "UINT8,   3, 2, 2, 1, DEFLATE",
    })
    void writtenStacksReadBackBitForBitWithTheirDimensions(SampleFormat format, int colors, int c, int z, int t,
            Compression compression) throws IOException {
        int w = 300;
        int h = 250; // rows of 300 bytes or more: 2 to 5 strips of 64 KiB per page
        List<Image> pages = pages(c * z * t, colors, h, w, format, 7);
        PixelSize size = new PixelSize(0.25, 0.5, "µm");
        Path file = dir.resolve("stack.tif");
        try (TiffStackWriter out = TiffStackWriter.builder(file, w, h, format).colorChannels(colors)
                .hyperstack(c, z, t).pixelSize(size).compression(compression).open()) {
            assertThat(out.pages()).isEqualTo(c * z * t);
            assertThat(out.isBigTiff()).isFalse();
            for (Image page : pages) {
                out.write(page);
            }
        }
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.pages()).isEqualTo(pages.size());
            assertThat(new int[] {stack.channels(), stack.slices(), stack.frames()}).containsExactly(c, z, t);
            assertThat(new int[] {stack.width(), stack.height(), stack.colorChannels()}).containsExactly(w, h, colors);
            assertThat(stack.format()).isEqualTo(format);
            assertThat(stack.pixelSize()).isEqualTo(size);
            for (int p = 0; p < pages.size(); p++) {
                ImageData page = stack.read(p);
                assertThat(page.color()).as("page %d", p).isEqualTo(pages.get(p));
                assertThat(page.format()).isEqualTo(format);
                assertThat(page.pixelSize()).isEqualTo(size);
                assertThat(stack.channelOf(p)).isEqualTo(p % c);
            }
            assertThat(stack.page(c - 1, z - 1, t - 1)).isEqualTo(pages.size() - 1);
            assertThat(stack.page(c - 1, 0, 0)).isEqualTo(c - 1);
            assertThat(stack.page(0, 0, t - 1)).isEqualTo(c * z * (t - 1));
        }
        String description;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffDirectory first = TiffDirectory.first(ch, file);
            description = first.text(TiffDirectory.IMAGE_DESCRIPTION);
            assertThat(first.imagePositions()).hasSize(pages.size());
            if (compression == Compression.NONE) {
                // ImageJ reads an uncompressed stack with images=N as N planes from the first strip on
                long planeBytes = (long) w * h * colors * (format == SampleFormat.UINT8 ? 1
                        : format == SampleFormat.UINT16 ? 2 : 4);
                long start = first.longValue(TiffDirectory.STRIP_OFFSETS, -1);
                long[] positions = first.imagePositions();
                for (int p = 0; p < positions.length; p++) {
                    assertThat(first.at(positions[p]).longValue(TiffDirectory.STRIP_OFFSETS, -1))
                            .as("page %d starts where the planes before it end", p)
                            .isEqualTo(start + p * planeBytes);
                }
            }
        }
        assertThat(description).startsWith("ImageJ=1.11a\nimages=" + pages.size() + "\n").contains("unit=\\u00B5m\n");
        if (c > 1) {
            assertThat(description).contains("channels=" + c + "\n").contains("hyperstack=true\n");
        }
        assertThat(readWithJdk(file)).as("the Java runtime reads every page").hasSize(pages.size());
        if (format != SampleFormat.FLOAT32) {
            List<Raster> jdk = readWithJdk(file);
            for (int p = 0; p < pages.size(); p++) {
                Image expected = pages.get(p);
                for (int ch = 0; ch < colors; ch++) {
                    assertThat(jdk.get(p).getSample(w - 1, h - 1, ch))
                            .isEqualTo(format.quantize(expected.get(ch, h - 1, w - 1)));
                }
            }
        }
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void alphaAndBigTiffRoundTrip() throws IOException {
        List<Image> pages = pages(3, 3, 4, 5, SampleFormat.UINT16, 3);
        List<Image> alphas = pages(3, 1, 4, 5, SampleFormat.UINT16, 4);
        Path file = dir.resolve("big.tif");
        try (TiffStackWriter out = TiffStackWriter.builder(file, 5, 4, SampleFormat.UINT16).colorChannels(3)
                .alpha(true).hyperstack(1, 1, 3).bigTiff().open()) {
            assertThat(out.isBigTiff()).isTrue();
            for (int p = 0; p < 3; p++) {
                out.write(pages.get(p), alphas.get(p));
            }
        }
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.frames()).isEqualTo(3);
            assertThat(stack.hasAlpha()).isTrue();
            assertThat(stack.pixelSize()).isNull();
            for (int p = 0; p < 3; p++) {
                assertThat(stack.read(p).color()).isEqualTo(pages.get(p));
                assertThat(stack.read(p).alpha()).isEqualTo(alphas.get(p));
            }
        }
    }

    @Test
    void theTargetAppearsOnlyWhenComplete() throws IOException {
        Path file = dir.resolve("out.tif");
        List<Image> pages = pages(3, 1, 4, 5, SampleFormat.UINT8, 1);
        TiffStackWriter out = TiffStackWriter.builder(file, 5, 4, SampleFormat.UINT8).hyperstack(1, 3, 1).open();
        out.write(pages.get(0));
        out.write(pages.get(1));
        assertThat(file).doesNotExist();
        assertThat(leftovers()).hasSize(1);
        assertThatThrownBy(out::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed after 2 of 3 pages; nothing was written");
        assertThat(file).doesNotExist();
        assertThat(leftovers()).isEmpty();
        out.close(); // once more: nothing to do
        assertThatThrownBy(() -> out.write(pages.get(2))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAbortedStackLeavesAnExistingTargetAsItWas() throws IOException {
        Path file = dir.resolve("out.tif");
        Files.writeString(file, "old");
        List<Image> pages = pages(2, 1, 4, 5, SampleFormat.UINT8, 1);
        try (TiffStackWriter out = TiffStackWriter.builder(file, 5, 4, SampleFormat.UINT8).hyperstack(1, 2, 1)
                .open()) {
            out.write(pages.get(0));
            out.abort();
        }
        assertThat(file).hasContent("old");
        assertThat(leftovers()).isEmpty();
        try (TiffStackWriter out = TiffStackWriter.builder(file, 5, 4, SampleFormat.UINT8).hyperstack(1, 2, 1)
                .open()) {
            out.write(pages.get(0));
            out.write(pages.get(1));
            assertThat(file).hasContent("old");
        }
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.read(1).color()).isEqualTo(pages.get(1));
        }
    }

    @Test
    void pagesThatDoNotMatchAreRefusedAndTheWriterGoesOn() throws IOException {
        Path file = dir.resolve("out.tif");
        try (TiffStackWriter out = TiffStackWriter.builder(file, 5, 4, SampleFormat.FLOAT32).hyperstack(1, 2, 1)
                .open()) {
            assertThatThrownBy(() -> out.write(Image.zeros(1, 5, 4))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("page 1 is 1×5×4, the stack's pages are 1×4×5");
            assertThatThrownBy(() -> out.write(Image.zeros(1, 4, 5), Image.zeros(1, 4, 5)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has an alpha channel");
            float[] nan = new float[20];
            nan[3] = Float.NaN;
            assertThatThrownBy(() -> out.write(Image.wrap(1, 4, 5, nan))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NaN or infinite");
            out.write(Image.zeros(1, 4, 5));
            out.write(Image.zeros(1, 4, 5));
            assertThatThrownBy(() -> out.write(Image.zeros(1, 4, 5))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("all 2 pages are written already");
        }
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.pages()).isEqualTo(2);
        }
        assertThatThrownBy(() -> TiffStackWriter.builder(dir.resolve("no/such/dir.tif"), 5, 4, SampleFormat.UINT8)
                .open()).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    /** Temporary files left in the folder. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    private static List<Raster> readWithJdk(Path file) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("tiff").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in);
            List<Raster> pages = new ArrayList<>();
            for (int p = 0; p < reader.getNumImages(true); p++) {
                pages.add(reader.read(p).getRaster());
            }
            return pages;
        } finally {
            reader.dispose();
        }
    }
}
