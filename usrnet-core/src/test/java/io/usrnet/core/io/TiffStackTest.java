package io.usrnet.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.io.InvalidFileException;
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
 * A TIFF stack is refused, never cut to its first page without a word (issue 14): several pages,
 * or one page whose ImageJ description counts several images. Files written here with the JDK's
 * TIFF writer, the ImageJ description as ImageJ 1.x writes it.
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
                .hasMessageContaining("Stack to Images");
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

    /** Writes {@code pages} 7×5 8-bit grey pages, the first with the given ImageDescription. */
    private static void write(Path file, int pages, String description) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (FileImageOutputStream out = new FileImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int p = 0; p < pages; p++) {
                BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_BYTE_GRAY);
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
