package io.usrnet.prior.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Copies flat float values (PyTorch layout, C order) into and out of named DJL parameters: the
 * prior's blocks and the training module's hyper-network share it.
 */
public final class ParameterValues {
    private static final NDIndex ALL = new NDIndex("...");

    private ParameterValues() {
    }

    /**
     * Validates all values first, then writes them with autograd off, each as an indexed copy into
     * the parameter's own memory. A partial map is allowed.
     *
     * @param parameters the parameters by name
     * @param values     name → values, each with the parameter's element count
     * @param what       the network's name for messages ("ResUNet")
     * @throws IllegalArgumentException for an unknown name or a wrong element count
     * @throws IllegalStateException    if a parameter is not initialized
     */
    public static void set(Map<String, Parameter> parameters, Map<String, float[]> values, String what) {
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            Parameter p = parameters.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("unknown " + what + " parameter '" + e.getKey() + "'");
            }
            if (!p.isInitialized()) {
                throw new IllegalStateException("initialize the block before setting parameter values");
            }
            Objects.requireNonNull(e.getValue(), e.getKey());
            if (p.getArray().size() != e.getValue().length) {
                throw new IllegalArgumentException(what + " parameter '" + e.getKey() + "' has "
                        + p.getArray().size() + " values (shape " + p.getArray().getShape() + "), got "
                        + e.getValue().length);
            }
        }
        boolean grad = DjlRuntime.setGradMode(false);
        try {
            for (Map.Entry<String, float[]> e : values.entrySet()) {
                NDArray target = parameters.get(e.getKey()).getArray();
                try (NDManager scratch = target.getManager().newSubManager()) {
                    // an indexed copy into the parameter's own memory: NDArray.set(Buffer) would make
                    // the parameter's storage a Java buffer whose life only DJL's wrapper keeps
                    target.set(ALL, scratch.create(FloatBuffer.wrap(e.getValue()), target.getShape()));
                }
            }
        } finally {
            DjlRuntime.setGradMode(grad);
        }
    }

    /**
     * The current values, copied out of the engine, in map order.
     *
     * @throws IllegalStateException if a parameter is not initialized
     */
    public static Map<String, float[]> get(Map<String, Parameter> parameters) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("the block is not initialized");
            }
            out.put(e.getKey(), e.getValue().getArray().toFloatArray());
        }
        return out;
    }
}
