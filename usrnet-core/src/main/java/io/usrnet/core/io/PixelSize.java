package io.usrnet.core.io;

import java.util.Locale;
import java.util.Objects;

/**
 * The physical size of one pixel, as a microscope, a scanner or ImageJ records it in an image file.
 *
 * <p>Restoring an image ×s makes every pixel s times smaller: {@link #dividedBy(int)} gives the
 * calibration of the result, so that a length measured on the restored image is the same length in
 * the same unit as on the input.
 *
 * @param width  the width of a pixel in {@code unit}, finite and &gt; 0
 * @param height the height of a pixel in {@code unit}, finite and &gt; 0
 * @param unit   the unit: {@code "µm"}, {@code "nm"}, {@code "mm"}, {@code "cm"}, {@code "inch"},
 *               any other text a file gives, or {@code ""} when the file gives a size without a
 *               unit (a TIFF resolution with ResolutionUnit "none")
 */
public record PixelSize(double width, double height, String unit) {

    /**
     * Checks the parts and writes the micrometre as {@code "µm"} however it came (ImageJ writes
     * {@code "micron"}, OME and tifffile {@code "µm"} or {@code "um"}).
     *
     * @throws IllegalArgumentException if a size is not finite and &gt; 0
     * @throws NullPointerException     if {@code unit} is null
     */
    public PixelSize {
        if (!(width > 0) || !(height > 0) || !Double.isFinite(width) || !Double.isFinite(height)) {
            throw new IllegalArgumentException("pixel size must be finite and > 0, got " + width + " × " + height);
        }
        Objects.requireNonNull(unit, "unit");
        unit = normalizeUnit(unit);
    }

    /** The calibration of an image resampled by {@code factor} in x and y: each size divided by it. */
    public PixelSize dividedBy(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be >= 1, got " + factor);
        }
        return new PixelSize(width / factor, height / factor, unit);
    }

    /** The calibration of an image downsampled by {@code factor} in x and y: each size multiplied by it. */
    public PixelSize multipliedBy(int factor) {
        if (factor < 1) {
            throw new IllegalArgumentException("factor must be >= 1, got " + factor);
        }
        return new PixelSize(width * factor, height * factor, unit);
    }

    /** {@code 0.5×0.5 µm}, as the CLI prints it. */
    @Override
    public String toString() {
        String size = width == height ? fmt(width) : fmt(width) + "×" + fmt(height);
        return size + (unit.isEmpty() ? " (no unit)" : " " + unit);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v).replaceFirst("\\.?0+(e|$)", "$1");
    }

    private static String normalizeUnit(String unit) {
        String u = unit.strip();
        return switch (u.toLowerCase(Locale.ROOT)) {
            case "micron", "microns", "um", "\u00b5m", "\u03bcm", "micrometer", "micrometre" -> "\u00b5m";
            case "inches" -> "inch";
            case "pixel", "pixels" -> "";
            default -> u;
        };
    }
}
