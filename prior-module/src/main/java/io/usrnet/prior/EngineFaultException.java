package io.usrnet.prior;

/**
 * The engine computed a non-finite value from finite inputs and finite weights: a fault of the
 * native engine (PyTorch and its oneDNN kernels on this CPU), not of the caller's data. Thrown
 * instead of handing the garbage on, so that no wrong image or corrupted weights leave the library.
 *
 * <p>Issue 11 reported such faults (NaN outputs, wrong images, NaN gradients, varying from run to
 * run) on AMD Zen 4 machines with AVX-512 for ResUNet widths that are not multiples of 16, which
 * limiting oneDNN to AVX2 removed. The message says how to report the fault and how to work around it.
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
                + "float32, this is a fault of the PyTorch engine on this CPU, not a problem with your data. Please report it to the usrnet-java "
                + "maintainers with the model configuration and the output of `lscpu`. Work-around: set the "
                + "environment variable ONEDNN_MAX_CPU_ISA=AVX2 (slower kernels) and run again");
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
