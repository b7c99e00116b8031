package io.usrnet.prior.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A bias-free 2×2, stride-2 transposed convolution ({@code nn.ConvTranspose2d(in, out, 2, 2, 0)}),
 * built from operations DJL's PyTorch engine implements (it has no transposed convolution).
 *
 * <p>With stride equal to the kernel size the output windows do not overlap: output pixel
 * {@code (2i+a, 2j+b)} of channel {@code o} is {@code Σ_c in[c, i, j] · W[c, o, a, b]}. That is a
 * 1×1 convolution to {@code 4·out} channels, channel {@code 4o + 2a + b} holding the taps
 * {@code W[·, o, a, b]}, followed by a depth-to-space rearrangement: the result
 * {@code [N, 4·out, H, W]} is viewed as {@code [N, out, 2, 2, H, W]}, permuted to
 * {@code [N, out, H, 2, W, 2]} and reshaped to {@code [N, out, 2H, 2W]}. Both steps are exact
 * (the same products and sums as the transposed convolution) and differentiable.
 *
 * <p>The weight is one DJL {@link Parameter} named {@code weight} in the PyTorch layout
 * {@code [in, out, 2, 2]}, so checkpoints map one to one; the 1×1 kernel
 * {@code [4·out, in, 1, 1]} is derived from it in every forward pass (a cheap permutation), which
 * lets gradients reach the stored parameter.
 */
public final class ConvTranspose2x2 extends AbstractBlock {
    static {
        DjlRuntime.ensureOffline();
    }

    private final int inChannels;
    private final int outChannels;
    private final Parameter weight;

    /**
     * A transposed convolution.
     *
     * @param inChannels input channels, at least 1
     * @param outChannels output channels, at least 1
     */
    public ConvTranspose2x2(int inChannels, int outChannels) {
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException(
                    "channel counts must be positive, got in=" + inChannels + ", out=" + outChannels);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(inChannels, outChannels, 2, 2))
                .build());
    }

    /** @return input channels */
    public int inChannels() {
        return inChannels;
    }

    /** @return output channels */
    public int outChannels() {
        return outChannels;
    }

    /** @return the weight parameter, PyTorch layout {@code [in, out, 2, 2]} */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = Blocks.nchwInput(inputs, inChannels, "ConvTranspose2x2");
        Shape s = x.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray stored = parameterStore.getValue(weight, x.getDevice(), training);
        // [in, out, a, b] -> [out, a, b, in] -> [4·out, in, 1, 1]; results of operations on the
        // parameter belong to its manager: move them to the caller's so each call frees its own.
        NDArray permuted = stored.transpose(1, 2, 3, 0);
        permuted.attach(x.getManager());
        NDArray kernel = permuted.reshape(4L * outChannels, inChannels, 1, 1);
        kernel.attach(x.getManager());
        permuted.close();
        NDArray depth = Conv2d.conv2d(x, kernel).singletonOrThrow();
        kernel.close();
        NDArray split = depth.reshape(n, outChannels, 2, 2, h, w);
        depth.close();
        NDArray interleaved = split.transpose(0, 1, 4, 2, 5, 3);
        split.close();
        NDArray space = interleaved.reshape(n, outChannels, 2 * h, 2 * w);
        interleaved.close();
        return new NDList(space);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {new Shape(s.get(0), outChannels, 2 * s.get(2), 2 * s.get(3))};
    }
}
