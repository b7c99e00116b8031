package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Image;
import java.awt.Rectangle;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ImageFiles#write(Path, RowSource, SampleFormat, PixelSize)} writes the same bytes as the
 * whole-image write of the same pixels, asks for each row once in order, checks rows as they arrive
 * (no file left when one is refused), and refuses what the format cannot hold as the whole-image
 * write does.
 */
class RowSourceWriteTest {
    @TempDir
    Path dir;

    /** A source over an image that records the rows asked for. */
    private static class Recording implements RowSource {
        final RowSource rows;
        final List<Integer> asked = new ArrayList<>();

        Recording(RowSource rows) {
            this.rows = rows;
        }

        @Override
        public int height() {
            return rows.height();
        }

        @Override
        public int width() {
            return rows.width();
        }

        @Override
        public int channels() {
            return rows.channels();
        }

        @Override
        public boolean hasAlpha() {
            return rows.hasAlpha();
        }

        @Override
        public void row(int y, float[] color, float[] alpha) throws IOException {
            asked.add(y);
            rows.row(y, color, alpha);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} channel(s), alpha {3}")
    @CsvSource({"png, UINT8, 3, true", "png, UINT8, 1, false", "png, UINT16, 3, false", "png, UINT16, 1, true",
        "tif, UINT8, 3, true", "tif, UINT16, 1, true", "tif, FLOAT32, 3, false", "tif, FLOAT32, 1, true",
        "npy, FLOAT32, 3, false", "npy, FLOAT32, 1, false", "npy, UINT8, 5, false"})
    void streamedFilesAreByteForByteTheWholeImageWrite(String extension, SampleFormat format, int channels,
            boolean alpha) throws IOException {
        // 157 rows of 301 pixels: several TIFF strips, the last one short
        Image color = samples(channels, 157, 301);
        Image a = alpha ? samples(1, 157, 301) : null;
        PixelSize size = extension.equals("tif") ? new PixelSize(0.25, 0.5, "µm") : null;
        Path whole = dir.resolve("whole." + extension);
        ImageFiles.write(whole, new ImageData(color, a, format, size));
        Path streamed = dir.resolve("streamed." + extension);
        Recording rows = new Recording(RowSource.of(color, a));
        ImageFiles.write(streamed, rows, format, size);

        assertThat(Files.readAllBytes(streamed)).isEqualTo(Files.readAllBytes(whole));
        assertThat(rows.asked).as("rows asked for").isEqualTo(IntStream.range(0, 157).boxed().toList());
        assertThat(listing()).containsExactly("streamed." + extension, "whole." + extension);
    }

    @Test
    void thePngWriterAsksForOneRowAtATime() throws IOException {
        Image color = samples(3, 40, 17);
        Image alpha = samples(1, 40, 17);
        RowImage image = new RowImage(RowSource.of(color, alpha), SampleFormat.UINT16);
        List<Rectangle> asked = new ArrayList<>();
        RenderedImage spy = (RenderedImage) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RenderedImage.class}, (proxy, method, args) -> {
                    // every way of getting pixels; a whole-image request shows as null
                    if (Set.of("getData", "copyData", "getTile").contains(method.getName())) {
                        asked.add(args != null && args[0] instanceof Rectangle r ? r : null);
                    }
                    try {
                        return method.invoke(image, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (FileImageOutputStream out = new FileImageOutputStream(dir.resolve("spy.png").toFile())) {
            writer.setOutput(out);
            writer.write(spy);
        } finally {
            writer.dispose();
        }
        assertThat(asked).isEqualTo(IntStream.range(0, 40).mapToObj(y -> new Rectangle(0, y, 17, 1)).toList());
        ImageFiles.write(dir.resolve("whole.png"), new ImageData(color, alpha, SampleFormat.UINT16));
        assertThat(Files.readAllBytes(dir.resolve("spy.png"))).isEqualTo(Files.readAllBytes(dir.resolve("whole.png")));
    }

    @ParameterizedTest(name = "{0}, alpha {1}")
    @CsvSource({"png, false", "png, true", "tif, false", "tif, true", "npy, false"})
    void aNonFiniteSampleInALateRowFailsTheWriteAndLeavesNoFile(String extension, boolean inAlpha)
            throws IOException {
        float[] v = samples(3, 150, 300).toArray();
        float[] av = samples(1, 150, 300).toArray();
        // channel 2 (or the alpha), row 141, column 7: long after the first strips were written
        if (inAlpha) {
            av[141 * 300 + 7] = Float.POSITIVE_INFINITY;
        } else {
            v[2 * 150 * 300 + 141 * 300 + 7] = Float.NaN;
        }
        Image color = Image.wrap(3, 150, 300, v);
        Image alpha = extension.equals("npy") ? null : Image.wrap(1, 150, 300, av);
        SampleFormat format = extension.equals("png") ? SampleFormat.UINT8 : SampleFormat.FLOAT32;
        Path target = dir.resolve("out." + extension);
        String expected = messageOf(() -> ImageFiles.write(target, new ImageData(color, alpha, format)));
        assertThat(expected).contains("row 141, column 7");

        Recording rows = new Recording(RowSource.of(color, alpha));
        assertThatThrownBy(() -> ImageFiles.write(target, rows, format, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThat(rows.asked).as("rows asked for").hasSize(142);
        assertThat(listing()).isEmpty();

        Files.writeString(target, "original");
        assertThatThrownBy(() -> ImageFiles.write(target, RowSource.of(color, alpha), format, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThat(target).hasContent("original");
        assertThat(listing()).containsExactly("out." + extension);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"png", "tif", "npy"})
    void aFailingSourceFailsTheWriteWithItsExceptionAndLeavesNoFile(String extension) throws IOException {
        Image color = samples(3, 150, 300);
        IOException failure = new IOException("task lost");
        RowSource failing = new Recording(RowSource.of(color, null)) {
            @Override
            public void row(int y, float[] c, float[] a) throws IOException {
                if (y == 120) {
                    throw failure;
                }
                super.row(y, c, a);
            }
        };
        Path target = dir.resolve("out." + extension);
        assertThatThrownBy(() -> ImageFiles.write(target, failing, SampleFormat.UINT16, null)).isSameAs(failure);
        assertThat(listing()).isEmpty();
    }

    @Test
    void whatTheFormatCannotHoldIsRefusedAsByTheWholeImageWrite() throws IOException {
        Image two = samples(2, 4, 5);
        Image one = samples(1, 4, 5);
        Path png = dir.resolve("two.png");
        Path tif = dir.resolve("two.tif");
        Path npy = dir.resolve("alpha.npy");
        Path jpg = dir.resolve("out.jpg");
        List<Object[]> cases = List.of(
                new Object[] {png, two, null, SampleFormat.UINT8},
                new Object[] {tif, two, one, SampleFormat.UINT16},
                new Object[] {png, one, null, SampleFormat.FLOAT32},
                new Object[] {npy, one, one, SampleFormat.FLOAT32},
                new Object[] {jpg, one, null, SampleFormat.UINT8});
        for (Object[] c : cases) {
            Path file = (Path) c[0];
            Image color = (Image) c[1];
            Image alpha = (Image) c[2];
            SampleFormat format = (SampleFormat) c[3];
            String expected = messageOf(() -> ImageFiles.write(file, new ImageData(color, alpha, format)));
            assertThatThrownBy(() -> ImageFiles.write(file, RowSource.of(color, alpha), format, null))
                    .as(file + " " + color.shape()).isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        }
        assertThat(listing()).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /** Floats in and out of [0, 1], with ties of the 8-bit rounding (k + 0.5) / 255 among them. */
    private static Image samples(int channels, int h, int w) {
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 11 == 0 ? (float) ((i % 255 + 0.5) / 255) : (float) Math.sin(i * 0.37) * 0.7f + 0.45f;
        }
        return Image.wrap(channels, h, w, v);
    }

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static String messageOf(Call call) {
        try {
            call.run();
        } catch (Exception e) {
            return e.getMessage();
        }
        throw new AssertionError("no exception");
    }
}
