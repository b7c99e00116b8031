package io.usrnet.cli;

import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code usrnet kernel}: synthesise a Gaussian, linear-motion or disk (defocus) kernel with
 * {@link Kernels}, write it for {@code --kernel} of restore, solve and degrade, and a preview picture.
 *
 * <p>Only odd sizes are accepted: the kernels are centred on tap ((N−1)/2, (N−1)/2), which is the
 * convolution centre ⌊N/2⌋ only for odd N; an even kernel would shift every image it blurs or
 * restores by half a pixel.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {
            "Synthesise a blur kernel, centred on the middle tap, summing to 1, for --kernel of restore, solve "
                    + "and degrade; and a picture of it for viewing.",
            "Angles are in degrees: 0 is horizontal, positive angles turn from right towards down as displayed "
                    + "(clockwise on screen)."})
final class KernelCommand implements Callable<Integer> {
    /** The largest kernel side written; wider blurs are not what the model is conditioned on. */
    static final int MAX_SIZE = 1023;

    /** Exactly one family of kernels. */
    static final class Family {
        @Option(names = "--gaussian", required = true, paramLabel = "SX,SY,ANGLE",
                description = "Gaussian of standard deviations SX along the direction ANGLE and SY across it "
                        + "(pixels); SX = SY gives an isotropic one.")
        String gaussian;

        @Option(names = "--motion", required = true, paramLabel = "LENGTH,ANGLE",
                description = "Uniform linear motion: a centred segment of LENGTH pixels in the direction ANGLE, "
                        + "anti-aliased.")
        String motion;

        @Option(names = "--disk", required = true, paramLabel = "RADIUS",
                description = "Defocus: a uniform disc of RADIUS pixels, each tap the area of its pixel inside "
                        + "the disc.")
        Double disk;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Family family;

    @Option(names = "--size", paramLabel = "N",
            description = "Odd side of the kernel, at most " + MAX_SIZE + " (an even kernel would shift images by "
                    + "half a pixel). Default: the smallest odd size that holds the kernel: 2*ceil(3*max(SX, SY)) + 1 "
                    + "for a Gaussian, LENGTH*max(|cos|, |sin|) + 1 rounded up for motion, 2*RADIUS rounded up "
                    + "for a disk.")
    Integer size;

    @Mixin
    KernelOutput kernelOutput;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        kernelOutput.check();
        Synthesis s = synthesise();
        kernelOutput.write(s.kernel(), s.description(), spec.commandLine().getErr());
        return 0;
    }

    /** The kernel and the words that describe it, for the "wrote" line. */
    record Synthesis(Kernel kernel, String description) {
    }

    /** The chosen family's kernel at the chosen or default size, the arguments checked. */
    Synthesis synthesise() {
        if (family.gaussian != null) {
            double[] v = numbers("--gaussian", family.gaussian, "SX,SY,ANGLE", 3);
            requirePositive("--gaussian", "SX", v[0]);
            requirePositive("--gaussian", "SY", v[1]);
            double reach = Math.ceil(3 * Math.max(v[0], v[1]));
            int n = chooseSize("--gaussian " + family.gaussian, reach > MAX_SIZE ? Integer.MAX_VALUE : 2 * (int) reach + 1, 1);
            Kernel k = Kernels.anisotropicGaussian(n, v[0], v[1], Math.toRadians(v[2]));
            return new Synthesis(k, String.format(Locale.ROOT, "Gaussian SX %s SY %s at %s°",
                    CliText.number(v[0]), CliText.number(v[1]), CliText.number(v[2])));
        }
        if (family.motion != null) {
            double[] v = numbers("--motion", family.motion, "LENGTH,ANGLE", 2);
            if (v[0] < 0) {
                throw new IllegalArgumentException("--motion " + family.motion + ": LENGTH must be >= 0 (pixels), got "
                        + CliText.number(v[0]));
            }
            int needed = v[0] > 2 * MAX_SIZE ? Integer.MAX_VALUE : Kernels.linearMotionSize(v[0], Math.toRadians(v[1]));
            int n = chooseSize("--motion " + family.motion, needed, needed);
            Kernel k = Kernels.linearMotion(n, v[0], Math.toRadians(v[1]));
            return new Synthesis(k, String.format(Locale.ROOT, "linear motion of length %s at %s°",
                    CliText.number(v[0]), CliText.number(v[1])));
        }
        double radius = family.disk;
        if (!(radius >= 0) || !Double.isFinite(radius)) {
            throw new IllegalArgumentException("--disk: RADIUS must be a finite number >= 0 (pixels), got " + radius);
        }
        int needed = radius > MAX_SIZE ? Integer.MAX_VALUE : Kernels.diskSize(radius);
        int n = chooseSize("--disk " + CliText.number(radius), needed, needed);
        return new Synthesis(Kernels.disk(n, radius), "disk of radius " + CliText.number(radius));
    }

    /**
     * The --size given, checked (odd, at most {@link #MAX_SIZE}, at least {@code minimum}), or the
     * default.
     *
     * @param what     the family's option as given, for the messages
     * @param fallback the default size ({@code Integer.MAX_VALUE} where it would overflow)
     * @param minimum  the smallest size that holds the kernel
     */
    private int chooseSize(String what, int fallback, int minimum) {
        if (size == null) {
            if (fallback > MAX_SIZE) {
                throw new IllegalArgumentException(what + " needs a kernel larger than the largest written, "
                        + MAX_SIZE + "×" + MAX_SIZE);
            }
            return fallback;
        }
        int n = size;
        if (n < 1 || n > MAX_SIZE) {
            throw new IllegalArgumentException("--size must be an odd number from 1 to " + MAX_SIZE + ", got " + n);
        }
        if (n % 2 == 0) {
            throw new IllegalArgumentException("--size must be odd, got " + n + ": restore and degrade centre a kernel "
                    + "on its tap N/2, so an even kernel would shift the image by half a pixel (try " + (n + 1) + ")");
        }
        if (n < minimum) {
            throw new IllegalArgumentException("--size " + n + " is too small for " + what + ": it needs at least "
                    + (minimum > MAX_SIZE ? "more than " + MAX_SIZE : Integer.toString(minimum)));
        }
        return n;
    }

    /** The comma-separated finite numbers of an option, exactly {@code count} of them. */
    static double[] numbers(String option, String value, String form, int count) {
        String[] parts = value.split(",", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException(option + " expects " + form + ", " + count + " numbers separated by "
                    + "commas, got '" + value + "'");
        }
        double[] v = new double[count];
        String[] names = form.split(",");
        for (int i = 0; i < count; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + value + ": " + names[i] + " '" + parts[i].strip()
                        + "' is not a number (expected " + form + ")");
            }
            if (!Double.isFinite(v[i])) {
                throw new IllegalArgumentException(option + " " + value + ": " + names[i] + " must be finite, got "
                        + parts[i].strip());
            }
        }
        return v;
    }

    private static void requirePositive(String option, String name, double v) {
        if (!(v > 0)) {
            throw new IllegalArgumentException(option + ": " + name + " must be > 0 (a standard deviation in pixels), got "
                    + CliText.number(v));
        }
    }
}
