package io.usrnet.core.io;

import io.usrnet.data.Image;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes a multi-page TIFF (a stack or an ImageJ hyperstack) page by page, holding one page in
 * memory at a time, and puts it in place atomically when complete.
 *
 * <p>The pages go to a temporary file beside the target as they come; {@link #close()}, once every
 * page is written, adds the image directories, flushes the file to disk and moves it over the
 * target (see {@link AtomicFiles}). Closing before every page is written, {@link #abort()}, a
 * failed write or the end of the program (a shutdown hook) delete the temporary file: nothing half
 * written is ever left under the target's name, and an existing target stays as it was.
 *
 * <p>The file: little-endian, one directory per page, samples as {@link ImageFiles#write} writes a
 * single TIFF (8/16-bit unsigned or 32-bit float, grey or RGB, optional alpha as an unassociated
 * extra sample, Deflate without predictor or uncompressed), the pixel size as resolution tags in
 * every directory, and in the first an ImageJ description ({@code ImageJ=1.11a}, {@code images=N},
 * {@code channels=C}, {@code slices=Z}, {@code frames=T}, {@code hyperstack=true}, {@code unit=…})
 * so that ImageJ and Fiji open it as the same hyperstack. Pages are expected in ImageJ's order:
 * channel fastest, then slice, then frame. The pixel data of all pages come first, back to back, and
 * the directories after them: ImageJ reads an uncompressed stack as planes stored one after the
 * other, which this layout is. A classic TIFF, or BigTIFF when the file could pass 4 GiB (ImageJ 1
 * does not read BigTIFF; Fiji's Bio-Formats and tifffile do).
 *
 * <pre>{@code
 * try (TiffStackWriter out = TiffStackWriter.builder(Path.of("out.tif"), 80, 60, SampleFormat.UINT16)
 *         .hyperstack(2, 3, 1).pixelSize(new PixelSize(0.25, 0.25, "µm")).open()) {
 *     for (Image page : pages) {
 *         out.write(page);
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: write the pages from one thread, or one after the other.
 */
public final class TiffStackWriter implements AutoCloseable {
    /** Temporary files of writers not yet closed, deleted if the program ends first. */
    private static final Set<Path> UNFINISHED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> UNFINISHED.forEach(AtomicFiles::deleteQuietly),
                "usrnet-tiff-stack-cleanup"));
    }

    private final Path target;
    private final Path temporary;
    private final FileChannel out;
    private final TiffWriter.Strips layout;
    private final Compression compression;
    private final PixelSize pixelSize;
    private final int channels;
    private final int slices;
    private final int frames;
    private final int pages;
    private final boolean big;
    private final List<long[]> offsets = new ArrayList<>();
    private final List<long[]> counts = new ArrayList<>();
    private long position;
    private boolean finished;

    private TiffStackWriter(Builder b) throws IOException {
        target = b.target;
        layout = TiffWriter.Strips.of(b.width, b.height, b.colors, b.alpha, b.format);
        compression = b.compression;
        pixelSize = b.pixelSize;
        channels = b.channels;
        slices = b.slices;
        frames = b.frames;
        pages = channels * slices * frames;
        long directories = pages * (1024L + 16L * layout.count());
        big = b.bigTiff || (double) layout.worstCaseBytes() * pages + directories + (1L << 20) > TiffWriter.CLASSIC_LIMIT;
        position = big ? 16 : 8;
        temporary = AtomicFiles.createTemp(target);
        UNFINISHED.add(temporary);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(temporary, StandardOpenOption.WRITE);
        } finally {
            if (channel == null) {
                discard();
            }
        }
        out = channel;
    }

    /**
     * Starts describing a stack of {@code width}×{@code height} pages with the given sample format;
     * by default grey, without alpha, one slice, no pixel size, Deflate-compressed.
     *
     * @param target the file to create or replace (its directory must exist)
     * @throws NullPointerException     if {@code target} or {@code format} is null
     * @throws IllegalArgumentException if a size is not positive or the page is too large
     */
    public static Builder builder(Path target, int width, int height, SampleFormat format) {
        return new Builder(target, width, height, format);
    }

    /** What a {@link TiffStackWriter} writes; {@link #open()} starts writing. */
    public static final class Builder {
        private final Path target;
        private final int width;
        private final int height;
        private final SampleFormat format;
        private int colors = 1;
        private boolean alpha;
        private int channels = 1;
        private int slices = 1;
        private int frames = 1;
        private PixelSize pixelSize;
        private Compression compression = Compression.DEFLATE;
        private boolean bigTiff;

        private Builder(Path target, int width, int height, SampleFormat format) {
            this.target = Objects.requireNonNull(target, "target");
            this.format = Objects.requireNonNull(format, "format");
            if (width < 1 || height < 1 || (long) width * height > ImageFiles.MAX_PIXELS) {
                throw new IllegalArgumentException("page size must be positive and at most " + ImageFiles.MAX_PIXELS
                        + " pixels, got " + width + "×" + height);
            }
            this.width = width;
            this.height = height;
        }

        /**
         * Colour channels of every page: 1 (grey, the default) or 3 (RGB).
         *
         * @throws IllegalArgumentException for other counts
         */
        public Builder colorChannels(int count) {
            if (count != 1 && count != 3) {
                throw new IllegalArgumentException("a TIFF page holds 1 (grey) or 3 (RGB) colour channels, got " + count);
            }
            colors = count;
            return this;
        }

        /** Whether every page has an alpha channel (default: none). */
        public Builder alpha(boolean present) {
            alpha = present;
            return this;
        }

        /**
         * The hyperstack dimensions: {@code channels × slices × frames} pages, written channel
         * fastest, then slice, then frame (default 1 × 1 × 1: one page).
         *
         * @throws IllegalArgumentException if a dimension is below 1 or the pages number more than
         *                                  {@link Integer#MAX_VALUE}
         */
        public Builder hyperstack(int channels, int slices, int frames) {
            if (channels < 1 || slices < 1 || frames < 1
                    || (long) channels * slices * frames > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("hyperstack dimensions must be >= 1 (and their product an int), got "
                        + channels + " channels × " + slices + " slices × " + frames + " frames");
            }
            this.channels = channels;
            this.slices = slices;
            this.frames = frames;
            return this;
        }

        /** The pixel size to record, or {@code null} for none (the default). */
        public Builder pixelSize(PixelSize size) {
            pixelSize = size;
            return this;
        }

        /** How the pages are compressed (default {@link Compression#DEFLATE}). */
        public Builder compression(Compression compression) {
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** Writes BigTIFF even when the file would fit a classic TIFF (for tests). */
        Builder bigTiff() {
            bigTiff = true;
            return this;
        }

        /**
         * Creates the temporary file and returns the writer, ready for the first page.
         *
         * @throws java.nio.file.NoSuchFileException if the target's directory does not exist
         * @throws java.nio.file.FileSystemException if the target is a directory or its parent is
         *                                           not a directory
         * @throws IOException on other errors creating the temporary file
         */
        public TiffStackWriter open() throws IOException {
            return new TiffStackWriter(this);
        }
    }

    /** The number of pages the stack holds: channels × slices × frames. */
    public int pages() {
        return pages;
    }

    /** The number of pages written so far. */
    public int pagesWritten() {
        return offsets.size();
    }

    /** True once the file is written as BigTIFF (it could pass 4 GiB). */
    public boolean isBigTiff() {
        return big;
    }

    /**
     * Appends the next page, without alpha.
     *
     * @see #write(Image, Image)
     */
    public void write(Image page) throws IOException {
        write(page, null);
    }

    /**
     * Appends the next page: its samples go to the file now.
     *
     * @param color the colour channels, of the stack's page size and colour channel count
     * @param alpha the alpha channel (1 channel of the page size) if the stack has alpha, else
     *              {@code null}
     * @throws IllegalArgumentException if the page does not match the stack or holds NaN or
     *                                  infinite samples; nothing is written then and the writer
     *                                  can go on
     * @throws IllegalStateException    if every page is written already, or the writer is closed
     * @throws IOException              if writing fails; the temporary file is deleted then and the
     *                                  writer cannot go on
     */
    public void write(Image color, Image alpha) throws IOException {
        if (finished) {
            throw new IllegalStateException(target + ": the stack writer is closed");
        }
        if (offsets.size() == pages) {
            throw new IllegalStateException(target + ": all " + pages + " pages are written already");
        }
        int page = offsets.size() + 1;
        if (color.channels() != layout.colors() || color.height() != layout.height()
                || color.width() != layout.width()) {
            throw new IllegalArgumentException(target + ": page " + page + " is " + color.shape() + ", the stack's pages "
                    + "are " + layout.colors() + "×" + layout.height() + "×" + layout.width());
        }
        if ((alpha != null) != layout.alpha()) {
            throw new IllegalArgumentException(target + ": page " + page + (alpha == null ? " has no alpha channel, "
                    + "the stack's pages have one" : " has an alpha channel, the stack's pages have none"));
        }
        if (alpha != null && (alpha.channels() != 1 || alpha.height() != layout.height()
                || alpha.width() != layout.width())) {
            throw new IllegalArgumentException(target + ": the alpha of page " + page + " is " + alpha.shape()
                    + ", expected 1×" + layout.height() + "×" + layout.width());
        }
        requireFinite(color, page, "");
        if (alpha != null) {
            requireFinite(alpha, page, "alpha ");
        }
        long[] o = new long[layout.count()];
        long[] c = new long[layout.count()];
        try {
            position = TiffWriter.writeStrips(out, position, layout, RowSource.of(color, alpha), compression, o, c);
        } catch (IOException | RuntimeException | Error e) {
            discard();
            throw e;
        }
        offsets.add(o);
        counts.add(c);
    }

    private void requireFinite(Image image, int page, String what) {
        Optional<String> where = image.firstNonFinite();
        if (where.isPresent()) {
            throw new IllegalArgumentException(target + ": cannot write page " + page + " with NaN or infinite " + what
                    + "samples (first at " + where.get() + ")");
        }
    }

    /**
     * Completes the file and moves it over the target. If not every page was written, nothing is
     * written: the temporary file is deleted and this throws. Does nothing once closed or aborted.
     *
     * @throws IllegalStateException if fewer pages than {@link #pages()} were written (the target is
     *                               then untouched)
     * @throws IOException           if writing or moving fails (the target is then untouched)
     */
    @Override
    public void close() throws IOException {
        if (finished) {
            return;
        }
        if (offsets.size() != pages) {
            int written = offsets.size();
            discard();
            throw new IllegalStateException(target + ": the stack writer was closed after " + written + " of " + pages
                    + " pages; nothing was written");
        }
        boolean committed = false;
        try {
            long at = position + (position & 1); // directories start on a word boundary
            long firstDirectory = at;
            for (int p = 0; p < pages; p++) {
                List<TiffWriter.Field> fields = TiffWriter.fields(layout, compression, offsets.get(p), counts.get(p),
                        big, pixelSize, p == 0 ? description() : null);
                int bytes = TiffWriter.directoryBytes(fields, big);
                long next = p + 1 < pages ? at + bytes + (bytes & 1) : 0;
                if (!big && next > TiffWriter.CLASSIC_LIMIT) {
                    throw new IOException(target + ": the stack passed 4 GiB in a classic TIFF"); // cannot happen
                }
                TiffWriter.writeFully(out, TiffWriter.directory(fields, at, big, next), at);
                at = next;
            }
            TiffWriter.writeHeader(out, big, firstDirectory);
            out.close();
            AtomicFiles.commit(temporary, target);
            committed = true;
        } finally {
            if (committed) {
                finished = true;
                UNFINISHED.remove(temporary);
            } else {
                discard();
            }
        }
    }

    /**
     * Abandons the stack: closes and deletes the temporary file, leaving the target as it was.
     * Never throws; does nothing once closed or aborted.
     */
    public void abort() {
        if (!finished) {
            discard();
        }
    }

    private void discard() {
        finished = true;
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // the file is deleted next; nothing more to do
        }
        AtomicFiles.deleteQuietly(temporary);
        UNFINISHED.remove(temporary);
    }

    /** The ImageJ description of the first directory: the hyperstack's dimensions and the pixel unit. */
    String description() {
        StringBuilder d = new StringBuilder(TiffWriter.IMAGEJ_VERSION).append('\n');
        d.append("images=").append(pages).append('\n');
        if (channels > 1) {
            d.append("channels=").append(channels).append('\n');
        }
        if (slices > 1) {
            d.append("slices=").append(slices).append('\n');
        }
        if (frames > 1) {
            d.append("frames=").append(frames).append('\n');
        }
        int dims = (channels > 1 ? 1 : 0) + (slices > 1 ? 1 : 0) + (frames > 1 ? 1 : 0);
        if (channels > 1 || dims > 1) {
            d.append("hyperstack=true\n");
        }
        d.append(TiffWriter.imageJUnitLine(pixelSize));
        return d.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "TiffStackWriter[%s, %d of %d pages]", target, offsets.size(), pages);
    }
}
