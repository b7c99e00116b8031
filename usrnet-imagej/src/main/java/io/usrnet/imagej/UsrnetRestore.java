package io.usrnet.imagej;

import io.usrnet.core.Restorer;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Kernel;
import io.usrnet.prior.Precision;
import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.Prefs;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Plugins › USRNet › USRNet Restore...: restores the current image, stack or hyperstack with USRNet
 * into a new image (see {@link StackRestore}). One dialog, whose labels are the macro keys:
 * <pre>  run("USRNet Restore...", "kernel=[/path/k.npy] scale=2 sigma=2 boundary=periodic");</pre>
 * With macro options (a macro, batch mode, Fiji's {@code --headless}) no dialog is built, so it also
 * runs with {@code java.awt.headless=true}. Errors are ImageJ error messages (one line in headless
 * mode) and abort a running macro; the input image is never modified. The model is loaded once per
 * run. Progress in the status and progress bars, plane by plane; Esc cancels.
 */
public final class UsrnetRestore implements PlugIn {
    /** The dialog's title and the command's name. */
    static final String TITLE = "USRNet Restore";
    private static final String PREFS = "usrnet.restore.";

    @Override
    public void run(String arg) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null) {
            IJ.noImage();
            return;
        }
        String options = Macro.getOptions();
        try {
            RestoreSettings settings = options != null ? RestoreSettings.fromMacroOptions(options) : ask();
            if (settings == null) {
                return;
            }
            ImagePlus result = restore(imp, settings);
            if (result != null) {
                show(result);
            }
        } catch (IllegalArgumentException | IllegalStateException | IOException e) {
            report(message(e), options != null);
        }
    }

    /**
     * Says what went wrong: an error dialog, or one line on the standard error stream without a display
     * or in batch mode (where a dialog would wait forever for a click on a server); then stops the
     * running macro, so that its next commands do not act on the wrong image.
     */
    private static void report(String message, boolean fromMacro) {
        String line = TITLE + ": " + message;
        if (GraphicsEnvironment.isHeadless() || Interpreter.isBatchMode()) {
            System.err.println(line);
        } else {
            IJ.error(TITLE, line);
        }
        if (fromMacro) {
            Interpreter.abort();
            Macro.abort();
        }
    }

    /**
     * Restores {@code imp} with {@code settings}: reads the kernel(s), loads the model once, restores
     * every plane with ImageJ's progress bar and Esc to cancel.
     *
     * @return the new image (not shown), or null if cancelled
     * @throws IOException if the kernel or the weights cannot be read
     */
    public static ImagePlus restore(ImagePlus imp, RestoreSettings settings) throws IOException {
        List<Kernel> kernels = KernelFiles.readAll(settings.kernel());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // the engine is found through the context class loader, which in ImageJ is not the plugin's
        thread.setContextClassLoader(UsrnetRestore.class.getClassLoader());
        IJ.showStatus(TITLE + ": loading the model");
        try (Restorer restorer = build(settings)) {
            IJ.resetEscape();
            ImagePlus result = StackRestore.restore(imp, settings, kernels, restorer, new StackRestore.Progress() {
                @Override
                public void update(int index, int total, String status) {
                    IJ.showStatus(status);
                    IJ.showProgress(index, total);
                }

                @Override
                public boolean cancelled() {
                    return IJ.escapePressed();
                }
            });
            if (result == null) {
                IJ.resetEscape();
                IJ.showProgress(1.0);
                IJ.showStatus(TITLE + " cancelled");
            }
            return result;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Shows the result; in a JVM without a display and outside a macro interpreter (a Java program
     * calling the plugin) it becomes the current image instead of opening a window.
     */
    private static void show(ImagePlus result) {
        if (GraphicsEnvironment.isHeadless() && !IJ.isMacro() && !Interpreter.isBatchMode()) {
            WindowManager.setTempCurrentImage(result);
        } else {
            result.show();
        }
    }

    private static Restorer build(RestoreSettings settings) throws IOException {
        Restorer.Builder b = Restorer.builder().precision(settings.fast() ? Precision.BF16 : Precision.FP32);
        if (!settings.weights().isEmpty()) {
            b.weights(Path.of(settings.weights()));
        }
        return b.build();
    }

    /** The dialog; null if cancelled. Remembers the last values. */
    private static RestoreSettings ask() {
        if (GraphicsEnvironment.isHeadless()) {
            throw new IllegalArgumentException("without a display give the options in the macro: run(\"" + TITLE
                    + "...\", \"kernel=[/path/k.npy] scale=2 sigma=auto boundary=smooth\")");
        }
        GenericDialog gd = new GenericDialog(TITLE);
        gd.addFileField("Kernel", Prefs.get(PREFS + "kernel", ""), 40);
        gd.addNumericField("Scale", Prefs.get(PREFS + "scale", 2), 0, 3, "(1 = deblur only, 2–4 = super-resolve)");
        gd.addStringField("Sigma", Prefs.get(PREFS + "sigma", "auto"), 8);
        gd.addChoice("Boundary", new String[] {"periodic", "smooth"}, Prefs.get(PREFS + "boundary", "smooth"));
        gd.addFileField("Weights", Prefs.get(PREFS + "weights", ""), 40);
        gd.addNumericField("Iterations", 0, 0, 3, "(0 = all of the model's)");
        gd.addCheckbox("Ensemble (x8: 8 flips and rotations averaged, 8 times the time)",
                Prefs.get(PREFS + "ensemble", false));
        gd.addCheckbox("Fast (bfloat16 prior, about 1.5x faster where the CPU has bfloat16 instructions; ~0.004 dB)",
                Prefs.get(PREFS + "fast", false));
        gd.addMessage("Kernel: .npy, .mat[:VARIABLE[:INDEX]], .txt, .csv, .png, .tif; one kernel, or one per channel.\n"
                + "Sigma: the noise level in [0, 255] units of the image's range, or auto (measured on each plane).\n"
                + "Boundary: smooth for real images, periodic for circularly blurred test images.\n"
                + "Weights: empty for the built-in model.");
        gd.showDialog();
        if (gd.wasCanceled()) {
            return null;
        }
        String kernel = gd.getNextString();
        double scale = gd.getNextNumber();
        String sigma = gd.getNextString();
        String boundary = gd.getNextChoice();
        String weights = gd.getNextString();
        double iterations = gd.getNextNumber();
        boolean ensemble = gd.getNextBoolean();
        boolean fast = gd.getNextBoolean();
        RestoreSettings settings = new RestoreSettings(kernel, (int) scale, RestoreSettings.parseSigma(sigma),
                RestoreSettings.parseBoundary(boundary), weights, (int) iterations, ensemble, fast);
        Prefs.set(PREFS + "kernel", kernel);
        Prefs.set(PREFS + "scale", settings.scale());
        Prefs.set(PREFS + "sigma", settings.sigmaText());
        Prefs.set(PREFS + "boundary", boundary);
        Prefs.set(PREFS + "weights", settings.weights());
        Prefs.set(PREFS + "ensemble", ensemble);
        Prefs.set(PREFS + "fast", fast);
        return settings;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
