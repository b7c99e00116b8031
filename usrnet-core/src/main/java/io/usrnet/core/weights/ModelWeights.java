package io.usrnet.core.weights;

import io.usrnet.data.io.InvalidFileException;
import io.usrnet.hyper.HyperNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete, validated set of USRNet weights: a {@link StateDict} holding exactly the tensors of
 * its {@link ModelConfig}, with the right shapes. Hands each module its parameters as plain arrays:
 * the hyper-network as a {@link HyperNetwork}, the prior as {@link #priorParameters()}. Immutable.
 */
public final class ModelWeights {
    private static final String PRIOR_PREFIX = "p.";

    private final StateDict stateDict;
    private final ModelConfig config;

    private ModelWeights(StateDict stateDict, ModelConfig config) {
        this.stateDict = stateDict;
        this.config = config;
    }

    /**
     * Weights from a state_dict, configured by its metadata or by inference from its tensors
     * ({@link ModelConfig#of(StateDict)}).
     *
     * @throws IllegalArgumentException if the tensors do not form a USRNet (the message names the
     *                                  first offending tensor with the expected and found shapes)
     */
    public static ModelWeights of(StateDict stateDict) {
        return new ModelWeights(stateDict, ModelConfig.of(stateDict));
    }

    /**
     * Reads and validates a weights file of any supported format ({@link WeightFiles#read(Path)}).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws InvalidFileException              if the file is unreadable as weights, or its tensors
     *                                           do not form a USRNet
     * @throws IOException                       if the file cannot be read
     */
    public static ModelWeights read(Path file) throws IOException {
        StateDict dict = WeightFiles.read(file);
        try {
            return of(dict);
        } catch (IllegalArgumentException e) {
            throw new InvalidFileException(file, "not USRNet weights: " + e.getMessage(), e);
        }
    }

    /** The configuration (from the metadata or inferred from the tensors). */
    public ModelConfig config() {
        return config;
    }

    /** The tensors, as read (metadata included). */
    public StateDict stateDict() {
        return stateDict;
    }

    /** The hyper-network built from {@code h.mlp.{0,2,4}.{weight,bias}}. */
    public HyperNetwork hyperNetwork() {
        return HyperNetwork.of(config.iterations(), config.hyperWidth(),
                array("h.mlp.0.weight"), array("h.mlp.0.bias"),
                array("h.mlp.2.weight"), array("h.mlp.2.bias"),
                array("h.mlp.4.weight"), array("h.mlp.4.bias"));
    }

    /**
     * The ResUNet's parameters: every {@code p.*} tensor, named without the {@code p.} prefix
     * ({@code m_head.weight}, {@code m_down1.0.res.0.weight}, ...), in state_dict order, as C-order
     * arrays in PyTorch layout (convolutions {@code [out, in, kh, kw]}, transposed convolutions
     * {@code [in, out, 2, 2]}). Note that with nb = 1 the body block is named {@code m_body.res.*}
     * (see {@link ModelConfig#tensorShapes()}).
     *
     * @return a new unmodifiable map of new arrays
     */
    public Map<String, float[]> priorParameters() {
        Map<String, float[]> m = new LinkedHashMap<>();
        stateDict.tensors().forEach((name, t) -> {
            if (name.startsWith(PRIOR_PREFIX)) {
                m.put(name.substring(PRIOR_PREFIX.length()), t.toArray());
            }
        });
        return Collections.unmodifiableMap(m);
    }

    /**
     * Writes these weights as {@code .safetensors}, with the file's metadata plus the configuration
     * keys of {@link ModelConfig#toMetadata()} (which replace any previous values).
     */
    public void writeSafeTensors(Path file) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(stateDict.metadata());
        meta.putAll(config.toMetadata());
        SafeTensors.write(file, new StateDict(stateDict.tensors(), meta));
    }

    private float[] array(String name) {
        return stateDict.get(name).data();
    }

    @Override
    public String toString() {
        return "ModelWeights[" + config + "]";
    }
}
