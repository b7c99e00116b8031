package io.usrnet.prior;

import io.usrnet.prior.djl.DjlRuntime;

/**
 * The engine the prior runs on, DJL's PyTorch engine (CPU), as an application starts it: without
 * any DJL type. {@link ResUNet} starts the engine itself when it is first created; these calls are
 * for applications that want to control when that happens (a command-line tool overlapping the
 * loading of the native library with its own start-up, a server failing early with a clear message).
 *
 * <p>Before DJL loads, this module prepares the following (the first use of {@link ResUNet} or of
 * this class does it). An explicit setting of the application's (a system property, an environment
 * variable) is always kept.
 * <ul>
 * <li>Offline: DJL contacts the network at engine start-up (to look for native libraries and model
 * zoo updates) unless the system property {@code ai.djl.offline} is {@code true} before its engine
 * classes load; it is set to {@code true} when absent. An application that uses DJL itself before
 * this module should pass {@code -Dai.djl.offline=true}. The PyTorch native library comes from the
 * {@code pytorch-native-cpu} jar on the class path (one per platform) and is extracted to the DJL
 * cache ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}); nothing is downloaded.
 * <li>No CUDA probe: DJL looks for a GPU at start-up (loading {@code libcudart} if installed), which
 * takes time and, on a machine with the CUDA runtime but no driver, logs a warning. With only CPU
 * builds of PyTorch on the class path and DJL offline, nothing can use a GPU, so the probe is
 * skipped: DJL then sees no GPU, for the whole JVM. {@code -Dusrnet.djl.cudaProbe=true} keeps it,
 * for an application that also runs DJL on a GPU.
 * <li>Quiet logging: this library logs through the SLF4J API and binds no provider (the
 * application chooses one, or none). Without a provider SLF4J itself prints three "No SLF4J
 * providers were found" lines on first use, which DJL's start-up triggers; so when there is no
 * provider (and neither {@code slf4j.provider} nor {@code slf4j.internal.verbosity} is set)
 * {@code slf4j.internal.verbosity} is set to {@code ERROR} (SLF4J 2.0.10+). libtorch prints
 * warnings of its own to stderr, e.g. "Could not initialize NNPACK! Reason: Unsupported hardware."
 * for each small convolution on x86 processors without AVX2; its C++ log level is set to
 * {@code ERROR} once the native library is loaded, or to the level in {@code TORCH_CPP_LOG_LEVEL}
 * (INFO, WARNING, ERROR, FATAL or 0 to 3), which libtorch, as DJL loads it, does not read itself.
 * </ul>
 *
 * <p>On the module path: the {@code pytorch-native-cpu} jar is no valid automatic module (its
 * {@code Automatic-Module-Name} is not a Java name), so it stays on the class path, where DJL finds
 * it as a resource; DJL's own jars may go on either.
 */
public final class PriorEngine {
    private PriorEngine() {
    }

    /**
     * Makes sure the settings above are made (offline mode, CUDA probe, logging). Cheap; call before
     * DJL or SLF4J are first used, e.g. before an application's first logger is created, so that
     * SLF4J starts with them.
     */
    public static void ensureOffline() {
        DjlRuntime.ensureOffline();
    }

    /**
     * Starts loading PyTorch's native library on a daemon thread and returns at once, so that a
     * later {@link #start()} (or the first {@link ResUNet}) finds it loaded: the dynamic linking of
     * libtorch takes about a second, which a command-line tool can overlap with its own start-up
     * (parsing, reading files). The engine itself is still initialised by the first {@link #start()}
     * or network, on the calling thread (its thread settings and grad mode are per thread). A failure
     * here is ignored: {@link #start()} reports it. Calls after the first do nothing.
     */
    public static void preloadNativeLibrary() {
        DjlRuntime.preloadNativeLibrary();
    }

    /**
     * Starts the engine now, on the calling thread, if it has not started yet: loads PyTorch's
     * native library (extracting it to the DJL cache on the first run on a machine) and initialises
     * the engine. Later calls return at once.
     *
     * @throws IllegalStateException with an explanation (the jars the class path needs, this
     *     platform's native jar, the DJL cache) if the engine cannot be started
     */
    public static void start() {
        DjlRuntime.engine();
    }
}
