package io.usrnet.train;

import java.util.Arrays;

/**
 * A step-decay learning-rate schedule: {@code initial · gamma^k} where k is the number of
 * milestones reached, counted in steps from the start of the training phase.
 *
 * @param initial    the rate at the start, &gt; 0
 * @param milestones the phase steps at which the rate is multiplied by gamma, ascending
 * @param gamma      the factor, in (0, 1]
 */
public record LearningRate(double initial, int[] milestones, double gamma) {
    /** Validates and copies. */
    public LearningRate {
        if (!(initial > 0) || !Double.isFinite(initial)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + initial);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("learning-rate decay factor must be in (0, 1], got " + gamma);
        }
        milestones = milestones == null ? new int[0] : milestones.clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 1 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                throw new IllegalArgumentException("milestones must be positive and ascending, got "
                        + Arrays.toString(milestones));
            }
        }
    }

    /** A constant rate. */
    public static LearningRate constant(double rate) {
        return new LearningRate(rate, new int[0], 1);
    }

    /**
     * A rate halved at the given fractions of a phase of {@code steps} steps (e.g. 0.5, 0.75).
     *
     * @param rate      the initial rate
     * @param steps     the phase length
     * @param fractions where to halve, ascending in (0, 1)
     * @return the schedule (milestones that would fall on step 0 or repeat are dropped)
     */
    public static LearningRate halvedAt(double rate, int steps, double... fractions) {
        return new LearningRate(rate, Arrays.stream(fractions).mapToInt(f -> (int) Math.round(f * steps))
                .filter(m -> m >= 1).distinct().sorted().toArray(), 0.5);
    }

    /**
     * The rate at a step of the phase.
     *
     * @param phaseStep steps done in the phase so far (0 for the first update)
     * @return the rate
     */
    public double at(long phaseStep) {
        double r = initial;
        for (int m : milestones) {
            if (phaseStep >= m) {
                r *= gamma;
            }
        }
        return r;
    }

    @Override
    public int[] milestones() {
        return milestones.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearningRate l && initial == l.initial && gamma == l.gamma
                && Arrays.equals(milestones, l.milestones);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(initial) + Arrays.hashCode(milestones) + Double.hashCode(gamma);
    }

    @Override
    public String toString() {
        return initial + (milestones.length == 0 ? "" : " x" + gamma + " at " + Arrays.toString(milestones));
    }
}
