package io.usrnet.eval;

import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A picture of a few evaluated items for looking at, not for measuring: one row per image, columns
 * LR (nearest-neighbour upsampled) | each method except nearest, in evaluation order | HR, every panel
 * the same centre crop of the HR frame, separated by white gaps. Collects the {@link Sample}s of one
 * (setting, kernel) pair for the first {@code rows} images it is given; pass it to
 * {@link Evaluation.Builder#sampleListener} and call {@link #render()} after the run. Not thread-safe.
 */
public final class ContactSheet implements Consumer<Sample> {
    private static final int GAP = 4;

    private final Setting setting;
    private final int kernel;
    private final int rows;
    private final int panel;
    private final List<Sample> samples = new ArrayList<>();

    /**
     * A sheet for one (setting, kernel) pair.
     *
     * @param setting the setting to show
     * @param kernel  the 1-based kernel index to show
     * @param rows    how many images (rows), ≥ 1
     * @param panel   the side of each panel's centre crop in pixels, ≥ 8 (smaller images are shown whole)
     */
    public ContactSheet(Setting setting, int kernel, int rows, int panel) {
        if (rows < 1 || panel < 8) {
            throw new IllegalArgumentException("contact sheet needs rows >= 1 and panel >= 8, got " + rows + ", " + panel);
        }
        this.setting = Objects.requireNonNull(setting, "setting");
        this.kernel = kernel;
        this.rows = rows;
        this.panel = panel;
    }

    @Override
    public void accept(Sample s) {
        if (samples.size() < rows && s.setting().equals(setting) && s.kernel() == kernel) {
            samples.add(s);
        }
    }

    /** The image names of the rows collected so far. */
    public List<String> images() {
        return samples.stream().map(Sample::image).toList();
    }

    /** The column titles: "LR (nearest)", the methods shown, "HR". */
    public List<String> columns() {
        List<String> c = new ArrayList<>();
        c.add("LR (nearest)");
        if (!samples.isEmpty()) {
            samples.get(0).outputs().keySet().stream().filter(m -> m != Method.NEAREST).forEach(m -> c.add(m.id()));
        }
        c.add("HR");
        return c;
    }

    /**
     * Renders the sheet: RGB, values clamped to [0, 1], white background.
     *
     * @throws IllegalStateException if no sample of the chosen (setting, kernel) was collected
     */
    public Image render() {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no samples collected for " + setting + " k" + kernel);
        }
        int cols = columns().size();
        int side = panel;
        for (Sample s : samples) {
            side = Math.min(side, Math.min(s.reference().height(), s.reference().width()));
        }
        int height = samples.size() * side + (samples.size() + 1) * GAP;
        int width = cols * side + (cols + 1) * GAP;
        float[] v = new float[3 * height * width];
        java.util.Arrays.fill(v, 1f);
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r);
            Image ref = s.reference();
            List<Image> panels = new ArrayList<>();
            panels.add(Degradations.upsampleNearest(s.lr(), s.setting().scale()));
            s.outputs().forEach((m, img) -> {
                if (m != Method.NEAREST) {
                    panels.add(img);
                }
            });
            panels.add(ref);
            int top = (ref.height() - side) / 2;
            int left = (ref.width() - side) / 2;
            for (int c = 0; c < panels.size(); c++) {
                paste(Degradations.crop(panels.get(c), top, left, side, side), v, height, width,
                        GAP + r * (side + GAP), GAP + c * (side + GAP));
            }
        }
        return Image.wrap(3, height, width, v);
    }

    /**
     * Images of one size side by side, left to right, with the same white gaps as the sheet between
     * and around them: RGB (a grey image shown grey), values clamped to [0, 1].
     *
     * @param panels the images, all of the same height and width
     * @return the picture
     * @throws IllegalArgumentException if there are no panels or their sizes differ
     */
    public static Image sideBySide(List<Image> panels) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("no images to place side by side");
        }
        int h = panels.get(0).height();
        int w = panels.get(0).width();
        for (Image p : panels) {
            if (p.height() != h || p.width() != w) {
                throw new IllegalArgumentException("images to place side by side differ in size: " + h + "×" + w
                        + " vs " + p.height() + "×" + p.width());
            }
        }
        int height = h + 2 * GAP;
        int width = panels.size() * w + (panels.size() + 1) * GAP;
        float[] v = new float[3 * height * width];
        java.util.Arrays.fill(v, 1f);
        for (int c = 0; c < panels.size(); c++) {
            paste(panels.get(c), v, height, width, GAP, GAP + c * (w + GAP));
        }
        return Image.wrap(3, height, width, v);
    }

    private static void paste(Image p, float[] dst, int height, int width, int top, int left) {
        float[] src = p.toRgb().toArray();
        int plane = p.height() * p.width();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < p.height(); y++) {
                for (int x = 0; x < p.width(); x++) {
                    float val = src[c * plane + y * p.width() + x];
                    dst[c * height * width + (top + y) * width + left + x] = Math.max(0f, Math.min(1f, val));
                }
            }
        }
    }
}
