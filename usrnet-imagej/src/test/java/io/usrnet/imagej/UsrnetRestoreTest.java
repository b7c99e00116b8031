package io.usrnet.imagej;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.io.NpyArray;
import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.Macro;
import ij.WindowManager;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin as Fiji's headless mode runs it: macro options, no display, no dialog. */
class UsrnetRestoreTest {
    private static final Kernel KERNEL = Kernels.anisotropicGaussian(9, 1.2, 0.8, 0.3);
    private static Restorer restorer;
    private static Image butterfly;
    @TempDir
    static Path dir;
    private static Path kernelFile;

    @BeforeAll
    static void setUp() throws IOException {
        assertThat(GraphicsEnvironment.isHeadless()).as("the tests run with java.awt.headless=true").isTrue();
        restorer = Restorer.builder().build();
        butterfly = ImageFiles.readImage(Path.of(System.getProperty("usrnet.samples")).resolve("butterfly.png"));
        kernelFile = dir.resolve("k.npy");
        NpyArray.writeKernel(kernelFile, KERNEL);
    }

    @AfterAll
    static void tearDown() {
        restorer.close();
    }

    /** Plane {@code i} of a grey test stack: a crop of the butterfly's green channel in [0, 1]. */
    private static Image plane(int i, int h, int w) {
        return Degradations.crop(butterfly, 20 + 30 * i, 40 + 20 * i, h, w).channel(1);
    }

    /**
     * Runs the plugin on {@code imp} with macro options, as {@code run("USRNet Restore...", options)}
     * does: on a thread named like ImageJ's command threads ("Run$_…", where Macro.getOptions() looks),
     * with {@code imp} as that thread's current image.
     *
     * @return the image the plugin made current, or null if it made none
     */
    private static ImagePlus runPlugin(ImagePlus imp, String options) {
        ImagePlus[] result = new ImagePlus[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            WindowManager.setTempCurrentImage(imp);
            Macro.setOptions(options);
            try {
                new UsrnetRestore().run("");
                ImagePlus current = WindowManager.getCurrentImage();
                result[0] = current == imp ? null : current;
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                Macro.setOptions(null);
                WindowManager.setTempCurrentImage(null);
            }
        }, "Run$_USRNet Restore...");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(failure[0]).as("the plugin lets nothing escape").isNull();
        return result[0];
    }

    private static Image restored(Image lr, Kernel k, int s, double sigma) {
        return restorer.restore(lr, Degradation.builder().kernel(k).scale(s).sigma(sigma).boundary(Boundary.PERIODIC)
                .build(), RestoreOptions.defaults());
    }

    @Test
    void aSixteenBitStackIsRestoredSliceBySliceWithItsCalibration() {
        int h = 36;
        int w = 40;
        ImageStack stack = new ImageStack(w, h);
        for (int i = 0; i < 3; i++) {
            float[] v = plane(i, h, w).toArray();
            short[] px = new short[v.length];
            for (int j = 0; j < v.length; j++) {
                px[j] = (short) Math.round(300 + 3000 * v[j]); // a 12-bit camera's range
            }
            stack.addSlice("z" + i, new ShortProcessor(w, h, px, null));
        }
        ImagePlus imp = new ImagePlus("cells", stack);
        Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.2;
        cal.pixelHeight = 0.3;
        cal.pixelDepth = 1.5;
        cal.setUnit("µm");
        ImagePlus before = imp.duplicate();

        ImagePlus out = runPlugin(imp, "kernel=[" + kernelFile + "] scale=2 sigma=2 boundary=periodic");

        assertThat(out).isNotNull();
        assertThat(out.getTitle()).isEqualTo("cells-USRNet-x2");
        assertThat(out.getBitDepth()).isEqualTo(16);
        assertThat(out.getWidth()).isEqualTo(80);
        assertThat(out.getHeight()).isEqualTo(72);
        assertThat(out.getStackSize()).isEqualTo(3);
        assertThat(out.getCalibration().pixelWidth).isEqualTo(0.1);
        assertThat(out.getCalibration().pixelHeight).isEqualTo(0.15);
        assertThat(out.getCalibration().pixelDepth).isEqualTo(1.5);
        assertThat(out.getCalibration().getUnit()).isEqualTo("µm");
        assertThat(out.getStack().getSliceLabel(2)).isEqualTo("z1");
        assertThat((String) out.getProperty("Info")).contains("kernel=[" + kernelFile + "] scale=2 sigma=2");
        // the stack's range maps to [0, 1]: every slice is the library's restore of that slice, to one grey level
        double min = 65535;
        double max = 0;
        for (int i = 1; i <= 3; i++) {
            ImageProcessor ip = imp.getStack().getProcessor(i);
            min = Math.min(min, ip.getStatistics().min);
            max = Math.max(max, ip.getStatistics().max);
        }
        for (int i = 1; i <= 3; i++) {
            ImageProcessor ip = imp.getStack().getProcessor(i);
            float[] v = new float[w * h];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) ((ip.getf(j) - min) / (max - min));
            }
            float[] expected = restored(Image.wrap(1, h, w, v), KERNEL, 2, 2).toArray();
            ImageProcessor got = out.getStack().getProcessor(i);
            double worst = 0;
            for (int j = 0; j < expected.length; j++) {
                double e = Math.max(0, Math.min(65535, min + expected[j] * (max - min)));
                worst = Math.max(worst, Math.abs(got.getf(j) - e));
            }
            assertThat(worst).as("slice %d", i).isLessThanOrEqualTo(1.0);
        }
        // the input is untouched
        for (int i = 1; i <= 3; i++) {
            assertThat((short[]) imp.getStack().getPixels(i)).isEqualTo((short[]) before.getStack().getPixels(i));
        }
    }

    @Test
    void aTwoChannelHyperstackKeepsItsDimensions() {
        int h = 32;
        int w = 32;
        ImageStack stack = new ImageStack(w, h);
        // order c, z, t: (c1 t1) (c2 t1) (c1 t2) (c2 t2)
        for (int i = 0; i < 4; i++) {
            float[] v = plane(i, h, w).toArray();
            byte[] px = new byte[v.length];
            for (int j = 0; j < v.length; j++) {
                px[j] = (byte) Math.round(255 * v[j]);
            }
            stack.addSlice(new ByteProcessor(w, h, px));
        }
        ImagePlus imp = new ImagePlus("timelapse", stack);
        imp.setDimensions(2, 1, 2);
        imp = new CompositeImage(imp, IJ.COMPOSITE);
        imp.setOpenAsHyperStack(true);

        ImagePlus out = runPlugin(imp, "kernel=[" + kernelFile + "] scale=3 sigma=5 boundary=periodic");

        assertThat(out.isHyperStack()).isTrue();
        assertThat(out.isComposite()).isTrue();
        assertThat(out.getNChannels()).isEqualTo(2);
        assertThat(out.getNSlices()).isEqualTo(1);
        assertThat(out.getNFrames()).isEqualTo(2);
        assertThat(out.getBitDepth()).isEqualTo(8);
        assertThat(out.getWidth()).isEqualTo(96);
        for (int i = 1; i <= 4; i++) {
            ImageProcessor ip = imp.getStack().getProcessor(i);
            float[] v = new float[w * h];
            for (int j = 0; j < v.length; j++) {
                v[j] = ip.getf(j) / 255f;
            }
            float[] expected = restored(Image.wrap(1, h, w, v), KERNEL, 3, 5).toArray();
            ImageProcessor got = out.getStack().getProcessor(i);
            for (int j = 0; j < expected.length; j++) {
                assertThat(got.getf(j)).isCloseTo(Math.max(0, Math.min(255, expected[j] * 255)),
                        within(1.0f));
            }
        }
    }

    @Test
    void theEnsembleCheckboxRunsTheLibrarysEnsemble() {
        int n = 24;
        float[] v = plane(1, n, n).toArray();
        byte[] px = new byte[v.length];
        for (int j = 0; j < v.length; j++) {
            px[j] = (byte) Math.round(255 * v[j]);
        }
        ImagePlus imp = new ImagePlus("one", new ByteProcessor(n, n, px));
        ImagePlus out = runPlugin(imp, "kernel=[" + kernelFile + "] scale=2 sigma=2 boundary=periodic ensemble");
        float[] lr = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            lr[j] = (px[j] & 0xff) / 255f;
        }
        Degradation d = Degradation.builder().kernel(KERNEL).scale(2).sigma(2).boundary(Boundary.PERIODIC).build();
        float[] eight = restorer.restore(Image.wrap(1, n, n, lr), d, RestoreOptions.builder().ensemble(8).build())
                .toArray();
        float[] one = restored(Image.wrap(1, n, n, lr), KERNEL, 2, 2).toArray();
        double worst = 0;
        double apart = 0;
        for (int j = 0; j < eight.length; j++) {
            double e = Math.max(0, Math.min(255, eight[j] * 255));
            worst = Math.max(worst, Math.abs(out.getProcessor().getf(j) - e));
            apart = Math.max(apart, Math.abs(e - Math.max(0, Math.min(255, one[j] * 255))));
        }
        assertThat(worst).isLessThanOrEqualTo(1.0);
        assertThat(apart).as("the ensemble differs from one restoration").isGreaterThan(2.0);
        assertThat((String) out.getProperty("Info")).contains("boundary=periodic ensemble");
    }

    @Test
    void oneKernelPerChannelGoesToItsChannel() throws IOException {
        Path mat = Path.of(System.getProperty("usrnet.testdata")).resolve("data/kernels/kernels_bicubicx234.mat");
        List<Kernel> kernels = KernelFiles.readAll(mat.toString());
        assertThat(kernels).hasSize(3);
        int h = 28;
        int w = 28;
        ImageStack stack = new ImageStack(w, h);
        for (int c = 0; c < 3; c++) {
            stack.addSlice(new FloatProcessor(w, h, plane(c, h, w).toArray()));
        }
        ImagePlus imp = new ImagePlus("channels", stack);
        imp.setDimensions(3, 1, 1);
        RestoreSettings settings = new RestoreSettings(mat.toString(), 1, 3, Boundary.PERIODIC, "", 0, false, false);
        ImagePlus out = StackRestore.restore(imp, settings, kernels, restorer, StackRestore.SILENT);
        double[] range = StackRestore.intensityRange(imp.getStack(), ImagePlus.GRAY32);
        for (int c = 0; c < 3; c++) {
            Image lr = StackRestore.toImage(imp.getStack().getProcessor(c + 1), range);
            float[] expected = restored(lr, kernels.get(c), 1, 3).toArray();
            float[] got = (float[]) out.getStack().getPixels(c + 1);
            for (int j = 0; j < got.length; j++) {
                assertThat(got[j]).isCloseTo((float) (range[0] + expected[j] * range[1]),
                        within(1e-5f));
            }
        }
    }

    @Test
    void errorsLeaveTheInputAloneAndMakeNoImage() throws IOException {
        ImagePlus imp = new ImagePlus("rgb", rgbProcessor());
        int[] before = ((int[]) imp.getProcessor().getPixels()).clone();
        assertThat(runPlugin(imp, "kernel=[" + dir.resolve("missing.npy") + "] scale=2")).isNull();
        assertThat(runPlugin(imp, "kernel=[" + System.getProperty("usrnet.samples") + "/kernels_12.mat] scale=2"))
                .isNull();
        assertThat(runPlugin(imp, "kernel=[" + kernelFile + "] scale=9")).isNull();
        assertThat((int[]) imp.getProcessor().getPixels()).isEqualTo(before);

        RestoreSettings missing = RestoreSettings.fromMacroOptions("kernel=[" + dir.resolve("missing.npy") + "]");
        assertThatThrownBy(() -> UsrnetRestore.restore(imp, missing)).isInstanceOf(NoSuchFileException.class);
        RestoreSettings twelve = RestoreSettings.fromMacroOptions("kernel=[" + System.getProperty("usrnet.samples")
                + "/kernels_12.mat]");
        assertThatThrownBy(() -> UsrnetRestore.restore(imp, twelve))
                .hasMessage("the kernel file holds 12 kernels but rgb has 1 channel (RGB: 3 colours): give one kernel "
                        + "for all channels, or one per channel");
    }

    @Test
    void macroOptionsAreReadAndWrittenWithTheDialogsKeys() {
        RestoreSettings s = RestoreSettings.fromMacroOptions("kernel=[/data/my k.npy] scale=2 sigma=2 boundary=periodic");
        assertThat(s).isEqualTo(new RestoreSettings("/data/my k.npy", 2, 2, Boundary.PERIODIC, "", 0, false, false));
        assertThat(s.toMacroOptions()).isEqualTo("kernel=[/data/my k.npy] scale=2 sigma=2 boundary=periodic");
        RestoreSettings defaults = RestoreSettings.fromMacroOptions("kernel=k.npy");
        assertThat(defaults.sigmaAuto()).isTrue();
        assertThat(defaults.toMacroOptions()).isEqualTo("kernel=[k.npy] scale=1 sigma=auto boundary=smooth");
        assertThat(RestoreSettings.fromMacroOptions("kernel=k.npy scale=3.0 sigma=7.65 weights=[w.pth] iterations=4")
                .toMacroOptions()).isEqualTo("kernel=[k.npy] scale=3 sigma=7.65 boundary=smooth weights=[w.pth] "
                        + "iterations=4");
        RestoreSettings x8 = RestoreSettings.fromMacroOptions("kernel=[k.npy] scale=2 ensemble");
        assertThat(x8.ensemble()).isTrue();
        assertThat(x8.toMacroOptions()).isEqualTo("kernel=[k.npy] scale=2 sigma=auto boundary=smooth ensemble");
        // a path holding the word is no checkbox
        assertThat(RestoreSettings.fromMacroOptions("kernel=[/data/my ensemble k.npy]").ensemble()).isFalse();
        RestoreSettings fast = RestoreSettings.fromMacroOptions("kernel=[k.npy] scale=2 ensemble fast");
        assertThat(fast.fast()).isTrue();
        assertThat(fast.toMacroOptions()).isEqualTo("kernel=[k.npy] scale=2 sigma=auto boundary=smooth ensemble fast");
        assertThat(RestoreSettings.fromMacroOptions("kernel=[/data/fast k.npy]").fast()).isFalse();
        assertThatThrownBy(() -> RestoreSettings.fromMacroOptions("scale=2")).hasMessageStartingWith("Kernel: choose");
        assertThatThrownBy(() -> RestoreSettings.fromMacroOptions("kernel=k.npy scale=two"))
                .hasMessage("Scale must be a whole number, got 'two'");
        assertThatThrownBy(() -> RestoreSettings.fromMacroOptions("kernel=k.npy sigma=high"))
                .hasMessage("Sigma must be a noise level from 0 to 255, or auto, got 'high'");
        assertThatThrownBy(() -> RestoreSettings.fromMacroOptions("kernel=k.npy boundary=wrap"))
                .hasMessage("Boundary must be periodic or smooth, got 'wrap'");
    }

    private static ColorProcessor rgbProcessor() {
        int[] px = new int[30 * 30];
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xff000000 | (i % 251) << 16 | (i % 127) << 8 | (i % 63);
        }
        return new ColorProcessor(30, 30, px);
    }
}
