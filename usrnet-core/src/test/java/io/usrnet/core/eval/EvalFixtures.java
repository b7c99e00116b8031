package io.usrnet.core.eval;

import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Small evaluation inputs: crops of shared eval images written to a directory, the Table-1 kernels. */
final class EvalFixtures {
    static final Path SHARED = Path.of(System.getProperty("usrnet.shared"));
    static final Path TINY_WEIGHTS = SHARED.resolve("fixtures/weights/tiny.safetensors");

    private EvalFixtures() {
    }

    /** The 12 Table-1 kernels. */
    static List<Kernel> kernels() throws IOException {
        return KernelFiles.readAll(SHARED.resolve("data/kernels/kernels_12.mat").toString());
    }

    /** Writes a 72×80 RGB crop of Set5 bird ("a_bird.png") and a 56×64 grey crop of Set14 bridge ("b_bridge.png"). */
    static void writeImages(Path dir) throws IOException {
        Image bird = ImageFiles.readImage(SHARED.resolve("data/eval/Set5/bird.png"));
        ImageFiles.write(dir.resolve("a_bird.png"), crop(bird, 100, 90, 72, 80));
        Image bridge = ImageFiles.readImage(SHARED.resolve("data/eval/Set14/bridge.png"));
        if (bridge.channels() != 1) {
            throw new IllegalStateException("bridge.png is expected to be grey");
        }
        ImageFiles.write(dir.resolve("b_bridge.png"), crop(bridge, 200, 200, 56, 64));
    }

    static Image crop(Image img, int top, int left, int h, int w) {
        float[] v = new float[img.channels() * h * w];
        for (int c = 0; c < img.channels(); c++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    v[(c * h + i) * w + j] = img.get(c, top + i, left + j);
                }
            }
        }
        return Image.of(img.channels(), h, w, v);
    }
}
