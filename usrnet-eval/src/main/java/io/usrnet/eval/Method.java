package io.usrnet.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A restoration method compared by an {@link Evaluation}. */
public enum Method {
    /** The USRNet network ({@link io.usrnet.core.Restorer}) with the evaluation's weights. */
    USRNET("usrnet"),
    /**
     * The USRNet network as {@link #USRNET}, but told the noise level that
     * {@link io.usrnet.data.NoiseEstimator} measures in the degraded image instead of the true σ: how
     * much restoring an image whose noise nobody wrote down costs. Not in the default list.
     */
    USRNET_AUTO_SIGMA("usrnet-auto-sigma"),
    /**
     * USRNet's x8 self-ensemble: the eight flips and rotations restored and averaged
     * ({@link io.usrnet.core.RestoreOptions.Builder#ensemble(int)}); eight times the time.
     */
    USRNET_X8("usrnet-x8"),
    /**
     * The USRNet network as {@link #USRNET} with its prior's convolutions in bfloat16
     * ({@link io.usrnet.prior.Precision#BF16}): what the fast mode costs in quality. Needs a CPU
     * with bfloat16 instructions; not in the default list.
     */
    USRNET_BF16("usrnet-bf16"),
    /** Nearest-neighbour upsampling of the degraded image (the network's initial estimate). */
    NEAREST("nearest"),
    /** Plain bicubic interpolation of the degraded image, see {@link Bicubic}. */
    BICUBIC("bicubic"),
    /**
     * One closed-form data step ({@link io.usrnet.data.DataStep}) from the nearest-neighbour
     * upsampling, with the evaluation's fixed α ({@link Evaluation.Builder#dataStepAlpha}).
     */
    DATA_STEP("data-step");

    private final String id;

    Method(String id) {
        this.id = id;
    }

    /** The name used on the command line and in reports, e.g. {@code data-step}. */
    public String id() {
        return id;
    }

    /**
     * The method with the given {@link #id()} (case-insensitive).
     *
     * @throws IllegalArgumentException if no method has that name (the message lists the valid ones)
     */
    public static Method parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.id.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name.trim() + "'; known: "
                + Arrays.stream(values()).map(Method::id).collect(Collectors.joining(", ")));
    }

    /** True for the methods that run the network (and need weights). */
    public boolean usesNetwork() {
        return this == USRNET || this == USRNET_AUTO_SIGMA || this == USRNET_X8 || this == USRNET_BF16;
    }

    @Override
    public String toString() {
        return id;
    }
}
