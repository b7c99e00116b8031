package io.usrnet.core;

/**
 * Told after each iteration of a restoration how far it has got — without the images an
 * {@link IterationListener} receives, so that progress reporting costs no copies of the estimates
 * (two HR-sized images per iteration; on large images they are the bulk of what the Java heap
 * allocates). Called on the restoring thread; a listener that throws aborts the restoration.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Called after iteration {@code index} of {@code count} (data step then prior) has finished.
     *
     * @param index 1-based iteration number
     * @param count number of iterations this restoration runs
     */
    void onProgress(int index, int count);
}
