package io.usrnet.imagej;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.io.Compression;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.SampleFormat;
import io.usrnet.core.io.TiffStack;
import io.usrnet.core.io.TiffStackWriter;
import io.usrnet.data.Image;
import ij.IJ;
import ij.ImagePlus;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The stacks {@code usrnet restore}, {@code degrade} and {@code solve} write (with
 * {@link TiffStackWriter}) open in ImageJ 1 as the same hyperstack, with their pixels and pixel
 * size; and ImageJ's own hyperstacks read back with {@link TiffStack} as ImageJ holds them. ImageJ
 * reads an uncompressed stack as planes stored back to back, a compressed one directory by directory:
 * both are checked.
 */
class TiffStackInImageJTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"UINT8, DEFLATE", "UINT8, NONE", "UINT16, DEFLATE", "UINT16, NONE", "FLOAT32, DEFLATE",
        "FLOAT32, NONE"})
    void imageJOpensWrittenStacksAsTheSameHyperstack(SampleFormat format, Compression compression)
            throws IOException {
        int c = 2;
        int z = 3;
        int t = 2;
        int w = 70;
        int h = 1000; // several strips per page
        Path file = dir.resolve("stack.tif");
        try (TiffStackWriter out = TiffStackWriter.builder(file, w, h, format).hyperstack(c, z, t)
                .pixelSize(new PixelSize(0.5, 0.5, "µm")).compression(compression).open()) {
            for (int q = 0; q < c * z * t; q++) {
                out.write(page(q, w, h));
            }
        }
        ImagePlus imp = IJ.openImage(file.toString());
        assertThat(imp).isNotNull();
        assertThat(new int[] {imp.getNChannels(), imp.getNSlices(), imp.getNFrames()}).containsExactly(c, z, t);
        assertThat(imp.getBitDepth()).isEqualTo(format == SampleFormat.UINT8 ? 8 : format == SampleFormat.UINT16 ? 16 : 32);
        assertThat(imp.getCalibration().pixelWidth).isCloseTo(0.5, within(1e-9));
        assertThat(imp.getCalibration().getUnit()).isEqualTo("µm");
        for (int q = 0; q < c * z * t; q++) {
            ImageProcessor ip = imp.getStack().getProcessor(q + 1);
            float[] expected = page(q, w, h).toArray();
            for (int i = 0; i < expected.length; i += 97) {
                double v = format.isInteger() ? format.quantize(expected[i]) : expected[i];
                assertThat((double) ip.getf(i)).as("page %d sample %d", q, i).isEqualTo(v);
            }
        }
        // ImageJ's own writer: the same hyperstack read back by TiffStack
        Path again = dir.resolve("imagej.tif");
        assertThat(IJ.saveAsTiff(imp, again.toString())).isTrue();
        try (TiffStack stack = TiffStack.open(again)) {
            assertThat(new int[] {stack.channels(), stack.slices(), stack.frames()}).containsExactly(c, z, t);
            assertThat(stack.pixelSize()).isEqualTo(new PixelSize(0.5, 0.5, "µm"));
            for (int q = 0; q < c * z * t; q += 5) {
                float[] expected = page(q, w, h).toArray();
                float[] read = stack.read(q).color().toArray();
                for (int i = 0; i < expected.length; i += 97) {
                    float v = format.isInteger() ? (float) (format.quantize(expected[i]) / (double) format.maxValue())
                            : expected[i];
                    assertThat(read[i]).as("page %d sample %d", q, i).isEqualTo(v);
                }
            }
        }
    }

    private static Image page(int q, int w, int h) {
        float[] v = new float[w * h];
        for (int i = 0; i < v.length; i++) {
            v[i] = ((q * 7 + i) % 200) / 255f;
        }
        return Image.wrap(1, h, w, v);
    }
}
