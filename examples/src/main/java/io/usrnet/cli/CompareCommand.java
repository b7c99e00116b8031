package io.usrnet.cli;

import io.usrnet.eval.ContactSheet;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.metrics.Metrics;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code usrnet compare}: PSNR of images against a reference, and a side-by-side picture of them. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {
            "Compare images with the sharp original: print each one's PSNR against it (RGB, on 8-bit values, as "
                    + "eval computes it) and optionally write them side by side, the original last.",
            "An image smaller than the largest one by an integer factor s (an LR image) is upscaled by "
                    + "nearest-neighbour repetition first. A reference larger than the images (degrade --protocol "
                    + "table1 crops to a multiple of lcm(s, 8)) is cropped to their size at the top left."})
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--reference", required = true, paramLabel = "HR", description = "The sharp original.")
    Path reference;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images to compare (LR, restored, ...).")
    List<Path> images;

    @Option(names = "--border", paramLabel = "N", defaultValue = "0",
            description = "Pixels shaved from every side before the PSNR (default ${DEFAULT-VALUE}; Table 1 uses s²).")
    int border;

    @Option(names = "--output", paramLabel = "OUT",
            description = "Also write the images side by side, each upscaled like its PSNR, then the reference.")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (border < 0) {
            throw new IllegalArgumentException("--border must be >= 0, got " + border);
        }
        if (output != null) {
            CliText.requireWritableOutput(output);
        }
        List<Image> read = new ArrayList<>();
        int height = 0;
        int width = 0;
        for (Path p : images) {
            Image img = ImageFiles.readImage(p);
            read.add(img);
            height = Math.max(height, img.height());
            width = Math.max(width, img.width());
        }
        Image hr = ImageFiles.readImage(reference);
        if (hr.height() < height || hr.width() < width) {
            throw new IllegalArgumentException("--reference " + reference + " (" + hr.height() + "×" + hr.width()
                    + ") is smaller than the images (" + height + "×" + width + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (hr.height() > height || hr.width() > width) {
            out.printf(Locale.ROOT, "reference cropped to its top-left %d×%d%n", height, width);
            hr = Degradations.crop(hr, 0, 0, height, width);
        }
        out.printf(Locale.ROOT, "PSNR against %s (RGB, border %d):%n", reference, border);
        List<Image> panels = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            Image img = read.get(i);
            int s = height / img.height();
            if (s * img.height() != height || s * img.width() != width) {
                throw new IllegalArgumentException(images.get(i) + " (" + img.height() + "×" + img.width()
                        + ") is not the images' size " + height + "×" + width + " divided by an integer");
            }
            Image shown = s == 1 ? img : Degradations.upsampleNearest(img, s);
            if (shown.channels() != hr.channels()) {
                throw new IllegalArgumentException(images.get(i) + " has " + shown.channels()
                        + " channel(s), the reference " + hr.channels());
            }
            out.printf(Locale.ROOT, "  %6.2f dB  %s%s%n", Metrics.psnr(shown, hr, border), images.get(i),
                    s == 1 ? "" : " (nearest-neighbour ×" + s + ")");
            panels.add(shown);
        }
        if (output != null) {
            panels.add(hr);
            ImageFiles.write(output, ContactSheet.sideBySide(panels));
            out.printf(Locale.ROOT, "wrote %s: %s | %s%n", output,
                    String.join(" | ", images.stream().map(Path::toString).toList()), reference);
        }
        return 0;
    }
}
