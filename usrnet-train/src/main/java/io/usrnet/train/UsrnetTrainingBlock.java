package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.core.weights.StateDict;
import io.usrnet.core.weights.Tensor;
import io.usrnet.data.Kernel;
import io.usrnet.prior.ResUNet;
import io.usrnet.prior.djl.DjlRuntime;
import io.usrnet.prior.djl.ResUNetBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole unfolded USRNet (PROTOCOL.md §6) as one trainable DJL block: the hyper-network
 * ({@link HyperBlock}, child {@code h}) gives α<sub>1..n</sub>, β<sub>1..n</sub> for each sample's
 * (σ, s); from x₀ = nearest-neighbour upsampling of y, each iteration runs the closed-form data step
 * ({@link DjlDataStep}) and the ResUNet prior ({@link ResUNetBlock}, child {@code p}) on
 * {@code [z, β·1]}. Every operation is differentiable, so an L1 loss on the output trains both
 * networks end to end; {@link #denoise} runs the prior alone (for denoiser pre-training).
 *
 * <p>The parameters carry the original {@code state_dict} names ({@code p.m_head.weight},
 * {@code h.mlp.0.bias}, ...; {@link #stateDictParameters()}), and {@link #setWeights(StateDict)} /
 * {@link #toWeights(Map)} exchange them with {@link ModelWeights}, so a trained block is directly
 * usable by {@link io.usrnet.core.Restorer} and by PyTorch.
 *
 * <p>Initialize with {@link #initialize(NDManager)}; the parameters live in that manager. PyTorch
 * records every operation for autograd while its (thread-local) grad mode is on, which is the
 * default, whatever the {@code training} flag says: for inference switch it off with
 * {@link io.usrnet.prior.djl.DjlRuntime#setGradMode(boolean)} to save time and memory.
 */
public final class UsrnetTrainingBlock extends AbstractBlock {
    static {
        DjlRuntime.ensureOffline();
    }

    private static final String HYPER_PREFIX = "h.";
    private static final String PRIOR_PREFIX = "p.";

    private final ModelConfig config;
    private final HyperBlock hyper;
    private final ResUNetBlock prior;

    /**
     * An uninitialized network of the given architecture.
     *
     * @param config the architecture (iterations, widths, blocks, hyper width)
     */
    public UsrnetTrainingBlock(ModelConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.hyper = addChildBlock("h", new HyperBlock(config.iterations(), config.hyperWidth()));
        this.prior = addChildBlock("p", new ResUNetBlock(config.priorConfig()));
    }

    /** @return the architecture */
    public ModelConfig config() {
        return config;
    }

    /** @return the hyper-network child */
    public HyperBlock hyper() {
        return hyper;
    }

    /**
     * The prior child, a {@code ResUNetBlock}: typed as a plain DJL block, since the prior's DJL
     * package is exported to this module only.
     *
     * @return the ResUNet prior child
     */
    public Block prior() {
        return prior;
    }

    /**
     * Initializes all parameters in {@code manager} (with DJL's default initializers; load real
     * values with {@link #setWeights} or {@link #initializeRandomly}).
     *
     * @param manager owner of the parameters
     */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, config.inChannels(), 8, 8));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        hyper.initialize(manager, dataType, new Shape(1, 2));
        prior.initialize(manager, dataType, new Shape(1, config.inChannels(), 8, 8));
    }

    /**
     * Sets seeded random weights: PyTorch's default initialisation for both networks
     * ({@link ResUNet#randomParameters}, {@link HyperBlock#randomParameters}).
     *
     * @param seed the seed; equal seeds give equal weights
     */
    public void initializeRandomly(long seed) {
        prior.setParameterValues(ResUNet.randomParameters(prior.config(), seed));
        hyper.setParameterValues(HyperBlock.randomParameters(config.iterations(), config.hyperWidth(), ~seed));
    }

    /**
     * All parameters by full state_dict name: {@code p.*} (the prior, in
     * {@link ModelConfig#tensorShapes()} order) then {@code h.*} (the hyper-network).
     *
     * @return an unmodifiable ordered map
     */
    public Map<String, Parameter> stateDictParameters() {
        Map<String, Parameter> m = new LinkedHashMap<>();
        prior.stateDictParameters().forEach((k, v) -> m.put(PRIOR_PREFIX + k, v));
        hyper.stateDictParameters().forEach((k, v) -> m.put(HYPER_PREFIX + k, v));
        return Collections.unmodifiableMap(m);
    }

    /**
     * Loads weights (all of them, or any subset) from a state_dict in the original naming.
     *
     * @param dict tensors named {@code p.*} / {@code h.*}; metadata is ignored
     * @throws IllegalArgumentException for an unknown name or a wrong element count
     * @throws IllegalStateException    if the block is not initialized
     */
    public void setWeights(StateDict dict) {
        Map<String, float[]> p = new LinkedHashMap<>();
        Map<String, float[]> h = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : dict.tensors().entrySet()) {
            String name = e.getKey();
            if (name.startsWith(PRIOR_PREFIX)) {
                p.put(name.substring(PRIOR_PREFIX.length()), e.getValue().toArray());
            } else if (name.startsWith(HYPER_PREFIX)) {
                h.put(name.substring(HYPER_PREFIX.length()), e.getValue().toArray());
            } else {
                throw new IllegalArgumentException("unknown USRNet tensor '" + name + "'");
            }
        }
        prior.setParameterValues(p);
        hyper.setParameterValues(h);
    }

    /**
     * The current weights as a validated model in the original layout.
     *
     * @param metadata extra metadata (provenance); the configuration keys are added
     * @return the weights, ready for {@link ModelWeights#writeSafeTensors}
     */
    public ModelWeights toWeights(Map<String, String> metadata) {
        Map<String, int[]> shapes = config.tensorShapes();
        Map<String, float[]> values = new LinkedHashMap<>();
        prior.getParameterValues().forEach((k, v) -> values.put(PRIOR_PREFIX + k, v));
        hyper.getParameterValues().forEach((k, v) -> values.put(HYPER_PREFIX + k, v));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null) {
                throw new IllegalStateException("no parameter for tensor " + e.getKey());
            }
            tensors.put(e.getKey(), Tensor.wrap(e.getValue(), v));
        }
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.putAll(config.toMetadata());
        return ModelWeights.of(new StateDict(tensors, meta));
    }

    /**
     * The hyper-network's schedules for a batch.
     *
     * @param ps       the parameter store
     * @param sigma    noise levels {@code [N]} in [0, 1] units
     * @param scale    the scale factor
     * @param training whether this is a training pass
     * @return {@code [N, 2n]}: α<sub>1..n</sub> then β<sub>1..n</sub> per row
     */
    public NDArray schedule(ParameterStore ps, NDArray sigma, int scale, boolean training) {
        try (NDArray in = HyperBlock.input(sigma, scale)) {
            return hyper.forward(ps, new NDList(in), training).singletonOrThrow();
        }
    }

    /**
     * Restores a batch: the unfolded network's output x<sub>n</sub>.
     *
     * @param ps       the parameter store
     * @param lr       the degraded images {@code [N, C, h, w]}, float32
     * @param kernels  one blur kernel per sample
     * @param scale    the scale factor s of the batch
     * @param sigma    the noise levels {@code [N]} in [0, 1] units
     * @param training whether this is a training pass
     * @return {@code [N, C, s·h, s·w]}, not clamped, attached to the manager of lr
     */
    public NDArray restore(ParameterStore ps, NDArray lr, List<Kernel> kernels, int scale, NDArray sigma,
            boolean training) {
        return restore(ps, lr, kernels, scale, sigma, training, config.iterations());
    }

    /**
     * As {@link #restore(ParameterStore, NDArray, List, int, NDArray, boolean)}, stopping after
     * {@code iterations} iterations (1..n).
     */
    public NDArray restore(ParameterStore ps, NDArray lr, List<Kernel> kernels, int scale, NDArray sigma,
            boolean training, int iterations) {
        int n = config.iterations();
        if (iterations < 1 || iterations > n) {
            throw new IllegalArgumentException("iterations must be in [1, " + n + "], got " + iterations);
        }
        long batch = lr.getShape().get(0);
        if (sigma.getShape().dimension() != 1 || sigma.getShape().get(0) != batch) {
            throw new IllegalArgumentException("sigma must be [" + batch + "], got " + sigma.getShape());
        }
        NDArray ab = schedule(ps, sigma, scale, training);
        try (DjlDataStep data = DjlDataStep.prepare(lr, kernels, scale)) {
            NDArray x = data.initialEstimate();
            for (int i = 0; i < iterations; i++) {
                NDArray alpha = column(ab, i, batch);
                NDArray beta = column(ab, n + i, batch);
                NDArray z = data.step(x, alpha);
                alpha.close();
                if (x != data.initialEstimate()) {
                    x.close();
                }
                x = denoise(ps, z, beta, training);
                z.close();
                beta.close();
            }
            ab.close();
            return x;
        }
    }

    /** Column j of {@code [N, m]} as {@code [N, 1, 1, 1]}. */
    private static NDArray column(NDArray a, int j, long batch) {
        try (NDArray c = a.get(new NDIndex(":, {}", j))) {
            return c.reshape(batch, 1, 1, 1);
        }
    }

    /**
     * The prior alone on {@code [image, level·1]}: one denoising pass.
     *
     * @param ps       the parameter store
     * @param image    {@code [N, C, H, W]} (C = input channels − 1)
     * @param level    noise level per sample, broadcastable to {@code [N, 1, 1, 1]}
     * @param training whether this is a training pass
     * @return {@code [N, C, H, W]}, attached to the manager of image
     */
    public NDArray denoise(ParameterStore ps, NDArray image, NDArray level, boolean training) {
        Shape s = image.getShape();
        try (NDArray shaped = level.reshape(s.get(0), 1, 1, 1);
                NDArray map = shaped.broadcast(new Shape(s.get(0), 1, s.get(2), s.get(3)));
                NDArray in = image.concat(map, 1)) {
            return prior.forward(ps, new NDList(in), training).singletonOrThrow();
        }
    }

    /**
     * Block interface: inputs {@code (lr [N,C,h,w], kernels [N,kh,kw], sigma [N], scale [])}, output
     * the restored batch. Kernels are copied to the host (they are data, not differentiated).
     */
    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != 4) {
            throw new IllegalArgumentException("expected (lr, kernels, sigma, scale), got " + inputs.size() + " inputs");
        }
        NDArray kernels = inputs.get(1);
        Shape ks = kernels.getShape();
        int kh = (int) ks.get(1);
        int kw = (int) ks.get(2);
        float[] taps;
        try (NDArray f = kernels.toType(DataType.FLOAT32, true)) {
            taps = f.toFloatArray();
        }
        List<Kernel> list = new ArrayList<>();
        for (int i = 0; i < ks.get(0); i++) {
            double[] k = new double[kh * kw];
            for (int j = 0; j < k.length; j++) {
                k[j] = taps[i * kh * kw + j];
            }
            list.add(Kernel.of(kh, kw, k));
        }
        int scale;
        try (NDArray s = inputs.get(3).toType(DataType.INT32, true)) {
            scale = s.getInt();
        }
        return new NDList(restore(ps, inputs.get(0), list, scale, inputs.get(2), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape lr = inputShapes[0];
        return new Shape[] {new Shape(lr.get(0), config.outChannels(), -1, -1)};
    }

    @Override
    public String toString() {
        return "UsrnetTrainingBlock[" + config + "]";
    }
}
