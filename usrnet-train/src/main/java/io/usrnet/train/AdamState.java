package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.usrnet.core.weights.Tensor;
import io.usrnet.prior.EngineFaultException;
import io.usrnet.prior.djl.DjlRuntime;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma &amp; Ba; β₁ = 0.9, β₂ = 0.999, ε = 1e-8, bias-corrected) over a fixed set of named
 * parameters, with its moments in engine memory and exportable as tensors, so that a run resumes
 * with exactly the optimizer state it had. Updates run with autograd off and reset the gradients.
 */
final class AdamState implements AutoCloseable {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;
    private static final String M = "adam.m.";
    private static final String V = "adam.v.";

    private final String phase;
    private final Map<String, Parameter> parameters;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long updates;

    /** Zero moments for the parameters, allocated in {@code manager}. */
    AdamState(String phase, Map<String, Parameter> parameters, NDManager manager) {
        this.phase = phase;
        this.parameters = new LinkedHashMap<>(parameters);
        parameters.forEach((name, p) -> {
            first.put(name, manager.zeros(p.getArray().getShape()));
            second.put(name, manager.zeros(p.getArray().getShape()));
        });
    }

    /** The training phase these moments belong to. */
    String phase() {
        return phase;
    }

    /** The number of updates done. */
    long updates() {
        return updates;
    }

    /**
     * Clips the gradients to a global L2 norm (if {@code clip > 0}), applies one Adam update with
     * learning rate {@code rate} and resets the gradients.
     *
     * @param when where in the run, for the message of a fault ("of step 12")
     * @return the global gradient norm before clipping
     * @throws EngineFaultException if the gradients are not finite; nothing is updated then
     */
    double update(double rate, double clip, String when) {
        boolean grad = DjlRuntime.setGradMode(false);
        try {
            Map<String, NDArray> grads = new LinkedHashMap<>();
            double sumSquares = 0;
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                NDArray g = e.getValue().getArray().getGradient();
                grads.put(e.getKey(), g);
                try (NDArray sq = g.square(); NDArray s = sq.sum()) {
                    sumSquares += s.getFloat();
                }
            }
            double norm = Math.sqrt(sumSquares);
            if (!Double.isFinite(norm)) {
                // from a finite loss and finite weights: an engine fault (issue 11); applying the
                // update would turn every weight into NaN, so stop with the weights unchanged
                grads.values().forEach(NDArray::close);
                discardGradients();
                throw new EngineFaultException("the gradients " + when + " are not finite (global L2 norm " + norm
                        + ") although the loss is; the weights were left unchanged");
            }
            float scale = clip > 0 && norm > clip ? (float) (clip / norm) : 1f;
            updates++;
            double correction1 = 1 - Math.pow(BETA1, updates);
            double correction2 = 1 - Math.pow(BETA2, updates);
            float stepSize = (float) (rate / correction1);
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                String name = e.getKey();
                NDArray p = e.getValue().getArray();
                try (NDArray g = grads.get(name)) {
                    if (scale != 1f) {
                        g.muli(scale);
                    }
                    NDArray m = first.get(name);
                    NDArray v = second.get(name);
                    m.muli((float) BETA1);
                    try (NDArray t = g.mul((float) (1 - BETA1))) {
                        m.addi(t);
                    }
                    v.muli((float) BETA2);
                    try (NDArray t = g.square()) {
                        t.muli((float) (1 - BETA2));
                        v.addi(t);
                    }
                    try (NDArray vHat = v.div((float) correction2); NDArray root = vHat.sqrt()) {
                        root.addi((float) EPSILON);
                        try (NDArray delta = m.div(root)) {
                            delta.muli(stepSize);
                            p.subi(delta);
                        }
                    }
                }
                TrainEngine.zeroGradient(p);
            }
            return norm;
        } finally {
            DjlRuntime.setGradMode(grad);
        }
    }

    /** Resets the gradients of the parameters without updating them. */
    void discardGradients() {
        parameters.values().forEach(p -> TrainEngine.zeroGradient(p.getArray()));
    }

    /** The moments as tensors named {@code adam.m.NAME} / {@code adam.v.NAME}. */
    Map<String, Tensor> toTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : parameters.keySet()) {
            out.put(M + name, tensor(first.get(name)));
            out.put(V + name, tensor(second.get(name)));
        }
        return out;
    }

    private static Tensor tensor(NDArray a) {
        long[] s = a.getShape().getShape();
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i];
        }
        return Tensor.wrap(shape, a.toFloatArray());
    }

    /**
     * Restores moments and the update count saved by {@link #toTensors()}.
     *
     * @throws IllegalArgumentException if a moment is missing or of the wrong size
     */
    void restore(Map<String, Tensor> tensors, long updateCount) {
        for (String name : parameters.keySet()) {
            load(first.get(name), tensors.get(M + name), M + name);
            load(second.get(name), tensors.get(V + name), V + name);
        }
        updates = updateCount;
    }

    private static void load(NDArray target, Tensor t, String name) {
        if (t == null || t.size() != target.size()) {
            throw new IllegalArgumentException("optimizer state " + name + " is missing or has the wrong size");
        }
        target.set(FloatBuffer.wrap(t.toArray()));
    }

    @Override
    public void close() {
        first.values().forEach(NDArray::close);
        second.values().forEach(NDArray::close);
    }
}
