package io.usrnet.spark;

import io.usrnet.core.Restorer;
import io.usrnet.prior.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link Restorer} per executor JVM and weights file, loaded by the first task that needs it and
 * shared by all the executor's tasks after it (a restorer is thread-safe). Closed when the JVM exits.
 */
final class ExecutorModel {
    private static final Map<String, Restorer> MODELS = new HashMap<>();

    private ExecutorModel() {
    }

    /**
     * The restorer for {@code weights} ({@code null}: the built-in model).
     *
     * @param threadsPerTask the PyTorch intra-op threads of this JVM, set before the engine starts
     *                       (the executor's cores divided by its concurrent tasks, so that they do not
     *                       oversubscribe the cores); ignored once the engine runs
     */
    static synchronized Restorer get(String weights, Precision precision, int threadsPerTask) throws IOException {
        String key = (weights == null ? "" : weights) + "|" + precision;
        Restorer r = MODELS.get(key);
        if (r == null) {
            if (MODELS.isEmpty() && System.getProperty("ai.djl.pytorch.num_threads") == null) {
                System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, threadsPerTask)));
            }
            Restorer.Builder b = Restorer.builder().precision(precision);
            if (weights != null) {
                b.weights(Path.of(weights));
            }
            r = b.build();
            MODELS.put(key, r);
            if (MODELS.size() == 1) {
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModel::closeAll, "usrnet-models-close"));
            }
        }
        return r;
    }

    private static synchronized void closeAll() {
        MODELS.values().forEach(Restorer::close);
        MODELS.clear();
    }
}
