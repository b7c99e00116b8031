package io.usrnet.prior.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Small helpers shared by the blocks of this package. */
final class Blocks {
    private Blocks() {
    }

    /**
     * Name of module {@code index} of a sequential stage holding {@code count} modules, in the original
     * {@code state_dict}: the naming of {@link io.usrnet.prior.ResUNetConfig#parameterShapes()}, whose
     * names {@link ResUNetBlock#stateDictParameters()} must match (ResUNet.create checks every name).
     */
    static String stage(String sequential, int index, int count) {
        return count == 1 ? sequential : sequential + "." + index;
    }

    /** A bias-free square convolution with {@code filters} output channels. */
    static Conv2d conv(int filters, int kernel, int stride, int padding) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(false)
                .build();
    }

    /**
     * The single input of a block, checked to be {@code [N, channels, H, W]} with {@code H, W ≥ 1}.
     *
     * @throws IllegalArgumentException naming {@code block} otherwise
     */
    static NDArray nchwInput(NDList inputs, long channels, String block) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) != channels || s.get(2) < 1 || s.get(3) < 1) {
            throw new IllegalArgumentException(
                    block + " expects [N, " + channels + ", H, W] with H, W >= 1, got " + s);
        }
        return x;
    }

    /** Runs a single-input, single-output block. */
    static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
        return block.forward(ps, new NDList(x), training, params).singletonOrThrow();
    }
}
