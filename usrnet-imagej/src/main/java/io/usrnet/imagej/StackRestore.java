package io.usrnet.imagej;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.NoiseEstimator;
import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Restores every plane of an {@link ImagePlus} (a single image, a stack, a hyperstack of channels ×
 * slices × frames) with one {@link Restorer}, into a new image of the same type and dimensions, s
 * times larger in x and y. The engine of the "USRNet Restore..." plugin, usable from Java and scripts.
 *
 * <p><b>Intensities.</b> The network works on samples in [0, 1]. 8-bit and RGB images are divided by
 * 255. 16- and 32-bit images are mapped from the <em>stack's</em> minimum and maximum to [0, 1] (one
 * map for all planes, so that their intensities stay comparable; a 12-bit camera's data fill the
 * range) and mapped back; σ is then in [0, 255] units of that range. Results are rounded and clamped
 * to the type's range (8-, 16-bit, RGB) or kept as computed (32-bit).
 *
 * <p><b>Kernels.</b> One kernel for all channels, or one per channel: as many kernels as the image has
 * channels (hyperstack channels; or the three colours of an RGB image, which are then restored one by
 * one as grey images).
 */
public final class StackRestore {
    /** Reports progress and asks whether to stop; both called on the restoring thread. */
    public interface Progress {
        /**
         * Called before plane {@code index} (0-based) of {@code total} and once more with
         * {@code index == total} at the end.
         *
         * @param status a line to show, e.g. {@code USRNet: plane 3/12 (sigma 2.31)}
         */
        void update(int index, int total, String status);

        /** True to stop: the run then returns null and leaves nothing behind. */
        boolean cancelled();
    }

    /** A progress that shows nothing and never cancels. */
    public static final Progress SILENT = new Progress() {
        @Override
        public void update(int index, int total, String status) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };

    private StackRestore() {
    }

    /**
     * Restores every plane of {@code imp}; {@code imp} is not modified.
     *
     * @param imp      the image: 8-, 16-, 32-bit grey or RGB, any stack or hyperstack
     * @param settings scale, σ, boundary, iterations (the kernel and weights fields are not read here)
     * @param kernels  one kernel, or one per channel
     * @param restorer the model, loaded once for all planes
     * @param progress progress and cancellation
     * @return the restored image, titled {@code TITLE-USRNet-xS}, or null if cancelled
     * @throws IllegalArgumentException if the kernels do not match the channels, a plane is too small
     *                                  to measure σ, or the result would not fit in memory
     */
    public static ImagePlus restore(ImagePlus imp, RestoreSettings settings, List<Kernel> kernels, Restorer restorer,
            Progress progress) {
        int type = imp.getType();
        int s = settings.scale();
        int w = imp.getWidth();
        int h = imp.getHeight();
        int channels = imp.getNChannels();
        boolean rgb = type == ImagePlus.COLOR_RGB;
        if (kernels.isEmpty()) {
            throw new IllegalArgumentException("the kernel file holds no kernel");
        }
        boolean perColour = rgb && kernels.size() == 3 && channels == 1;
        if (kernels.size() > 1 && kernels.size() != channels && !perColour) {
            throw new IllegalArgumentException("the kernel file holds " + kernels.size() + " kernels but " + imp.getTitle()
                    + " has " + channels + " channel" + (channels == 1 ? "" : "s") + (rgb ? " (RGB: 3 colours)" : "")
                    + ": give one kernel for all channels, or one per channel");
        }
        ImageStack stack = imp.getStack();
        int planes = stack.getSize();
        requireMemory(imp, (long) w * s * h * s * planes * bytesPerPixel(type));
        double[] range = intensityRange(stack, type);
        ImageStack out = new ImageStack(w * s, h * s);
        List<String> sigmas = new ArrayList<>();
        RestoreOptions.Builder options = RestoreOptions.builder().iterations(settings.iterations())
                .ensemble(settings.ensemble() ? 8 : 1)
                .progress((done, total) -> {
                    if (progress.cancelled()) {
                        throw new CancellationException();
                    }
                });
        for (int p = 0; p < planes; p++) {
            if (progress.cancelled()) {
                return null;
            }
            ImageProcessor ip = stack.getProcessor(p + 1);
            int channel = imp.convertIndexToPosition(p + 1)[0] - 1;
            Image plane = toImage(ip, range);
            List<Image> parts = new ArrayList<>();
            List<Kernel> partKernels = new ArrayList<>();
            if (perColour) {
                for (int c = 0; c < 3; c++) {
                    parts.add(plane.channel(c));
                    partKernels.add(kernels.get(c));
                }
            } else {
                parts.add(plane);
                partKernels.add(kernels.get(kernels.size() == 1 ? 0 : channel));
            }
            double sigma = settings.sigmaAuto() ? NoiseEstimator.DEFAULT.estimate(plane).sigma() : settings.sigma();
            if (settings.sigmaAuto()) {
                sigmas.add(String.format(Locale.ROOT, "%.2f", sigma));
            }
            progress.update(p, planes, String.format(Locale.ROOT, "USRNet: plane %d/%d%s", p + 1, planes,
                    settings.sigmaAuto() ? String.format(Locale.ROOT, " (sigma %.2f)", sigma) : ""));
            float[] restored = new float[plane.channels() * h * s * w * s];
            try {
                for (int c = 0; c < parts.size(); c++) {
                    Degradation d = Degradation.builder().kernel(partKernels.get(c)).scale(s).sigma(sigma)
                            .boundary(settings.boundary()).build();
                    Image r = restorer.restore(parts.get(c), d, options.build());
                    r.copyTo(restored, c * h * s * w * s);
                }
            } catch (CancellationException e) {
                return null;
            }
            out.addSlice(stack.getSliceLabel(p + 1),
                    toProcessor(Image.wrap(plane.channels(), h * s, w * s, restored), type, range));
        }
        progress.update(planes, planes, "USRNet: " + planes + " plane" + (planes == 1 ? "" : "s") + " restored");
        return result(imp, out, settings, sigmas);
    }

    /** The new image: dimensions, calibration, composite mode and LUTs, display range, title, info. */
    private static ImagePlus result(ImagePlus imp, ImageStack out, RestoreSettings settings, List<String> sigmas) {
        int s = settings.scale();
        ImagePlus res = new ImagePlus(imp.getShortTitle() + "-USRNet-x" + s, out);
        res.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
        if (imp.isHyperStack()) {
            res.setOpenAsHyperStack(true);
        }
        Calibration cal = imp.getCalibration().copy();
        cal.pixelWidth /= s;
        cal.pixelHeight /= s;
        cal.xOrigin *= s;
        cal.yOrigin *= s;
        res.setCalibration(cal);
        if (imp.isComposite()) {
            CompositeImage composite = new CompositeImage(res, ((CompositeImage) imp).getMode());
            composite.setLuts(((CompositeImage) imp).getLuts());
            res = composite;
        } else if (imp.getType() != ImagePlus.COLOR_RGB) {
            res.setDisplayRange(imp.getDisplayRangeMin(), imp.getDisplayRangeMax());
        }
        res.setProperty("Info", "USRNet Restore of " + imp.getTitle() + ": " + settings.toMacroOptions()
                + (sigmas.isEmpty() ? "" : "\nmeasured sigma per plane: " + String.join(", ", sigmas)) + "\n");
        return res;
    }

    /**
     * {offset, span} mapping the samples to [0, 1]: {0, 255} for 8-bit and RGB, the stack's minimum and
     * maximum − minimum (1 if constant) for 16- and 32-bit.
     */
    static double[] intensityRange(ImageStack stack, int type) {
        if (type == ImagePlus.GRAY8 || type == ImagePlus.COLOR_256 || type == ImagePlus.COLOR_RGB) {
            return new double[] {0, 255};
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 1; p <= stack.getSize(); p++) {
            ImageProcessor ip = stack.getProcessor(p);
            for (int i = 0; i < ip.getPixelCount(); i++) {
                double v = ip.getf(i);
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(max >= min)) {
            throw new IllegalArgumentException("the image holds no finite sample");
        }
        return new double[] {min, max > min ? max - min : 1};
    }

    /** One plane as samples in [0, 1]: 1 channel, or 3 for RGB. */
    static Image toImage(ImageProcessor ip, double[] range) {
        int w = ip.getWidth();
        int h = ip.getHeight();
        if (ip instanceof ColorProcessor cp) {
            float[] v = new float[3 * w * h];
            int[] argb = (int[]) cp.getPixels();
            for (int i = 0; i < argb.length; i++) {
                v[i] = ((argb[i] >> 16) & 0xff) / 255f;
                v[w * h + i] = ((argb[i] >> 8) & 0xff) / 255f;
                v[2 * w * h + i] = (argb[i] & 0xff) / 255f;
            }
            return Image.wrap(3, h, w, v);
        }
        float[] v = new float[w * h];
        for (int i = 0; i < v.length; i++) {
            float raw = ip.getf(i);
            if (!Float.isFinite(raw)) {
                throw new IllegalArgumentException("the image holds a NaN or infinite sample at x " + i % w + ", y "
                        + i / w + "; USRNet needs finite samples");
            }
            v[i] = (float) ((raw - range[0]) / range[1]);
        }
        return Image.wrap(1, h, w, v);
    }

    /** A restored plane back in the image's type: rounded and clamped for 8-, 16-bit and RGB. */
    static ImageProcessor toProcessor(Image img, int type, double[] range) {
        int w = img.width();
        int h = img.height();
        int n = w * h;
        float[] v = img.toArray();
        switch (type) {
            case ImagePlus.COLOR_RGB -> {
                int[] argb = new int[n];
                for (int i = 0; i < n; i++) {
                    argb[i] = 0xff000000 | byteOf(v[i]) << 16 | byteOf(v[n + i]) << 8 | byteOf(v[2 * n + i]);
                }
                return new ColorProcessor(w, h, argb);
            }
            case ImagePlus.GRAY8, ImagePlus.COLOR_256 -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) byteOf(v[i]);
                }
                return new ByteProcessor(w, h, b);
            }
            case ImagePlus.GRAY16 -> {
                short[] sh = new short[n];
                for (int i = 0; i < n; i++) {
                    double x = range[0] + v[i] * range[1];
                    sh[i] = (short) (int) Math.round(Math.max(0, Math.min(65535, x)));
                }
                return new ShortProcessor(w, h, sh, null);
            }
            default -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) (range[0] + v[i] * range[1]);
                }
                return new FloatProcessor(w, h, f);
            }
        }
    }

    private static int byteOf(float v) {
        return (int) Math.round(Math.max(0, Math.min(255, v * 255.0)));
    }

    private static int bytesPerPixel(int type) {
        return switch (type) {
            case ImagePlus.GRAY8, ImagePlus.COLOR_256 -> 1;
            case ImagePlus.GRAY16 -> 2;
            default -> 4;
        };
    }

    /** Refuses a result larger than the Java heap has room for, before any work is done. */
    private static void requireMemory(ImagePlus imp, long resultBytes) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (resultBytes > free) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the result of %s (%d planes, %.0f MB) does "
                    + "not fit in the %.0f MB of memory ImageJ has free: restore fewer planes (Image › Duplicate) or "
                    + "give ImageJ more (Edit › Options › Memory & Threads)", imp.getTitle(), imp.getStackSize(),
                    resultBytes / 1e6, free / 1e6));
        }
    }
}
