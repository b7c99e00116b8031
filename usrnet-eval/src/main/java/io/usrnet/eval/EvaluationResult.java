package io.usrnet.eval;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The outcome of an {@link Evaluation}: every per-image {@link Score} and the grid it covers.
 *
 * @param methods  the methods, in evaluation order
 * @param settings the settings, in evaluation order
 * @param kernels  the 1-based kernel indices, in evaluation order
 * @param images   the image file names, in evaluation order
 * @param scores   one score per (image, setting, kernel, method)
 * @param seconds  the wall time of the evaluation
 */
public record EvaluationResult(List<Method> methods, List<Setting> settings, List<Integer> kernels,
        List<String> images, List<Score> scores, double seconds) {
    /** Copies the lists. */
    public EvaluationResult {
        methods = List.copyOf(methods);
        settings = List.copyOf(settings);
        kernels = List.copyOf(kernels);
        images = List.copyOf(images);
        scores = List.copyOf(scores);
    }

    /**
     * The mean RGB PSNR (border s²) over the images of one cell, the number Table 1 reports.
     *
     * @return empty if the cell was not evaluated
     */
    public OptionalDouble meanPsnr(Method method, Setting setting, int kernel) {
        return scores.stream()
                .filter(s -> s.method() == method && s.setting().equals(setting) && s.kernel() == kernel)
                .mapToDouble(Score::psnr).average();
    }

    /**
     * The mean over kernels of {@link #meanPsnr} (the "mean" column of the table).
     *
     * @return empty if no cell of this row was evaluated
     */
    public OptionalDouble meanPsnr(Method method, Setting setting) {
        return kernels.stream().map(k -> meanPsnr(method, setting, k))
                .filter(OptionalDouble::isPresent).mapToDouble(OptionalDouble::getAsDouble).average();
    }
}
