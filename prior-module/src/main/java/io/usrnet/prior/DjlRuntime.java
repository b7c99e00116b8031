package io.usrnet.prior;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Start-up of DJL's PyTorch engine for this module (public so that other modules driving the same
 * engine, e.g. training, start it the same way).
 *
 * <p>DJL contacts the network at engine start-up (to look for native libraries and model zoo
 * updates) unless the system property {@code ai.djl.offline} is {@code true} before its engine
 * classes load. This class sets it to {@code true} in its static initializer when the property is
 * absent (an explicit value given by the application is respected), and every entry point of this
 * module ({@link ResUNet}, the blocks) touches this class before any DJL engine class. An
 * application that uses DJL itself before this module should pass {@code -Dai.djl.offline=true}.
 * The PyTorch native library comes from the {@code pytorch-native-cpu} jar on the class path and is
 * extracted to the DJL cache ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}).
 */
public final class DjlRuntime {
    /** The DJL engine this module runs on. */
    public static final String ENGINE = "PyTorch";

    private static final AtomicBoolean PRELOADING = new AtomicBoolean();

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private DjlRuntime() {
    }

    /** Makes sure the static initializer has run (offline mode set). Cheap; call before DJL. */
    public static void ensureOffline() {
        // the static initializer does the work
    }

    /**
     * Starts loading PyTorch's native library on a daemon thread and returns at once, so that a
     * later {@link #engine()} finds it loaded: the dynamic linking of libtorch takes about a second,
     * which a command-line tool can overlap with its own start-up (parsing, reading files). The
     * engine itself is still initialised by the first {@link #engine()} call, on the calling thread
     * (its thread settings and grad mode are per thread). A failure here is ignored: {@link #engine()}
     * reports it. Calls after the first do nothing.
     */
    public static void preloadNativeLibrary() {
        if (PRELOADING.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    LibUtils.loadLibrary();
                } catch (RuntimeException | LinkageError e) {
                    // engine() fails with the explanation
                }
            }, "usrnet-preload-libtorch");
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * The PyTorch engine, started if needed.
     *
     * @return the engine
     * @throws IllegalStateException with an explanation if the engine cannot be loaded
     */
    public static Engine engine() {
        return engine(ENGINE);
    }

    /** The named engine, failing with an explanation (package-private for the test of that message). */
    static Engine engine(String name) {
        try {
            return Engine.getEngine(name);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot start DJL's " + name + " engine, which the ResUNet prior needs: "
                    + e.getMessage() + ". The class path must hold ai.djl.pytorch:pytorch-engine 0.35.1, "
                    + "pytorch-jni 2.7.1-0.35.1 and pytorch-native-cpu 2.7.1 (classifier linux-x86_64); "
                    + "the native library is extracted into the DJL cache (~/.djl.ai or $DJL_CACHE_DIR), "
                    + "which must be writable; nothing is downloaded (ai.djl.offline="
                    + System.getProperty("ai.djl.offline") + ")", e);
        }
    }

    /**
     * A new root manager on the CPU of the PyTorch engine.
     *
     * @return the manager; close it to free its arrays
     */
    public static NDManager newManager() {
        return engine().newBaseManager(Device.cpu());
    }

    /**
     * Switches PyTorch's (thread-local) autograd recording on or off for the calling thread,
     * starting the engine first if needed (its native library must be loaded).
     *
     * @param enabled whether to record operations for autograd
     * @return the previous state, to restore
     */
    public static boolean setGradMode(boolean enabled) {
        engine();
        boolean previous = JniUtils.isGradMode();
        if (previous != enabled) {
            JniUtils.setGradMode(enabled);
        }
        return previous;
    }
}
