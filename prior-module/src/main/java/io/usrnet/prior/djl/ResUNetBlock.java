package io.usrnet.prior.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.usrnet.prior.ResUNetConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The USRNet prior network (ResUNet, PROTOCOL §6.5) as a DJL block, usable for inference and for
 * training with DJL (all weights are real {@link Parameter}s; every operation is differentiable).
 *
 * <p>Input: one float32 array {@code [N, inChannels, H, W]} with any {@code H, W ≥ 1}; output
 * {@code [N, outChannels, H, W]}. Structure: if H or W is not a multiple of 8 the input is
 * replicate-padded at the bottom/right to the next multiple of 8 and the output is cropped back.
 * Then head (3×3 conv {@code in → nc0}) → three levels down (nb {@link ResBlock}s, then a 2×2
 * stride-2 conv to the next width) → body (nb ResBlocks) → three levels up (a
 * {@link ConvTranspose2x2} applied to the sum of the previous stage and the skip of the same
 * level, then nb ResBlocks) → tail (3×3 conv {@code nc0 → out}) applied to {@code up1 + head}.
 * All convolutions are bias-free; skips are additions; there is no activation after the stride
 * convolutions, the transposed convolutions, the skip sums or the tail.
 *
 * <p>Parameters are addressed by their original {@code state_dict} names without the {@code p.}
 * prefix ({@link #stateDictParameters()}, {@link ResUNetConfig#parameterShapes()}).
 *
 * <p>The block keeps no per-call state, so one initialized block may serve concurrent forward
 * passes with different {@link ParameterStore}s. Intermediate arrays are released as soon as they
 * are consumed (under PyTorch, autograd keeps its own references, so training is unaffected);
 * results of a forward pass belong to the manager of its input.
 */
public final class ResUNetBlock extends AbstractBlock {
    static {
        DjlRuntime.ensureOffline();
    }


    private final ResUNetConfig config;
    private final Conv2d head;
    private final List<List<Block>> down = new ArrayList<>();
    private final List<Block> body = new ArrayList<>();
    private final List<List<Block>> up = new ArrayList<>(); // index 0 = up3 (coarsest), 2 = up1
    private final Conv2d tail;
    private final Map<String, Parameter> stateDict = new LinkedHashMap<>();

    /**
     * An uninitialized ResUNet block of the given configuration. Call
     * {@link #initialize(NDManager, DataType, Shape...)} (e.g. with input shape
     * {@code [1, inChannels, 8, 8]}) before use, then load weights with
     * {@link #setParameterValues(Map)} or keep the initializers' values.
     *
     * @param config the architecture
     */
    public ResUNetBlock(ResUNetConfig config) {
        io.usrnet.prior.ResUNet.requireExactKernels(config);
        this.config = config;
        int nb = config.blocksPerLevel();
        head = addChildBlock("m_head", Blocks.conv(config.width(0), 3, 1, 1));
        register("m_head", head);
        for (int level = 1; level <= 3; level++) {
            int c = config.width(level - 1);
            String seq = "m_down" + level;
            List<Block> stage = new ArrayList<>();
            for (int b = 0; b < nb; b++) {
                stage.add(resBlock(Blocks.stage(seq, b, nb + 1), c));
            }
            String name = Blocks.stage(seq, nb, nb + 1);
            Conv2d strided = addChildBlock(name, Blocks.conv(config.width(level), 2, 2, 0));
            register(name, strided);
            stage.add(strided);
            down.add(stage);
        }
        for (int b = 0; b < nb; b++) {
            body.add(resBlock(Blocks.stage("m_body", b, nb), config.width(3)));
        }
        for (int level = 3; level >= 1; level--) {
            int c = config.width(level - 1);
            String seq = "m_up" + level;
            List<Block> stage = new ArrayList<>();
            String name = Blocks.stage(seq, 0, nb + 1);
            ConvTranspose2x2 transposed = addChildBlock(name, new ConvTranspose2x2(config.width(level), c));
            stateDict.put(name + ".weight", transposed.weight());
            stage.add(transposed);
            for (int b = 1; b <= nb; b++) {
                stage.add(resBlock(Blocks.stage(seq, b, nb + 1), c));
            }
            up.add(stage);
        }
        tail = addChildBlock("m_tail", Blocks.conv(config.outChannels(), 3, 1, 1));
        register("m_tail", tail);
    }

    private ResBlock resBlock(String name, int channels) {
        ResBlock block = addChildBlock(name, new ResBlock(channels));
        register(name + ".res.0", block.conv0());
        register(name + ".res.2", block.conv2());
        return block;
    }

    private void register(String name, Conv2d conv) {
        stateDict.put(name + ".weight", conv.getDirectParameters().get("weight"));
    }

    /** @return the architecture */
    public ResUNetConfig config() {
        return config;
    }

    /**
     * The weights by original {@code state_dict} name (without {@code p.}), in
     * {@link ResUNetConfig#parameterShapes()} order.
     *
     * @return an unmodifiable ordered map name → parameter
     */
    public Map<String, Parameter> stateDictParameters() {
        return Collections.unmodifiableMap(stateDict);
    }

    /**
     * Overwrites the values of the (initialized) weights. Only the names in {@code values} are set,
     * so a partial map is allowed; each array must hold the parameter's element count in the
     * PyTorch layout (C order).
     *
     * @param values name (without {@code p.}) → values
     * @throws IllegalArgumentException for an unknown name or a wrong element count
     * @throws IllegalStateException if the block is not initialized
     */
    public void setParameterValues(Map<String, float[]> values) {
        ParameterValues.set(stateDict, values, "ResUNet");
    }

    /**
     * Copies the current weight values out of the engine.
     *
     * @return an ordered map name (without {@code p.}) → values in PyTorch layout
     * @throws IllegalStateException if the block is not initialized
     */
    public Map<String, float[]> getParameterValues() {
        return ParameterValues.get(stateDict);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = Blocks.nchwInput(inputs, config.inChannels(), "ResUNet");
        Shape s = input.getShape();
        long h = s.get(2);
        long w = s.get(3);
        NDArray x = replicatePad(input, paddedSize(h) - h, paddedSize(w) - w);
        NDArray x1 = Blocks.apply(head, ps, x, training, params);
        if (x != input) {
            x.close();
        }
        NDArray x2 = run(down.get(0), ps, x1, false, training, params);
        NDArray x3 = run(down.get(1), ps, x2, false, training, params);
        NDArray x4 = run(down.get(2), ps, x3, false, training, params);
        NDArray cur = run(body, ps, x4, false, training, params);
        NDArray[] skips = {x4, x3, x2};
        for (int i = 0; i < 3; i++) {
            NDArray sum = skipSum(cur, skips[i]);
            cur = run(up.get(i), ps, sum, true, training, params);
        }
        NDArray sum = skipSum(cur, x1);
        NDArray out = Blocks.apply(tail, ps, sum, training, params);
        sum.close();
        if (out.getShape().get(2) != h || out.getShape().get(3) != w) {
            NDArray cropped = out.get(new NDIndex().addAllDim(2).addSliceDim(0, h).addSliceDim(0, w));
            out.close();
            out = cropped;
        }
        return new NDList(out);
    }

    /**
     * {@code a + skip}, releasing the skip. {@code a} is a fresh result of the previous stage owned
     * here (autograd saves no stage output for its backward pass), so the sum is accumulated into it
     * in place, saving one full-size allocation per level.
     */
    private static NDArray skipSum(NDArray a, NDArray skip) {
        if (a == skip) { // empty body (nb = 0)
            NDArray sum = a.add(skip);
            skip.close();
            return sum;
        }
        NDArray sum = a.addi(skip);
        skip.close();
        return sum;
    }

    /** Runs blocks in sequence, releasing intermediates (and the input if owned). */
    private static NDArray run(List<Block> blocks, ParameterStore ps, NDArray input, boolean ownsInput,
            boolean training, PairList<String, Object> params) {
        NDArray cur = input;
        for (Block b : blocks) {
            NDArray next = Blocks.apply(b, ps, cur, training, params);
            if (cur != input || ownsInput) {
                cur.close();
            }
            cur = next;
        }
        return cur;
    }

    /**
     * The side the network computes on for an image side {@code n}: the next multiple of 8 (the
     * input is replicate-padded to it and the output cropped back).
     *
     * @param n an image side, at least 1
     * @return the padded side
     */
    public static long paddedSize(long n) {
        return (n + 7) / 8 * 8;
    }

    /** Replicate-pads {@code x} (NCHW) by {@code ph} rows at the bottom and {@code pw} columns at the right. */
    static NDArray replicatePad(NDArray x, long ph, long pw) {
        NDArray cur = x;
        for (int axis = 2; axis <= 3; axis++) {
            long pad = axis == 2 ? ph : pw;
            if (pad == 0) {
                continue;
            }
            long n = cur.getShape().get(axis);
            NDArray edge = cur.get(NDIndex.sliceAxis(axis, n - 1, n));
            long[] target = cur.getShape().getShape();
            target[axis] = pad;
            NDArray repeated = edge.broadcast(target);
            NDArray padded = cur.concat(repeated, axis);
            edge.close();
            repeated.close();
            if (cur != x) {
                cur.close();
            }
            cur = padded;
        }
        return cur;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), config.outChannels(), s.get(2), s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        long n = s.get(0);
        long h = paddedSize(s.get(2));
        long w = paddedSize(s.get(3));
        head.initialize(manager, dataType, new Shape(n, config.inChannels(), h, w));
        for (int level = 0; level < 3; level++) {
            Shape in = new Shape(n, config.width(level), h >> level, w >> level);
            for (Block b : down.get(level)) {
                b.initialize(manager, dataType, in);
            }
        }
        for (Block b : body) {
            b.initialize(manager, dataType, new Shape(n, config.width(3), h >> 3, w >> 3));
        }
        for (int i = 0; i < 3; i++) {
            int level = 3 - i; // up3, up2, up1
            List<Block> stage = up.get(i);
            stage.get(0).initialize(manager, dataType, new Shape(n, config.width(level), h >> level, w >> level));
            Shape fine = new Shape(n, config.width(level - 1), h >> (level - 1), w >> (level - 1));
            for (Block b : stage.subList(1, stage.size())) {
                b.initialize(manager, dataType, fine);
            }
        }
        tail.initialize(manager, dataType, new Shape(n, config.width(0), h, w));
    }

    @Override
    public String toString() {
        return "ResUNetBlock" + Arrays.toString(config.widths()) + " nb=" + config.blocksPerLevel();
    }
}
