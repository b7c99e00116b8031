package io.usrnet.examples;

import io.usrnet.core.RestoreOptions;
import io.usrnet.core.Restorer;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.DataStep;
import io.usrnet.data.Degradation;
import io.usrnet.data.Degradations;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The README's Java quick start as a runnable program: degrade a sharp image with a Table-1
 * kernel, run the learning-free data step, and restore it with USRNet (the built-in model, or the
 * weights file given as fourth argument).
 *
 * <pre>
 * java -cp "examples/target/usrnet-examples.jar:examples/target/lib/*" io.usrnet.examples.QuickStart \
 *     HR.png KERNEL_SPEC OUT_DIR [WEIGHTS]
 * </pre>
 */
public final class QuickStart {
    private QuickStart() {
    }

    /**
     * Runs the quick start.
     *
     * @param args sharp image, kernel spec (e.g. {@code kernels_12.mat:kernels:3}), output directory and,
     *             optionally, a weights file
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: QuickStart HR.png KERNEL_SPEC OUT_DIR [WEIGHTS]");
            System.exit(2);
        }
        Image hr = Degradations.modcrop(ImageFiles.readImage(Path.of(args[0])), 4);
        Kernel k = KernelFiles.read(args[1]);
        Path out = Path.of(args[2]);

        // the physics alone (data-module, no DJL): degrade, then one closed-form data step
        Degradation d = Degradation.of(k, 4, 2.55); // kernel, scale, sigma in [0, 255] units
        Image lr = d.apply(hr, 0);
        DataStep step = DataStep.prepare(k, 4, lr);
        Image z = step.step(Degradations.upsampleNearest(lr, 4), 0.01);
        ImageFiles.write(out.resolve("lr.png"), lr);
        ImageFiles.write(out.resolve("data_step.png"), z);

        Restorer.Builder model = Restorer.builder();
        if (args.length == 4) {
            model.weights(Path.of(args[3]));
        }
        try (Restorer restorer = model.build()) {
            Image sr = restorer.restore(lr, d);
            ImageFiles.write(out.resolve("usrnet.png"), sr);
            // kernel-conditioned experiments: fewer iterations, and every iteration's alpha, beta, z and x
            Image four = restorer.restore(lr, d, RestoreOptions.builder()
                    .iterations(4)
                    .listener(it -> System.out.printf("iteration %d: alpha=%.3g beta=%.3g%n",
                            it.index(), it.alpha(), it.beta()))
                    .build());
            ImageFiles.write(out.resolve("usrnet_4_iterations.png"), four);
        }
    }
}
