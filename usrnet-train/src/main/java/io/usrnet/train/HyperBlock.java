package io.usrnet.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.usrnet.prior.djl.DjlRuntime;
import io.usrnet.prior.djl.ParameterValues;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * USRNet's hyper-parameter network (HyPaNet, PROTOCOL.md §6.2) as a trainable DJL block: the
 * perceptron 2 → h → h → 2n with ReLU, ReLU, Softplus (β = 1, threshold 20), then +1e-6. It is
 * the differentiable twin of the plain-Java {@link io.usrnet.hyper.HyperNetwork}, with the same
 * weights.
 *
 * <p>Input: {@code [N, 2]} float32 rows {@code (σ, s)} with σ in [0, 1] image units and s the raw
 * scale factor. Output: {@code [N, 2n]}, columns 0..n−1 are α<sub>1..n</sub>, n..2n−1 are
 * β<sub>1..n</sub>.
 *
 * <p>Parameters are named as in the original {@code state_dict} without the {@code h.} prefix:
 * {@code mlp.0.weight [h, 2, 1, 1]}, {@code mlp.0.bias [h]}, {@code mlp.2.*}, {@code mlp.4.*}
 * ({@link #parameterShapes}); values are exchanged as flat C-order arrays, so the reference's
 * {@code [out, in, 1, 1]} 1×1-convolution weights load unchanged (internally they are
 * {@code [out, in]} dense weights).
 */
public final class HyperBlock extends AbstractBlock {
    static {
        DjlRuntime.ensureOffline();
    }

    /** Added to every Softplus output, as in the reference (keeps α strictly positive). */
    private static final float OUTPUT_OFFSET = 1e-6f;
    private static final String[] LAYERS = {"mlp.0", "mlp.2", "mlp.4"};

    private final int iterations;
    private final int hiddenWidth;
    private final Parameter[] weights = new Parameter[3];
    private final Parameter[] biases = new Parameter[3];
    private final Map<String, Parameter> stateDict = new LinkedHashMap<>();

    /**
     * An uninitialized hyper-network block; call {@link #initialize(NDManager, DataType, Shape...)}
     * with input shape {@code [1, 2]} before use.
     *
     * @param iterations  n, the number of unfolded iterations (2n outputs), at least 1
     * @param hiddenWidth h, the hidden width, at least 1
     */
    public HyperBlock(int iterations, int hiddenWidth) {
        if (iterations < 1 || hiddenWidth < 1) {
            throw new IllegalArgumentException("iterations and hidden width must be >= 1, got " + iterations
                    + " and " + hiddenWidth);
        }
        this.iterations = iterations;
        this.hiddenWidth = hiddenWidth;
        int[] outs = {hiddenWidth, hiddenWidth, 2 * iterations};
        int[] ins = {2, hiddenWidth, hiddenWidth};
        for (int i = 0; i < 3; i++) {
            String name = LAYERS[i].replace('.', '_');
            weights[i] = addParameter(Parameter.builder().setName(name + "_weight").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(outs[i], ins[i])).build());
            biases[i] = addParameter(Parameter.builder().setName(name + "_bias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(outs[i])).build());
            stateDict.put(LAYERS[i] + ".weight", weights[i]);
            stateDict.put(LAYERS[i] + ".bias", biases[i]);
        }
    }

    /**
     * The tensor shapes of a hyper-network in the reference layout.
     *
     * @param iterations  n
     * @param hiddenWidth h
     * @return name (without {@code h.}) → shape, in state_dict order
     */
    public static Map<String, int[]> parameterShapes(int iterations, int hiddenWidth) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int[] outs = {hiddenWidth, hiddenWidth, 2 * iterations};
        int[] ins = {2, hiddenWidth, hiddenWidth};
        for (int i = 0; i < 3; i++) {
            m.put(LAYERS[i] + ".weight", new int[] {outs[i], ins[i], 1, 1});
            m.put(LAYERS[i] + ".bias", new int[] {outs[i]});
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Seeded random weights following PyTorch's default initialisation of 1×1 convolutions: weights
     * and biases uniform in {@code [−b, b]} with {@code b = 1/sqrt(fanIn)}.
     *
     * @param iterations  n
     * @param hiddenWidth h
     * @param seed        random seed; equal seeds give equal values
     * @return name (without {@code h.}) → values
     */
    public static Map<String, float[]> randomParameters(int iterations, int hiddenWidth, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> out = new LinkedHashMap<>();
        int[] ins = {2, hiddenWidth, hiddenWidth};
        int layer = 0;
        for (Map.Entry<String, int[]> e : parameterShapes(iterations, hiddenWidth).entrySet()) {
            int[] s = e.getValue();
            int size = s.length == 4 ? s[0] * s[1] : s[0];
            double bound = 1 / Math.sqrt(ins[layer / 2]);
            float[] v = new float[size];
            for (int i = 0; i < size; i++) {
                v[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
            out.put(e.getKey(), v);
            layer++;
        }
        return out;
    }

    /** @return n, the number of iterations */
    public int iterations() {
        return iterations;
    }

    /** @return h, the hidden width */
    public int hiddenWidth() {
        return hiddenWidth;
    }

    /** @return the parameters by state_dict name (without {@code h.}), unmodifiable, in order */
    public Map<String, Parameter> stateDictParameters() {
        return Collections.unmodifiableMap(stateDict);
    }

    /**
     * Overwrites parameter values (a partial map is allowed).
     *
     * @param values name (without {@code h.}) → flat C-order values
     * @throws IllegalArgumentException for an unknown name or a wrong element count
     * @throws IllegalStateException    if the block is not initialized
     */
    public void setParameterValues(Map<String, float[]> values) {
        ParameterValues.set(stateDict, values, "hyper-network");
    }

    /**
     * Copies the parameter values out of the engine.
     *
     * @return name (without {@code h.}) → flat C-order values, in state_dict order
     * @throws IllegalStateException if the block is not initialized
     */
    public Map<String, float[]> getParameterValues() {
        return ParameterValues.get(stateDict);
    }

    /**
     * The network input for a batch: rows (σ<sub>i</sub>, s).
     *
     * @param sigma the noise levels {@code [N]} in [0, 1] units
     * @param scale the scale factor of the batch
     * @return {@code [N, 2]}, attached to the manager of sigma
     */
    public static NDArray input(NDArray sigma, int scale) {
        long n = sigma.getShape().get(0);
        try (NDArray column = sigma.reshape(n, 1); NDArray scales = column.onesLike()) {
            scales.muli(scale);
            return column.concat(scales, 1);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() != 2 || s.get(1) != 2) {
            throw new IllegalArgumentException("the hyper-network expects [N, 2] rows (sigma, scale), got " + s);
        }
        NDArray cur = x;
        for (int i = 0; i < 3; i++) {
            NDArray w = ps.getValue(weights[i], x.getDevice(), training);
            NDArray b = ps.getValue(biases[i], x.getDevice(), training);
            NDArray lin = Linear.linear(cur, w, b).singletonOrThrow();
            lin.attach(x.getManager());
            if (cur != x) {
                cur.close();
            }
            cur = i < 2 ? Activation.relu(lin) : Activation.softPlus(lin);
            lin.close();
        }
        NDArray out = cur.add(OUTPUT_OFFSET);
        cur.close();
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 2L * iterations)};
    }

    @Override
    public String toString() {
        return "HyperBlock[iterations=" + iterations + ", hiddenWidth=" + hiddenWidth + "]";
    }
}
