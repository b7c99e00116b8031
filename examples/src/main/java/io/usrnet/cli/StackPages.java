package io.usrnet.cli;

import io.usrnet.core.io.Compression;
import io.usrnet.core.io.ImageData;
import io.usrnet.core.io.ImageFormat;
import io.usrnet.core.io.PixelSize;
import io.usrnet.core.io.TiffStack;
import io.usrnet.core.io.TiffStackWriter;
import io.usrnet.data.Image;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * restore, degrade and solve on a multi-page TIFF (a stack or an ImageJ hyperstack): page by page,
 * each page read, processed and appended to the output stack before the next but one is read, so
 * that only a few pages are in memory at a time. The output is a TIFF stack of the same channels,
 * slices and frames, written in ImageJ's order (channel fastest), and appears only complete.
 */
final class StackPages {
    private StackPages() {
    }

    /** One page's position: its index in the output (ImageJ's order) and its hyperstack channel, slice and frame. */
    record Position(int index, int channel, int slice, int frame) {
    }

    /** What one page gives. */
    record Page(Image color, Image alpha, long startNanos) {
    }

    /** Computes the output of one page. */
    @FunctionalInterface
    interface Operation {
        /**
         * @param at    where the page is in the stack
         * @param input the page as read
         * @param label the page's label for progress lines, e.g. {@code cells.tif page 2/6}
         */
        Page apply(Position at, ImageData input, String label) throws IOException;
    }

    /**
     * True if {@code file} is a TIFF (by extension) holding more than one image: those are
     * processed page by page.
     */
    static boolean isStack(Path file) throws IOException {
        return ImageFormat.isReadable(file) && ImageFormat.forPath(file) == ImageFormat.TIFF
                && TiffStack.isStack(file);
    }

    /**
     * Fails unless {@code output} names a TIFF file: a stack is written as a TIFF stack.
     *
     * @param input the stack, for the message
     */
    static void requireTiffOutput(Path output, Path input) {
        if (ImageFormat.forWriting(output) != ImageFormat.TIFF) {
            throw new IllegalArgumentException("--output " + output + ": " + input.getFileName() + " is a stack (a "
                    + "multi-page TIFF), which is written as a TIFF stack; name the output .tif or .tiff");
        }
    }

    /**
     * Runs {@code operation} on every page of {@code stack} and writes the results to
     * {@code output} as a TIFF stack of the input's sample format and dimensions.
     *
     * @param pixelSize the output's pixel size, or {@code null}
     * @param overlap   whether the next page is read and the previous one written while one is
     *                  processed (three pages in memory rather than one)
     * @param label     the stack's name in progress lines
     * @throws IOException              if reading or writing fails; nothing is left at {@code output}
     * @throws IllegalArgumentException if a page cannot be processed; nothing is left either
     */
    static void run(TiffStack stack, Path output, Compression compression, PixelSize pixelSize, boolean overlap,
            boolean quiet, PrintWriter err, String label, Operation operation) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        int pages = stack.pages();
        int channels = stack.channels();
        int slices = stack.slices();
        Position[] positions = new Position[pages];
        for (int q = 0; q < pages; q++) {
            positions[q] = new Position(q, q % channels, q / channels % slices, q / (channels * slices));
        }
        TiffStackWriter[] writer = new TiffStackWriter[1];
        ImageData[] firstPage = new ImageData[1];
        boolean complete = false;
        try {
            new Pipeline<ImageData, Page>(
                    q -> stack.read(stack.page(positions[q].channel(), positions[q].slice(), positions[q].frame())),
                    (q, in) -> operation.apply(positions[q], in, pageLabel(label, q, pages)),
                    (q, page) -> {
                        if (writer[0] == null) {
                            Image c = page.color();
                            writer[0] = TiffStackWriter.builder(output, c.width(), c.height(), stack.format())
                                    .colorChannels(c.channels()).alpha(page.alpha() != null)
                                    .hyperstack(channels, slices, stack.frames()).pixelSize(pixelSize)
                                    .compression(compression).open();
                            firstPage[0] = new ImageData(c, page.alpha(), stack.format(), pixelSize);
                        }
                        writer[0].write(page.color(), page.alpha());
                        if (!quiet) {
                            err.printf(Locale.ROOT, "%s: done (%.1f s)%n", pageLabel(label, q, pages),
                                    (System.nanoTime() - page.startNanos()) / 1e9);
                            err.flush();
                        }
                    }, overlap).run(pages, (q, e) -> {
                        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
                    });
            writer[0].close();
            complete = true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            if (!complete && writer[0] != null) {
                writer[0].abort();
            }
        }
        if (!quiet) {
            err.printf(Locale.ROOT, "%s: wrote %s (%s, %.1f s)%n", label, output, describe(stack, output, firstPage[0]),
                    (System.nanoTime() - t0) / 1e9);
            err.flush();
        }
    }

    /** {@code cells.tif page 2/6}. */
    static String pageLabel(String label, int index, int pages) {
        return label + " page " + (index + 1) + "/" + pages;
    }

    /** {@code 6 pages (2 channels × 3 slices) of 80×60 grey, 16-bit TIFF, pixel 0.25 µm}. */
    static String describe(TiffStack stack, Path output, ImageData page) {
        StringBuilder dims = new StringBuilder();
        int[] sizes = {stack.channels(), stack.slices(), stack.frames()};
        String[] names = {"channels", "slices", "frames"};
        for (int i = 0; i < 3; i++) {
            if (sizes[i] > 1) {
                dims.append(dims.length() == 0 ? "" : " × ").append(sizes[i]).append(' ').append(names[i]);
            }
        }
        return stack.pages() + " pages" + (dims.length() == 0 ? "" : " (" + dims + ")") + " of "
                + CliText.describe(output, page);
    }
}
