package io.usrnet.core.weights;

import io.usrnet.data.io.InvalidFileException;
import io.usrnet.hyper.HyperNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A complete, validated set of USRNet weights: a {@link StateDict} holding exactly the tensors of
 * its {@link ModelConfig}, with the right shapes. Hands each module its parameters as plain arrays:
 * the hyper-network as a {@link HyperNetwork}, the prior as {@link #priorParameters()}. Immutable.
 */
public final class ModelWeights {
    private static final String PRIOR_PREFIX = "p.";
    /** Where the model shipped with the library lives on the class path (see MODEL.md). */
    static final String BUILT_IN_RESOURCE = "usrnet-tiny.safetensors";

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

    /**
     * The largest noise level, in [0, 255] units, the {@linkplain #builtIn() built-in model} was
     * trained on: its training degradations drew σ from [0, 25] (MODEL.md, "Data and recipe"). Above
     * it the hyper-network's schedule and the prior extrapolate. Its metadata does not record the
     * range, and other weights carry no range at all.
     */
    public static final double BUILT_IN_MAX_SIGMA = 25;

    /**
     * The model shipped inside the library: the tiny configuration (6 iterations, ResUNet widths
     * 16-32-64-64, 2 blocks, hyper-network width 32) trained by this project on its training images
     * for scales 1 to 4, noise levels 0 to 25 and 25×25 Gaussian and camera-shake kernels. Its
     * metadata holds the training provenance; MODEL.md in the repository says how to reproduce it and
     * how well it does. Loaded once and shared (the instance is immutable).
     *
     * @throws IllegalStateException if the resource is missing from the class path (a broken build)
     */
    public static ModelWeights builtIn() {
        return BuiltIn.WEIGHTS;
    }

    /**
     * Seeded random weights of a configuration, for tests, benchmarks and parity fixtures: each
     * tensor of {@link ModelConfig#tensorShapes()}, in that order, filled element by element (C
     * order) with {@code (float) ((2u − 1) · b)}, where {@code u} is the next
     * {@link SplittableRandom#nextDouble()} of {@code new SplittableRandom(seed)} and
     * {@code b = 1/sqrt(fanIn)} with {@code fanIn = size/shape[0]} (a 1-D bias: its length), the
     * scale of PyTorch's default initialisation. The values depend on the seed alone, so another
     * implementation can regenerate them (training/device/make_parity_fixtures.py does).
     *
     * @param config the architecture
     * @param seed the seed; equal seeds give equal weights
     * @return the weights, with the configuration as metadata
     */
    public static ModelWeights random(ModelConfig config, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : config.tensorShapes().entrySet()) {
            int[] shape = e.getValue();
            int size = 1;
            for (int d : shape) {
                size *= d;
            }
            int fanIn = shape.length > 1 ? size / shape[0] : shape[0];
            double bound = 1 / Math.sqrt(fanIn);
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            tensors.put(e.getKey(), Tensor.wrap(shape, v));
        }
        return new ModelWeights(new StateDict(tensors, config.toMetadata()), config);
    }

    /** Lazy holder: the built-in model is read on first use only. */
    private static final class BuiltIn {
        static final ModelWeights WEIGHTS = load();

        private static ModelWeights load() {
            try (InputStream in = ModelWeights.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the built-in model " + BUILT_IN_RESOURCE
                            + " is missing from the class path (broken build?)");
                }
                return of(SafeTensors.read(in.readAllBytes(), Path.of(BUILT_IN_RESOURCE)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the built-in model: " + e.getMessage(), e);
            }
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
