// Writes the ImageJ 1 TIFF fixtures of this folder (ij-*.tif) with ImageJ's own FileSaver.saveAsTiff.
//
// Run (Java 11+ single-file source launch, headless), from this folder:
//   java -Djava.awt.headless=true -cp ~/.m2/repository/net/imagej/ij/1.54p/ij-1.54p.jar MakeImageJ.java [outDir]
// make_fixtures.py runs it first and then reads the files back with tifffile to make their .npy references.
//
// Pixel content is deterministic: smooth gradients plus java.util.Random noise with fixed seeds, with the
// extreme values of each type set explicitly at fixed pixels.

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.Prefs;
import ij.io.FileSaver;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.io.File;
import java.util.Random;

public class MakeImageJ {
    static final int W = 40;
    static final int H = 30;

    static int clamp(long v, int max) {
        return (int) Math.max(0, Math.min(max, v));
    }

    /** 16-bit grey: diagonal gradient over [0, 65535] plus Gaussian noise, 0 at (0,0), 65535 at the last pixel. */
    static ShortProcessor grey16(long seed) {
        Random r = new Random(seed);
        ShortProcessor sp = new ShortProcessor(W, H);
        short[] px = (short[]) sp.getPixels();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double g = 0.65 * x / (W - 1) + 0.35 * y / (H - 1);
                long v = Math.round(g * 65535 + r.nextGaussian() * 3000);
                if (r.nextInt(16) == 0) {
                    v = r.nextInt(65536); // scattered full-range values
                }
                px[y * W + x] = (short) clamp(v, 65535);
            }
        }
        px[0] = 0;
        px[W * H - 1] = (short) 65535;
        px[W - 1] = (short) 32768;
        px[(H - 1) * W] = (short) 32767;
        sp.resetMinAndMax();
        return sp;
    }

    static void save(ImagePlus imp, File dir, String name) {
        File f = new File(dir, name);
        if (!new FileSaver(imp).saveAsTiff(f.getPath())) {
            throw new IllegalStateException("ImageJ could not save " + f);
        }
        System.out.println("wrote " + f.getName() + " (" + f.length() + " bytes)");
    }

    public static void main(String[] args) {
        File dir = new File(args.length > 0 ? args[0] : ".");
        System.out.println("ImageJ " + ImageJ.VERSION + ImageJ.BUILD + " (IJ.getFullVersion " + IJ.getFullVersion() + ")");

        // 16-bit grey, 0.5 x 0.5 micrometre pixels.
        ImagePlus u16 = new ImagePlus("ij-u16-cal", grey16(1601));
        Calibration cal = u16.getCalibration();
        cal.pixelWidth = 0.5;
        cal.pixelHeight = 0.5;
        cal.setUnit("\u00B5m");
        save(u16, dir, "ij-u16-cal.tif");

        // 16-bit grey, inch calibration, anisotropic: 0.01 inch wide, 0.02 inch high.
        ImagePlus inch = new ImagePlus("ij-u16-cal-inch", grey16(1602));
        Calibration ci = inch.getCalibration();
        ci.pixelWidth = 0.01;
        ci.pixelHeight = 0.02;
        ci.setUnit("inch");
        save(inch, dir, "ij-u16-cal-inch.tif");

        // 32-bit float: values mostly in [0, 1], plus a few outside it (negative, large, tiny).
        Random rf = new Random(3201);
        FloatProcessor fp = new FloatProcessor(W, H);
        float[] fpx = (float[]) fp.getPixels();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                double g = 0.6 * x / (W - 1) + 0.4 * y / (H - 1) + rf.nextGaussian() * 0.05;
                fpx[y * W + x] = (float) Math.max(0.0, Math.min(1.0, g));
            }
        }
        fpx[0] = 0f;
        fpx[W * H - 1] = 1f;
        fpx[1] = -0.75f;
        fpx[2] = 1234.5f;
        fpx[3] = 1.0e-7f;
        fpx[W] = -3.0e5f;
        fp.resetMinAndMax();
        // Written big-endian ("MM"): ImageJ's "Save TIFF and raw in Intel byte order" option turned off for
        // this one file (1.54p writes little-endian by default, as the other ij-*.tif files are).
        boolean intel = Prefs.intelByteOrder;
        Prefs.intelByteOrder = false;
        save(new ImagePlus("ij-f32", fp), dir, "ij-f32.tif");
        Prefs.intelByteOrder = intel;

        // RGB colour: red horizontal ramp, green vertical ramp, blue noise; 0 and 255 in every channel.
        Random rc = new Random(2401);
        ColorProcessor cp = new ColorProcessor(W, H);
        int[] cpx = (int[]) cp.getPixels();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int rr = clamp(Math.round(255.0 * x / (W - 1) + rc.nextGaussian() * 10), 255);
                int gg = clamp(Math.round(255.0 * y / (H - 1) + rc.nextGaussian() * 10), 255);
                int bb = rc.nextInt(256);
                cpx[y * W + x] = (rr << 16) | (gg << 8) | bb;
            }
        }
        cpx[0] = 0x000000;
        cpx[W * H - 1] = 0xFFFFFF;
        cpx[W - 1] = 0xFF0000;
        cpx[(H - 1) * W] = 0x00FF00;
        save(new ImagePlus("ij-rgb", cp), dir, "ij-rgb.tif");

        // 8-bit stack of 3 slices, each a differently oriented ramp plus noise.
        Random rb = new Random(801);
        ImageStack st = new ImageStack(W, H);
        for (int k = 0; k < 3; k++) {
            ByteProcessor bp = new ByteProcessor(W, H);
            byte[] bpx = (byte[]) bp.getPixels();
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    double g = k == 0 ? (double) x / (W - 1) : k == 1 ? (double) y / (H - 1)
                            : 1.0 - 0.5 * x / (W - 1) - 0.5 * y / (H - 1);
                    bpx[y * W + x] = (byte) clamp(Math.round(255 * g + rb.nextGaussian() * 12), 255);
                }
            }
            bpx[0] = 0;
            bpx[W * H - 1] = (byte) 255;
            st.addSlice("slice" + (k + 1), bp);
        }
        save(new ImagePlus("ij-u8-stack", st), dir, "ij-u8-stack.tif");
    }
}
