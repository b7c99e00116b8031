package io.usrnet.prior;

/**
 * The engine computed a non-finite value from finite inputs and finite weights: a fault of the
 * native engine (PyTorch and its oneDNN kernels on this CPU), not of the caller's data. Thrown
 * instead of handing the garbage on, so that no wrong image or corrupted weights leave the library.
 *
 * <p>Issue 11 reported such faults (NaN outputs, wrong images, NaN gradients, varying from run to
 * run) on AMD Zen 4 machines with AVX-512 for ResUNet widths that are not multiples of 16, which
 * limiting oneDNN to AVX2 removed; on AMD Zen 5 (2026-12-02) only limiting it to SSE4.1 did, and
 * {@link ResUNet#create} refuses such widths unless oneDNN is limited to SSE4.1. The message says how to report the fault and how to work around it.
 */
public final class EngineFaultException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A fault report.
     *
     * @param what what was not finite, with where ("the ResUNet output holds NaN at channel 0, row 3,
     *             column 5")
     */
    public EngineFaultException(String what) {
        super(what + ". The inputs and weights are finite, so unless the weights are large enough to overflow "
                + "float32, this is a fault of the PyTorch engine on this CPU, not a problem with your data. " + ADVICE);
    }

    private EngineFaultException(String message, boolean plain) {
        super(message);
    }

    /** What to do, the end of every message. */
    private static final String ADVICE = "Please report it to the usrnet-java maintainers with the model "
            + "configuration and the output of `lscpu`. Work-around: set the environment variable "
            + "ONEDNN_MAX_CPU_ISA=SSE41 (slower kernels, exact on the machines where the AVX and AVX-512 ones are not) "
            + "and run again, or use channel widths that are multiples of 16";

    /**
     * Widths that are not multiples of 16 without {@code ONEDNN_MAX_CPU_ISA=SSE41}: refused, since
     * the AVX kernels compute them wrongly on some CPUs ({@link ResUNet#create}).
     */
    static EngineFaultException unalignedWidths(int[] widths) {
        return new EngineFaultException("ResUNet channel widths " + java.util.Arrays.toString(widths) + " are not all "
                + "multiples of 16: the PyTorch engine's AVX and AVX-512 convolutions compute such widths wrongly on some "
                + "CPUs (AMD EPYC Zen 5; issue 11), so they run only with the environment variable "
                + "ONEDNN_MAX_CPU_ISA=SSE41 set before the JVM starts (slower kernels, exact everywhere tested). Both "
                + "published configurations (16-32-64-64 and 64-128-256-512) are multiples of 16", true);
    }

    /**
     * Checks a result of the engine.
     *
     * @param values the values computed by the engine
     * @param what   what they are, for the message ("the ResUNet output")
     * @param planes channels × height × width layout for the position in the message: {@code
     *               {height, width}}, or {@code null} for a flat index
     * @throws EngineFaultException at the first non-finite value
     */
    public static void requireFinite(float[] values, String what, int[] planes) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                String where;
                if (planes == null) {
                    where = "at index " + i;
                } else {
                    int plane = planes[0] * planes[1];
                    where = "at channel " + i / plane + ", row " + i % plane / planes[1] + ", column "
                            + i % planes[1];
                }
                throw new EngineFaultException(what + " holds " + values[i] + " " + where);
            }
        }
    }
}
