package io.usrnet.core.weights;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model's named tensors, in the original PyTorch {@code state_dict} naming
 * ({@code p.m_head.weight}, {@code h.mlp.0.bias}, ...), plus string metadata (configuration and
 * provenance). Immutable; iteration follows insertion order.
 */
public final class StateDict {
    private final Map<String, Tensor> tensors;
    private final Map<String, String> metadata;

    /** A state dict holding copies of the two maps (the tensors themselves are immutable). */
    public StateDict(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensors by name (unmodifiable, in file order). */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** String metadata (unmodifiable; empty when the file carries none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Tensor names. */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** The tensor called {@code name}, or null. */
    public Tensor get(String name) {
        return tensors.get(name);
    }
}
