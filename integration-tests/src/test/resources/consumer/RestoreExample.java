import io.usrnet.core.Restorer;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;

/**
 * An application that uses usrnet-core: restores a small synthetic image with the built-in model
 * and prints one line. Small on purpose: a 24×24 input makes PyTorch pick its small-convolution
 * paths (NNPACK where the processor has it), where libtorch would warn on unsupported hardware.
 */
public class RestoreExample {
    public static void main(String[] args) throws Exception {
        int h = 24;
        int w = 24;
        float[] planar = new float[3 * h * w];
        for (int i = 0; i < planar.length; i++) {
            planar[i] = (i % w) / (float) w;
        }
        try (Restorer restorer = Restorer.builder().build()) {
            Image hr = restorer.restore(Image.of(3, h, w, planar), Degradation.of(Kernel.delta(), 2, 2.55));
            System.out.println("restored " + hr.channels() + "x" + hr.height() + "x" + hr.width());
        }
    }
}
