package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.usrnet.prior.djl.DjlRuntime;

/** Engine controls that training needs beyond {@link DjlRuntime}: thread count and gradient reset. */
final class TrainEngine {
    private TrainEngine() {
    }

    /**
     * Sets the number of intra-op threads of the engine (process-wide).
     *
     * @return the previous number
     */
    static int setThreads(int threads) {
        DjlRuntime.engine(); // loads the native library
        int previous = JniUtils.getNumThreads();
        JniUtils.setNumThreads(threads);
        return previous;
    }

    /** The number of intra-op threads of the engine. */
    static int threads() {
        DjlRuntime.engine();
        return JniUtils.getNumThreads();
    }

    /** Resets the accumulated gradient of a leaf array to zero. */
    static void zeroGradient(NDArray leaf) {
        JniUtils.zeroGrad((PtNDArray) leaf);
    }
}
