package io.usrnet.eval;

import java.util.List;

/**
 * Reported by an {@link Evaluation} after each (image, setting, kernel) item, all methods done.
 *
 * @param done           items finished so far, 1 … total
 * @param total          items in the whole evaluation
 * @param scores         the scores of this item, one per method
 * @param elapsedSeconds wall time since the evaluation started
 */
public record Progress(int done, int total, List<Score> scores, double elapsedSeconds) {
    /** Copies the score list. */
    public Progress {
        scores = List.copyOf(scores);
    }

    /** Estimated seconds left, assuming the remaining items take as long on average as the finished ones. */
    public double etaSeconds() {
        return done == 0 ? Double.NaN : elapsedSeconds / done * (total - done);
    }
}
