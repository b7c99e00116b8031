package io.usrnet.prior.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import io.usrnet.prior.PriorEngine;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * DJL's PyTorch engine as this module starts it, with DJL's types: the engine, root managers and
 * the autograd mode, for code that drives the engine itself (the training module; this package is
 * exported to {@code usrnet.train} only). Applications use {@link PriorEngine}, which starts the
 * same engine without exposing DJL.
 *
 * <p>Every entry point of this module ({@link io.usrnet.prior.ResUNet}, the blocks of this package,
 * {@link PriorEngine}) touches this class before any DJL engine class, and its static initializer
 * prepares what must be set before DJL loads: offline mode, no CUDA probe, quiet logging (the
 * settings are described at {@link PriorEngine}). An explicit setting of the application's (a system
 * property, an environment variable) is always kept. The PyTorch native library comes from the
 * {@code pytorch-native-cpu} jar on the class path (one per platform: see {@link NativePlatform})
 * and is extracted to the DJL cache ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}).
 */
public final class DjlRuntime {
    /** The DJL engine this module runs on. */
    public static final String ENGINE = "PyTorch";

    /** libtorch's C++ log level (c10's FLAGS_caffe2_log_level) unless TORCH_CPP_LOG_LEVEL says otherwise. */
    private static final int TORCH_LOG_ERROR = 2;

    private static final AtomicBoolean PRELOADING = new AtomicBoolean();
    private static boolean torchLogSet; // guarded by DjlRuntime.class

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        quietMissingSlf4jProvider();
        skipCudaProbe();
        NativeAllocator.keepFreedMemory();
    }

    private DjlRuntime() {
    }

    /**
     * Makes sure the static initializer has run (offline mode, CUDA probe, logging: see
     * {@link PriorEngine}). Cheap; call before DJL or SLF4J are first used.
     */
    public static void ensureOffline() {
        // the static initializer does the work
    }

    /**
     * Starts loading PyTorch's native library on a daemon thread and returns at once, so that a
     * later {@link #engine()} finds it loaded (see {@link PriorEngine#preloadNativeLibrary()}).
     * A failure here is ignored: {@link #engine()} reports it. Calls after the first do nothing.
     */
    public static void preloadNativeLibrary() {
        if (PRELOADING.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    LibUtils.loadLibrary();
                    setTorchLogLevel();
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
        Engine engine;
        try {
            engine = Engine.getEngine(name);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot start DJL's " + name + " engine, which the ResUNet prior needs: "
                    + e.getMessage() + ". The class path must hold ai.djl.pytorch:pytorch-engine 0.35.1, "
                    + "pytorch-jni " + NativePlatform.PYTORCH_VERSION + "-0.35.1 and pytorch-native-cpu; "
                    + NativePlatform.describeCurrent() + ". The native library is extracted into the DJL cache "
                    + "(~/.djl.ai or $DJL_CACHE_DIR), which must be writable; nothing is downloaded (ai.djl.offline="
                    + System.getProperty("ai.djl.offline") + ")", e);
        }
        setTorchLogLevel();
        return engine;
    }

    /** See {@link PriorEngine}; does nothing if SLF4J has already started (the setting is read once). */
    private static void quietMissingSlf4jProvider() {
        if (System.getProperty("slf4j.internal.verbosity") != null || System.getProperty("slf4j.provider") != null) {
            return;
        }
        try {
            // the class loader SLF4J itself searches for providers
            ClassLoader loader = LoggerFactory.class.getClassLoader();
            if (ServiceLoader.load(SLF4JServiceProvider.class, loader).stream().findAny().isEmpty()) {
                System.setProperty("slf4j.internal.verbosity", "ERROR");
            }
        } catch (RuntimeException | LinkageError e) {
            // a broken provider: SLF4J reports it itself
        }
    }

    /**
     * See {@link PriorEngine}. DJL reads ai.djl.util.cuda.fork when its CUDA helper class initialises:
     * set, that class loads no CUDA library; cleared again at once, later GPU queries just find none
     * (instead of forking a JVM to ask, which is what the property is for).
     */
    private static void skipCudaProbe() {
        if (Boolean.getBoolean("usrnet.djl.cudaProbe") || System.getProperty("ai.djl.util.cuda.fork") != null
                || !Boolean.getBoolean("ai.djl.offline") || !onlyCpuPyTorch()) {
            return;
        }
        System.setProperty("ai.djl.util.cuda.fork", "true");
        try {
            Class.forName("ai.djl.util.cuda.CudaUtils", true, DjlRuntime.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            // DJL changed: it probes as usual
        } finally {
            System.clearProperty("ai.djl.util.cuda.fork");
        }
    }

    /** Whether every PyTorch native jar on the class path is a CPU build (and there is one). */
    private static boolean onlyCpuPyTorch() {
        try {
            Enumeration<URL> jars = DjlRuntime.class.getClassLoader().getResources("native/lib/pytorch.properties");
            boolean any = false;
            while (jars.hasMoreElements()) {
                Properties p = new Properties();
                try (InputStream in = jars.nextElement().openStream()) {
                    p.load(in);
                }
                if (!"cpu".equals(p.getProperty("flavor"))) {
                    return false;
                }
                any = true;
            }
            return any;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sets libtorch's C++ log level (see {@link PriorEngine}), once the native library is loaded. It is
     * an exported variable of libc10, written through JNA (which DJL uses too); where that fails
     * (JNA unavailable, another libtorch build) libtorch logs as it would. Synchronized: a caller
     * returns only once the level is set, even while the preloading thread is setting it.
     */
    private static synchronized void setTorchLogLevel() {
        if (torchLogSet) {
            return;
        }
        torchLogSet = true;
        Integer level = torchLogLevel(System.getenv("TORCH_CPP_LOG_LEVEL"));
        if (level == null) {
            return;
        }
        try {
            Path c10 = Path.of(LibUtils.getLibtorchPath(), System.mapLibraryName("c10"));
            NativeLibrary.getInstance(c10.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level").setInt(0, level);
        } catch (RuntimeException | LinkageError e) {
            // libtorch keeps its own level
        }
    }

    /**
     * The level for a TORCH_CPP_LOG_LEVEL value as libtorch itself parses it (package-private for its test).
     *
     * @return {@link #TORCH_LOG_ERROR} if unset, or null (leave libtorch alone) if not understood
     */
    static Integer torchLogLevel(String env) {
        if (env == null || env.isBlank()) {
            return TORCH_LOG_ERROR;
        }
        switch (env.strip().toUpperCase(Locale.ROOT)) {
            case "0", "INFO":
                return 0;
            case "1", "WARNING":
                return 1;
            case "2", "ERROR":
                return 2;
            case "3", "FATAL":
                return 3;
            default:
                return null;
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
