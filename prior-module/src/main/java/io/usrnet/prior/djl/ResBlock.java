package io.usrnet.prior.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The residual block of the ResUNet: {@code t + conv(ReLU(conv(t)))} with two bias-free 3×3
 * convolutions (stride 1, zero padding 1) that keep the channel count. Its weights are DJL
 * {@link ai.djl.nn.Parameter}s of shape {@code [c, c, 3, 3]} (the PyTorch layout), called
 * {@code res.0} and {@code res.2} in the original {@code state_dict}.
 *
 * <p>Input and output: one NCHW float32 array with {@code channels} channels. Intermediate arrays
 * are released as soon as they are consumed; under PyTorch this does not disturb autograd, which
 * holds its own references, so the block trains normally.
 */
public final class ResBlock extends AbstractBlock {
    static {
        DjlRuntime.ensureOffline();
    }

    private final int channels;
    private final Conv2d conv0;
    private final Conv2d conv2;

    /**
     * A residual block.
     *
     * @param channels input = output channels, at least 1
     */
    public ResBlock(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        this.channels = channels;
        this.conv0 = addChildBlock("res.0", Blocks.conv(channels, 3, 1, 1));
        this.conv2 = addChildBlock("res.2", Blocks.conv(channels, 3, 1, 1));
    }

    /** @return the channel count */
    public int channels() {
        return channels;
    }

    /** @return the first convolution ({@code res.0}) */
    Conv2d conv0() {
        return conv0;
    }

    /** @return the second convolution ({@code res.2}) */
    Conv2d conv2() {
        return conv2;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = Blocks.nchwInput(inputs, channels, "ResBlock");
        NDArray a = Blocks.apply(conv0, parameterStore, x, training, params);
        NDArray r = Activation.relu(a);
        a.close();
        NDArray b = Blocks.apply(conv2, parameterStore, r, training, params);
        r.close();
        // b is a fresh array owned here: add the skip in place
        return new NDList(b.addi(x));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        conv0.initialize(manager, dataType, inputShapes[0]);
        conv2.initialize(manager, dataType, inputShapes[0]);
    }
}
