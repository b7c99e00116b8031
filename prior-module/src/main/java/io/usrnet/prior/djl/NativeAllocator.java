package io.usrnet.prior.djl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps the memory that libtorch frees inside the process for its next tensors, on Linux with
 * glibc, so that a pass of the prior does not page-fault its way through freshly mapped memory.
 *
 * <p>glibc serves every block above its mmap threshold (dynamic, at most 32 MiB) with a fresh
 * {@code mmap} and unmaps it when freed; the ResUNet allocates each activation anew, so every pass
 * touched every page of its activations for the first time again: measured on the 2-core machine in
 * a plain {@code java} process, 2048² restored in 3×3 tiles, 22 s per iteration without these
 * settings, 4.4 s with them. At the first engine start this
 * class calls {@code mallopt(M_MMAP_MAX, 0)} (no mmapped blocks: large blocks come from the heap and
 * are reused after they are freed) and {@code mallopt(M_TRIM_THRESHOLD, 2^31−1)} (the top of the
 * heap is not given back while less than 2 GiB of it is free) — the settings the {@code usrnet}
 * launcher used to pass as environment variables, now applied by the library itself, so that a Java
 * application, an ImageJ plugin or a Spark executor gets the same speed. The cost: memory freed by
 * the engine stays in the process for reuse (its peak, and the fragmentation of reuse, which
 * usrnet-core's memory model counts).
 *
 * <p>Process-wide and applied once. Skipped where an application chose itself: when any of
 * {@code MALLOC_MMAP_MAX_}, {@code MALLOC_MMAP_THRESHOLD_}, {@code MALLOC_TRIM_THRESHOLD_} or
 * {@code MALLOC_TOP_PAD_} is set in the environment, or with {@code -Dusrnet.malloc=default}; and
 * off Linux/glibc (elsewhere nothing is changed).
 */
final class NativeAllocator {
    /** glibc's mallopt parameter numbers (malloc.h). */
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_MAX = -4;

    private static final String[] ENVIRONMENT = {
        "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
    };

    private static volatile String state = "not applied yet";

    private NativeAllocator() {
    }

    /** Applies the settings unless skipped (see the class comment); never throws. Idempotent. */
    static synchronized void keepFreedMemory() {
        if (!state.equals("not applied yet")) {
            return;
        }
        state = apply(System.getProperty("os.name", ""), System.getenv(), System.getProperty("usrnet.malloc"));
    }

    /** What {@link #keepFreedMemory()} did, in words (for diagnostics and tests). */
    static String state() {
        return state;
    }

    /** The decision and the calls (package-private for its test); returns what was done, in words. */
    static String apply(String os, Map<String, String> env, String property) {
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "not Linux: allocator unchanged";
        }
        if ("default".equals(property)) {
            return "usrnet.malloc=default: allocator unchanged";
        }
        for (String name : ENVIRONMENT) {
            if (env.get(name) != null) {
                return name + " set in the environment: allocator unchanged";
            }
        }
        try {
            NativeLibrary c = NativeLibrary.getInstance("c");
            c.getFunction("gnu_get_libc_version"); // throws UnsatisfiedLinkError off glibc (musl)
            Function mallopt = c.getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[] {M_MMAP_MAX, 0}) == 1
                    & mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, Integer.MAX_VALUE}) == 1;
            return ok ? "glibc: freed blocks kept for reuse (M_MMAP_MAX 0, M_TRIM_THRESHOLD 2^31-1)"
                    : "glibc refused mallopt: allocator unchanged";
        } catch (RuntimeException | LinkageError e) {
            return "no glibc mallopt (" + e.getMessage() + "): allocator unchanged";
        }
    }
}
