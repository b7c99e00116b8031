package io.usrnet.eval;

import io.usrnet.core.TestData;
import io.usrnet.core.io.ImageFiles;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Kernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small evaluation inputs: crops of Set5 and Set14 images written to a directory, the Table-1 kernels. */
final class EvalFixtures {
    static final Path TINY_WEIGHTS = TestData.TINY_WEIGHTS;

    private EvalFixtures() {
    }

    /** The 12 Table-1 kernels. */
    static List<Kernel> kernels() throws IOException {
        return KernelFiles.readAll(TestData.KERNELS_12);
    }

    /**
     * Writes a 72×80 RGB crop of Set5 bird ("a_bird.png", rows 100-171, columns 90-169 of bird.png) and a
     * 56×64 grey crop of Set14 bridge ("b_bridge.png", rows and columns from 200): test-data holds these crops.
     */
    static void writeImages(Path dir) throws IOException {
        Files.copy(TestData.DATA.resolve("eval/Set5/bird-crop.png"), dir.resolve("a_bird.png"));
        Path bridge = TestData.DATA.resolve("eval/Set14/bridge-crop.png");
        if (ImageFiles.readImage(bridge).channels() != 1) {
            throw new IllegalStateException("bridge-crop.png is expected to be grey");
        }
        Files.copy(bridge, dir.resolve("b_bridge.png"));
    }
}
