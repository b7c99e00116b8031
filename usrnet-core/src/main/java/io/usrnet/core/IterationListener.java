package io.usrnet.core;

/**
 * Receives each iteration of a restoration as it happens: for progress reporting and for
 * kernel-conditioned experiments that inspect the data-step output z and the prior output x.
 * Called on the restoring thread; a listener that throws aborts the restoration.
 */
@FunctionalInterface
public interface IterationListener {
    /** Called after iteration {@code iteration.index()} (data step then prior) has finished. */
    void onIteration(Iteration iteration);
}
