package io.usrnet.core.io;

import static io.usrnet.core.io.TiffDirectory.IMAGE_DESCRIPTION;
import static io.usrnet.core.io.TiffDirectory.SAMPLES_PER_PIXEL;

import io.usrnet.data.io.InvalidFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A multi-page TIFF (a stack or an ImageJ hyperstack) opened for reading one page at a time, so
 * that a stack of any size is never held in memory whole.
 *
 * <p>Pages are the file's full-resolution image directories in file order (reduced-resolution
 * copies are skipped), or the planes of ImageJ's one-directory layout (one directory whose ImageJ
 * description counts {@code images=N}, the other planes stored uncompressed after the first; ImageJ
 * and tifffile write stacks that pass 4 GiB that way). Every page is decoded as
 * {@link ImageFiles#read} decodes a single-image TIFF, and all pages must be of one size, colour
 * layout and sample format.
 *
 * <p>Hyperstack dimensions: from an ImageJ description ({@code channels}, {@code slices},
 * {@code frames}; channel fastest, then slice, then frame), else from OME-XML ({@code SizeC},
 * {@code SizeZ}, {@code SizeT} in its {@code DimensionOrder}), when they count exactly the pages;
 * otherwise every page is a slice. {@link #page(int, int, int)} maps a position to its page.
 *
 * <p>A single-image TIFF opens as a stack of one page. Immutable once open; {@link #read(int)} may
 * be called from several threads. Close it to release the file.
 *
 * <pre>{@code
 * try (TiffStack stack = TiffStack.open(Path.of("cells.tif"))) {
 *     for (int p = 0; p < stack.pages(); p++) {
 *         ImageData page = stack.read(p);
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class TiffStack implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final TiffDirectory first;
    /** Directory positions of the pages; null for the one-directory layout. */
    private final long[] positions;
    /** Bytes between planes of the one-directory layout; 0 otherwise. */
    private final long planeBytes;
    private final int pages;
    private final int channels;
    private final int slices;
    private final int frames;
    /** Page strides of channel, slice and frame. */
    private final int[] strides;
    private final TiffReader.PageType type;
    private final PixelSize pixelSize;

    private TiffStack(Path file, FileChannel channel) throws IOException {
        this.file = file;
        this.channel = channel;
        first = TiffDirectory.first(channel, file);
        String description = first.text(IMAGE_DESCRIPTION);
        long[] found = first.imagePositions();
        TiffReader.Dimensions ij = TiffReader.imageJDimensions(description);
        TiffReader.OmeDimensions ome = ij != null ? null
                : TiffReader.omeDimensions(description, first.longValue(SAMPLES_PER_PIXEL, 1));
        type = typeOf(first, 1);
        if (found.length == 1 && ij != null && ij.images() > 1) {
            positions = null;
            planeBytes = planeBytes(ij.images());
            pages = (int) ij.images();
        } else {
            positions = found;
            planeBytes = 0;
            pages = found.length;
            for (int p = 1; p < pages; p++) {
                TiffReader.PageType t = typeOf(first.at(positions[p]), p + 1);
                if (!t.equals(type)) {
                    throw new InvalidFileException(file, "page " + (p + 1) + " of " + pages + " is " + t + ", page 1 is "
                            + type + "; the pages of a stack must be of one size and type");
                }
            }
        }
        TiffReader.Dimensions dims = ij != null ? ij : ome != null ? ome.dimensions() : null;
        String order = ome != null ? ome.order() : "XYCZT";
        if (dims != null && dims.channels() * dims.slices() * dims.frames() == pages
                && order.length() == 5 && order.startsWith("XY")
                && order.substring(2).chars().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString().equals("CTZ")) {
            channels = (int) dims.channels();
            slices = (int) dims.slices();
            frames = (int) dims.frames();
        } else {
            channels = 1;
            slices = pages;
            frames = 1;
            order = "XYCZT";
        }
        strides = new int[3];
        int stride = 1;
        for (char d : order.substring(2).toCharArray()) {
            int i = "CZT".indexOf(d);
            strides[i] = stride;
            stride *= new int[] {channels, slices, frames}[i];
        }
        pixelSize = TiffReader.pixelSize(first, description);
    }

    /**
     * Opens a TIFF or BigTIFF file: reads its directories and checks that every page can be read
     * and that all pages are of one size and type; no pixels are read yet.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist ("file not found")
     * @throws InvalidFileException if the file is not a valid TIFF, is damaged or truncated, its pages
     *                              differ in size or type (the message names the page), or a page
     *                              has a layout this reader does not decode (JPEG or CCITT
     *                              compression, YCbCr, CMYK: {@link ImageFiles#read} reads single
     *                              images of those through the Java runtime)
     * @throws IOException          on other read errors
     */
    public static TiffStack open(Path file) throws IOException {
        ImageFiles.requireReadableFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        boolean opened = false;
        try {
            TiffStack stack = new TiffStack(file, channel);
            opened = true;
            return stack;
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "not a valid TIFF file, or corrupt or truncated (" + e + ")", e);
        } finally {
            if (!opened) {
                channel.close();
            }
        }
    }

    /**
     * True if {@code file} is a TIFF holding more than one image: several full-resolution
     * directories, or an ImageJ or OME description that counts several planes (the files
     * {@link ImageFiles#read} refuses as stacks). Reads the directories only.
     *
     * @throws InvalidFileException if the file is not a valid TIFF or its directories are damaged
     */
    public static boolean isStack(Path file) throws IOException {
        ImageFiles.requireReadableFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            TiffDirectory first = TiffDirectory.first(channel, file);
            return TiffReader.countImages(first, first.text(IMAGE_DESCRIPTION)) > 1;
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "not a valid TIFF file, or corrupt or truncated (" + e + ")", e);
        }
    }

    private TiffReader.PageType typeOf(TiffDirectory dir, int page) throws IOException {
        try {
            return TiffReader.pageType(file, dir);
        } catch (TiffReader.Unsupported e) {
            throw unsupported(page, e);
        }
    }

    private InvalidFileException unsupported(int page, TiffReader.Unsupported e) {
        return new InvalidFileException(file, "page " + page + " has a layout not read in stacks (" + e.getMessage()
                + "); save the stack uncompressed or with LZW or Deflate compression");
    }

    /** Checks the one-directory layout and gives the bytes of one plane. */
    private long planeBytes(long images) throws IOException {
        if (images > Integer.MAX_VALUE) {
            throw first.invalid("its ImageJ description counts " + images + " images");
        }
        long bytes;
        try {
            bytes = TiffReader.contiguousPlaneBytes(file, first);
        } catch (TiffReader.Unsupported e) {
            throw unsupported(1, e);
        }
        long offset = first.longValue(TiffDirectory.STRIP_OFFSETS, 0);
        long end = offset + bytes * images;
        if (bytes <= 0 || end / images < bytes || end > first.fileSize()) {
            throw new InvalidFileException(file, "not a valid TIFF file: its ImageJ description counts " + images
                    + " images in one image directory, so " + images + " planes of " + bytes + " bytes from byte "
                    + offset + ", but the file ends at byte " + first.fileSize() + "; it is truncated");
        }
        return bytes;
    }

    /** The file this stack was opened from. */
    public Path file() {
        return file;
    }

    /** The number of pages (images), at least 1. */
    public int pages() {
        return pages;
    }

    /** Hyperstack channels C (1 for a plain stack); {@code channels() * slices() * frames() == pages()}. */
    public int channels() {
        return channels;
    }

    /** Hyperstack slices Z (the page count for a plain stack). */
    public int slices() {
        return slices;
    }

    /** Hyperstack frames T (1 for a plain stack). */
    public int frames() {
        return frames;
    }

    /**
     * The page holding a position of the hyperstack (0-based; in ImageJ's order, channel fastest,
     * this is {@code channel + channels() * (slice + slices() * frame)}).
     *
     * @throws IndexOutOfBoundsException if a coordinate is out of range
     */
    public int page(int channel, int slice, int frame) {
        java.util.Objects.checkIndex(channel, channels);
        java.util.Objects.checkIndex(slice, slices);
        java.util.Objects.checkIndex(frame, frames);
        return channel * strides[0] + slice * strides[1] + frame * strides[2];
    }

    /**
     * The hyperstack channel a page belongs to (0-based).
     *
     * @throws IndexOutOfBoundsException if the page is out of range
     */
    public int channelOf(int page) {
        java.util.Objects.checkIndex(page, pages);
        return page / strides[0] % channels;
    }

    /** Width of every page in pixels. */
    public int width() {
        return type.width();
    }

    /** Height of every page in pixels. */
    public int height() {
        return type.height();
    }

    /** Colour channels of every page: 1 (grey) or 3 (RGB). */
    public int colorChannels() {
        return type.colors();
    }

    /** True if the pages carry an alpha channel (kept aside in {@link ImageData#alpha()}). */
    public boolean hasAlpha() {
        return type.alpha();
    }

    /** The sample format of every page, as {@link ImageFiles#read} reports it for one image. */
    public SampleFormat format() {
        return type.format();
    }

    /** The pixel size the file records (OME-XML, ImageJ description or resolution tags), or {@code null}. */
    public PixelSize pixelSize() {
        return pixelSize;
    }

    /**
     * Reads and decodes one page; only that page is held in memory.
     *
     * @param page 0-based, below {@link #pages()}
     * @return its colour channels, alpha if any, sample format and the stack's pixel size
     * @throws IndexOutOfBoundsException if the page is out of range
     * @throws InvalidFileException      if the page's data are damaged or truncated, or hold NaN or
     *                                   infinite samples
     * @throws java.nio.channels.ClosedChannelException if the stack was closed
     */
    public ImageData read(int page) throws IOException {
        java.util.Objects.checkIndex(page, pages);
        ImageData data;
        try {
            TiffDirectory dir = positions == null || page == 0 ? first : first.at(positions[page]);
            data = TiffReader.decode(file, dir, positions == null ? planeBytes * page : 0);
        } catch (TiffReader.Unsupported e) {
            throw unsupported(page + 1, e);
        } catch (RuntimeException e) {
            throw new InvalidFileException(file, "page " + (page + 1) + ": not a valid TIFF image, or corrupt or "
                    + "truncated (" + e + ")", e);
        }
        requireFinite(page, data.color(), "");
        if (data.hasAlpha()) {
            requireFinite(page, data.alpha(), "alpha ");
        }
        return data.withPixelSize(pixelSize);
    }

    private void requireFinite(int page, io.usrnet.data.Image image, String what) throws InvalidFileException {
        Optional<String> where = image.firstNonFinite();
        if (where.isPresent()) {
            throw new InvalidFileException(file, "page " + (page + 1) + " contains NaN or infinite " + what
                    + "samples (first at " + where.get() + "); only finite values are accepted");
        }
    }

    /** Closes the file; {@link #read(int)} fails afterwards. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** {@code cells.tif: 3 pages of 40×30 16-bit grey (2 channels × 3 slices)}. */
    @Override
    public String toString() {
        StringBuilder dims = new StringBuilder();
        int[] sizes = {channels, slices, frames};
        String[] names = {"channels", "slices", "frames"};
        for (int i = 0; i < 3; i++) {
            if (sizes[i] > 1) {
                dims.append(dims.length() == 0 ? "" : " × ").append(sizes[i]).append(' ').append(names[i]);
            }
        }
        return file.getFileName() + ": " + pages + (pages == 1 ? " page" : " pages") + " of " + type
                + (dims.length() == 0 ? "" : " (" + dims + ")");
    }
}
