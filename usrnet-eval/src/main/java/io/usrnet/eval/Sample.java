package io.usrnet.eval;

import io.usrnet.data.Image;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The images of one evaluated (image, setting, kernel) item, handed to
 * {@link Evaluation.Builder#sampleListener} so that a few of them can be shown, e.g. on a
 * {@link ContactSheet}.
 *
 * @param image     the HR image's file name
 * @param setting   the setting (scale, noise level)
 * @param kernel    the 1-based kernel index
 * @param lr        the degraded LR input
 * @param outputs   each method's restored image, in evaluation order (unclamped)
 * @param reference the HR image the scores compare against (cropped as the protocol says)
 */
public record Sample(String image, Setting setting, int kernel, Image lr, Map<Method, Image> outputs, Image reference) {
    /** Copies the output map, keeping its order. */
    public Sample {
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }
}
