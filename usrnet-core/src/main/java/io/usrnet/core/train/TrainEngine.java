package io.usrnet.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * DJL PyTorch engine access for training: offline start-up, autograd switches, gradient reset.
 *
 * <p>As in the prior module, the system property {@code ai.djl.offline} is set to {@code true}
 * (when absent) before any DJL engine class loads, so the engine never contacts the network.
 */
final class TrainEngine {
    static final String ENGINE = "PyTorch";

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private TrainEngine() {
    }

    /** Makes sure the static initializer ran (offline mode set). */
    static void ensureOffline() {
        // the static initializer does the work
    }

    /** The PyTorch engine. */
    static Engine engine() {
        return Engine.getEngine(ENGINE);
    }

    /** A new root manager on the CPU. */
    static NDManager newManager() {
        return engine().newBaseManager(Device.cpu());
    }

    /**
     * Switches autograd recording of the calling thread.
     *
     * @return the previous state
     */
    static boolean setGradMode(boolean enabled) {
        boolean previous = JniUtils.isGradMode();
        if (previous != enabled) {
            JniUtils.setGradMode(enabled);
        }
        return previous;
    }

    /**
     * Sets the number of intra-op threads of the engine (process-wide).
     *
     * @return the previous number
     */
    static int setThreads(int threads) {
        int previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        return previous;
    }

    /** Resets the accumulated gradient of a leaf array to zero. */
    static void zeroGradient(NDArray leaf) {
        JniUtils.zeroGrad((PtNDArray) leaf);
    }
}
