package io.usrnet.spark;

import java.io.Serializable;

/**
 * What happened to one image of the collection: a row of the job's results table.
 *
 * @param input   the input path
 * @param output  the output path
 * @param status  {@link Status#RESTORED}, {@link Status#SKIPPED} (the output existed) or
 *                {@link Status#FAILED}
 * @param seconds the time spent on this image in its task (for an image restored in pieces, the time of
 *                all its tasks added up: σ, pieces, stitching)
 * @param error   why it failed (one line), or empty
 */
public record ImageResult(String input, String output, Status status, double seconds, String error)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The outcome of one image. */
    public enum Status {
        /** Restored and written. */
        RESTORED,
        /** Not restored: its output already existed (and the job does not overwrite). */
        SKIPPED,
        /** Not restored: the message says why; no output was written. */
        FAILED
    }
}
