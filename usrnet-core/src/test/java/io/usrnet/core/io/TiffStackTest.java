package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.TestData;
import io.usrnet.data.Image;
import io.usrnet.data.io.InvalidFileException;
import io.usrnet.data.io.NpyArray;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.FileImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TIFF stack is refused by {@link ImageFiles#read}, never cut to its first page without a word
 * (issue 14): several pages, or one page whose ImageJ description counts several images. It is read
 * page by page by {@link TiffStack} (issue 16). Files written here with the JDK's TIFF writer, the
 * ImageJ description as ImageJ 1.x writes it, and by ImageJ itself (test-data/tiff).
 */
class TiffStackTest {
    @TempDir
    Path dir;

    @Test
    void aMultiPageTiffIsRefusedWithThePageCount() throws IOException {
        Path file = dir.resolve("stack.tif");
        write(file, 3, null);
        assertThatThrownBy(() -> ImageFiles.read(file)).isInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ").hasMessageContaining("holds 3 images")
                .hasMessageContaining("Stack to Images").hasMessageContaining("restore, degrade and solve");
    }

    @Test
    void anImageJStackInOnePageIsRefusedToo() throws IOException {
        Path file = dir.resolve("imagej.tif");
        write(file, 1, "ImageJ=1.54f\nimages=4\nslices=4\nloop=false\n");
        assertThatThrownBy(() -> ImageFiles.read(file)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("holds 4 images");
    }

    @Test
    void aSingleImageReadsWithOrWithoutAnImageJDescription() throws IOException {
        Path plain = dir.resolve("one.tif");
        write(plain, 1, null);
        assertThat(ImageFiles.readImage(plain).shape()).isEqualTo("1×5×7");
        Path imagej = dir.resolve("one-imagej.tif");
        write(imagej, 1, "ImageJ=1.54f\nunit=micron\n");
        assertThat(ImageFiles.readImage(imagej).shape()).isEqualTo("1×5×7");
    }

    /** ImageJ's own 3-slice 8-bit stack reads page by page to the pixels tifffile reads. */
    @Test
    void imageJsStackReadsPageByPageAsItsReference() throws IOException {
        Path file = TestData.TIFF.resolve("ij-u8-stack.tif");
        NpyArray reference = NpyArray.read(TestData.TIFF.resolve("ij-u8-stack.npy"));
        assertThat(reference.shape()).containsExactly(3, 30, 40);
        float[] all = reference.toFloats();
        assertThat(TiffStack.isStack(file)).isTrue();
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.pages()).isEqualTo(3);
            assertThat(new int[] {stack.channels(), stack.slices(), stack.frames()}).containsExactly(1, 3, 1);
            assertThat(new int[] {stack.width(), stack.height(), stack.colorChannels()}).containsExactly(40, 30, 1);
            assertThat(stack.format()).isEqualTo(SampleFormat.UINT8);
            assertThat(stack.hasAlpha()).isFalse();
            assertThat(stack.pixelSize()).isNull();
            for (int p = 0; p < 3; p++) {
                float[] expected = new float[30 * 40];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = (float) (all[p * expected.length + i] / 255.0);
                }
                ImageData page = stack.read(p);
                assertThat(page.format()).isEqualTo(SampleFormat.UINT8);
                assertThat(page.color()).as("page %d", p).isEqualTo(Image.wrap(1, 30, 40, expected));
            }
            assertThat(stack.toString()).isEqualTo("ij-u8-stack.tif: 3 pages of 40×30 8-bit grey (3 slices)");
        }
    }

    @Test
    void tifffilesStacksReadToo() throws IOException {
        for (String name : new String[] {"tf-u16-imagej-stack", "tf-u16-multipage"}) {
            NpyArray reference = NpyArray.read(TestData.TIFF.resolve(name + ".npy"));
            float[] all = reference.toFloats();
            try (TiffStack stack = TiffStack.open(TestData.TIFF.resolve(name + ".tif"))) {
                assertThat(stack.pages()).as(name).isEqualTo(reference.shape()[0]);
                assertThat(stack.slices()).as(name).isEqualTo(reference.shape()[0]);
                for (int p = 0; p < stack.pages(); p++) {
                    float[] page = stack.read(p).color().toArray();
                    for (int i = 0; i < page.length; i++) {
                        assertThat(page[i]).as("%s page %d sample %d", name, p, i)
                                .isEqualTo((float) (all[p * page.length + i] / 65535.0));
                    }
                }
            }
        }
    }

    @Test
    void aSingleImageIsAStackOfOnePage() throws IOException {
        Path file = dir.resolve("one.tif");
        write(file, 1, null);
        assertThat(TiffStack.isStack(file)).isFalse();
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.pages()).isEqualTo(1);
            assertThat(stack.read(0)).isEqualTo(ImageFiles.read(file));
        }
    }

    @Test
    void pagesOfDifferentSizesAreRefusedNamingThePage() throws IOException {
        Path file = dir.resolve("mixed.tif");
        write(file, new int[][] {{7, 5}, {7, 5}, {6, 5}}, null);
        assertThatThrownBy(() -> TiffStack.open(file)).isInstanceOf(InvalidFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("page 3 of 3 is 6×5 8-bit grey, page 1 is 7×5 8-bit grey")
                .hasMessageContaining("must be of one size and type");
    }

    /**
     * ImageJ's layout for large stacks: one directory, {@code images=N}, the planes back to back
     * after the first (made here byte by byte). Without the planes after the first, the file is
     * truncated.
     */
    @Test
    void imageJsOneDirectoryLayoutReadsEveryPlane() throws IOException {
        Path truncated = dir.resolve("truncated.tif");
        write(truncated, 1, "ImageJ=1.54f\nimages=4\nslices=4\nloop=false\n");
        assertThatThrownBy(() -> TiffStack.open(truncated)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("counts 4 images in one image directory").hasMessageContaining("truncated");

        Path file = dir.resolve("contiguous.tif");
        int w = 7;
        int h = 5;
        byte[] planes = new byte[3 * w * h];
        for (int i = 0; i < planes.length; i++) {
            planes[i] = (byte) (3 * i + 1);
        }
        writeOneDirectoryStack(file, w, h, "ImageJ=1.54p\nimages=3\nchannels=3\nmode=composite\n", planes);
        assertThat(TiffStack.isStack(file)).isTrue();
        try (TiffStack stack = TiffStack.open(file)) {
            assertThat(stack.pages()).isEqualTo(3);
            assertThat(new int[] {stack.channels(), stack.slices(), stack.frames()}).containsExactly(3, 1, 1);
            for (int p = 0; p < 3; p++) {
                assertThat(stack.channelOf(p)).isEqualTo(p);
                Image page = stack.read(p).color();
                for (int i = 0; i < w * h; i++) {
                    assertThat(page.get(0, i / w, i % w)).as("page %d sample %d", p, i)
                            .isEqualTo((float) ((planes[p * w * h + i] & 0xff) / 255.0));
                }
            }
        }
        // the same layout compressed cannot be read that way
        writeOneDirectoryStack(file, w, h, "ImageJ=1.54p\nimages=3\n", planes, 32773);
        assertThatThrownBy(() -> TiffStack.open(file)).isInstanceOf(InvalidFileException.class)
                .hasMessageContaining("one-directory stack layout").hasMessageContaining("compression 32773");
    }

    private static void writeOneDirectoryStack(Path file, int w, int h, String description, byte[] planes)
            throws IOException {
        writeOneDirectoryStack(file, w, h, description, planes, 1);
    }

    /** A little-endian TIFF: header, one directory of 8-bit grey w×h, the description, then the planes. */
    private static void writeOneDirectoryStack(Path file, int w, int h, String description, byte[] planes,
            int compression) throws IOException {
        byte[] text = (description + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int entries = 10;
        int ifd = 8;
        int textAt = ifd + 2 + entries * 12 + 4;
        int dataAt = textAt + text.length;
        ByteBuffer b = ByteBuffer.allocate(dataAt + planes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        entry(b, 256, 3, 1, w);
        entry(b, 257, 3, 1, h);
        entry(b, 258, 3, 1, 8);
        entry(b, 259, 3, 1, compression);
        entry(b, 262, 3, 1, 1);
        entry(b, 270, 2, text.length, textAt);
        entry(b, 273, 4, 1, dataAt);
        entry(b, 277, 3, 1, 1);
        entry(b, 278, 3, 1, h);
        entry(b, 279, 4, 1, w * h);
        b.putInt(0);
        b.put(text).put(planes);
        Files.write(file, b.array());
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    /** Writes {@code pages} 7×5 8-bit grey pages, the first with the given ImageDescription. */
    private static void write(Path file, int pages, String description) throws IOException {
        int[][] sizes = new int[pages][];
        java.util.Arrays.fill(sizes, new int[] {7, 5});
        write(file, sizes, description);
    }

    /** Writes 8-bit grey pages of the given width and height, the first with the given ImageDescription. */
    private static void write(Path file, int[][] sizes, String description) throws IOException {
        int pages = sizes.length;
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (FileImageOutputStream out = new FileImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int p = 0; p < pages; p++) {
                BufferedImage img = new BufferedImage(sizes[p][0], sizes[p][1], BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setSample(p, 0, 0, 200);
                IIOMetadata meta = null;
                if (p == 0 && description != null) {
                    IIOMetadata defaults = writer.getDefaultImageMetadata(new ImageTypeSpecifier(img),
                            writer.getDefaultWriteParam());
                    TIFFDirectory d = TIFFDirectory.createFromMetadata(defaults);
                    TIFFTag tag = BaselineTIFFTagSet.getInstance().getTag(BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION);
                    d.addTIFFField(new TIFFField(tag, TIFFTag.TIFF_ASCII, 1, new String[] {description}));
                    meta = d.getAsMetadata();
                }
                writer.writeToSequence(new IIOImage(img, null, meta), writer.getDefaultWriteParam());
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }
}
