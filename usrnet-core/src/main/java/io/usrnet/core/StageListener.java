package io.usrnet.core;

/**
 * Told after each iteration of a restoration how long its two stages took, for profiling: both
 * times lie inside the {@link Restorer#restore} call, so the call's own time minus their sum is what
 * the rest of it took (the hyper-network, upsampling, conversions), never less than zero. Called on
 * the restoring thread; a listener that throws aborts the restoration.
 */
@FunctionalInterface
public interface StageListener {
    /**
     * Called after iteration {@code index} (data step then prior) has finished.
     *
     * @param index 1-based iteration number
     * @param dataStepNanos the data step's time in this iteration; for the first, with the data
     *     step's precomputation for the kernel, scale and image
     * @param priorNanos the prior's time in this iteration (all its tiles)
     */
    void onStages(int index, long dataStepNanos, long priorNanos);
}
