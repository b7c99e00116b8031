package io.usrnet.prior;

import io.usrnet.prior.djl.ResUNetBlock;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a USRNet prior network (ResUNet, PROTOCOL §6.5): input and output channels, the
 * channel widths {@code nc0..nc3} of the four resolution levels and the number {@code nb} of
 * residual blocks per level. Immutable and validated on construction.
 *
 * <p>The published configurations are {@link #USRNET} (64-128-256-512, 2 blocks) and
 * {@link #USRNET_TINY} (16-32-64-64, 2 blocks); both take 4 input channels (an RGB image plus the
 * constant β map) and give 3.
 */
public final class ResUNetConfig {
    /** Largest accepted channel width: far above any published model, small enough for int arithmetic. */
    public static final int MAX_CHANNELS = 4096;
    /** Largest accepted number of residual blocks per level. */
    public static final int MAX_BLOCKS = 64;
    /**
     * Full-size activations of one level alive at the peak of a pass, in the model of
     * {@link #inferenceBytes}; calibrated on measured peaks (both published configurations).
     */
    public static final double LIVE_ACTIVATIONS = 5;

    /** The full USRNet / USRGAN prior: 4 → 3 channels, widths 64-128-256-512, 2 blocks per level. */
    public static final ResUNetConfig USRNET = new ResUNetConfig(4, 3, new int[] {64, 128, 256, 512}, 2);
    /** The tiny USRNet prior: 4 → 3 channels, widths 16-32-64-64, 2 blocks per level. */
    public static final ResUNetConfig USRNET_TINY = new ResUNetConfig(4, 3, new int[] {16, 32, 64, 64}, 2);

    private final int inChannels;
    private final int outChannels;
    private final int[] widths;
    private final int blocksPerLevel;

    private ResUNetConfig(int inChannels, int outChannels, int[] widths, int blocksPerLevel) {
        if (inChannels < 2 || inChannels > MAX_CHANNELS) {
            throw new IllegalArgumentException("inChannels must be in [2, " + MAX_CHANNELS
                    + "] (the image channels plus the β map), got " + inChannels);
        }
        if (outChannels < 1 || outChannels > MAX_CHANNELS) {
            throw new IllegalArgumentException(
                    "outChannels must be in [1, " + MAX_CHANNELS + "], got " + outChannels);
        }
        if (widths == null || widths.length != 4) {
            throw new IllegalArgumentException("exactly 4 channel widths nc0..nc3 are needed, got "
                    + (widths == null ? "null" : Arrays.toString(widths)));
        }
        for (int i = 0; i < 4; i++) {
            if (widths[i] < 1 || widths[i] > MAX_CHANNELS) {
                throw new IllegalArgumentException("channel width nc" + i + " must be in [1, " + MAX_CHANNELS
                        + "], got " + widths[i] + " in " + Arrays.toString(widths));
            }
        }
        if (blocksPerLevel < 0 || blocksPerLevel > MAX_BLOCKS) {
            throw new IllegalArgumentException(
                    "blocksPerLevel (nb) must be in [0, " + MAX_BLOCKS + "], got " + blocksPerLevel);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.widths = widths.clone();
        this.blocksPerLevel = blocksPerLevel;
    }

    /**
     * A configuration.
     *
     * @param inChannels input channels including the β map (4 for RGB), at least 2
     * @param outChannels output channels (3 for RGB)
     * @param nc0 width of the full-resolution level
     * @param nc1 width of the 1/2-resolution level
     * @param nc2 width of the 1/4-resolution level
     * @param nc3 width of the 1/8-resolution level (the body)
     * @param blocksPerLevel residual blocks per level ({@code nb}), 0 allowed
     * @return the validated configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public static ResUNetConfig of(int inChannels, int outChannels, int nc0, int nc1, int nc2, int nc3,
            int blocksPerLevel) {
        return new ResUNetConfig(inChannels, outChannels, new int[] {nc0, nc1, nc2, nc3}, blocksPerLevel);
    }

    /**
     * A 4 → 3 channel (RGB) configuration with the given widths {@code nc0..nc3} and block count.
     *
     * @param widths the four widths nc0..nc3
     * @param blocksPerLevel residual blocks per level ({@code nb})
     * @return the validated configuration
     * @throws IllegalArgumentException if a value is out of range or there are not exactly 4 widths
     */
    public static ResUNetConfig rgb(int[] widths, int blocksPerLevel) {
        return new ResUNetConfig(4, 3, widths, blocksPerLevel);
    }

    /** @return input channels, including the constant β map as the last one */
    public int inChannels() {
        return inChannels;
    }

    /** @return output channels */
    public int outChannels() {
        return outChannels;
    }

    /** @return the image channels a caller supplies: {@code inChannels() - 1} */
    public int imageChannels() {
        return inChannels - 1;
    }

    /**
     * @param level 0..3
     * @return the channel width {@code nc<level>}
     */
    public int width(int level) {
        if (level < 0 || level > 3) {
            throw new IllegalArgumentException("level must be in 0..3, got " + level);
        }
        return widths[level];
    }

    /** @return the four widths nc0..nc3 (a copy) */
    public int[] widths() {
        return widths.clone();
    }

    /** @return residual blocks per level ({@code nb}) */
    public int blocksPerLevel() {
        return blocksPerLevel;
    }

    /**
     * The parameters of this network in PyTorch {@code state_dict} order, named as in the original
     * model without the {@code p.} prefix of the full USRNet ({@code m_head.weight},
     * {@code m_down1.0.res.0.weight}, ..., {@code m_tail.weight}), with their PyTorch shapes:
     * convolutions {@code [out, in, kh, kw]}, transposed convolutions {@code [in, out, 2, 2]}.
     *
     * <p>Like PyTorch's {@code nn.Sequential} helper of the original code, a stage made of a single
     * module is not indexed: with {@code nb = 1} the body is {@code m_body.res.0.weight}, not
     * {@code m_body.0.res.0.weight}.
     *
     * @return an unmodifiable ordered map name → shape (shapes are copies)
     */
    public Map<String, int[]> parameterShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        int nb = blocksPerLevel;
        m.put("m_head.weight", new int[] {widths[0], inChannels, 3, 3});
        for (int level = 1; level <= 3; level++) {
            int c = widths[level - 1];
            String seq = "m_down" + level;
            for (int b = 0; b < nb; b++) {
                putResBlock(m, stage(seq, b, nb + 1), c);
            }
            m.put(stage(seq, nb, nb + 1) + ".weight", new int[] {widths[level], c, 2, 2});
        }
        for (int b = 0; b < nb; b++) {
            putResBlock(m, stage("m_body", b, nb), widths[3]);
        }
        for (int level = 3; level >= 1; level--) {
            int c = widths[level - 1];
            String seq = "m_up" + level;
            m.put(stage(seq, 0, nb + 1) + ".weight", new int[] {widths[level], c, 2, 2});
            for (int b = 1; b <= nb; b++) {
                putResBlock(m, stage(seq, b, nb + 1), c);
            }
        }
        m.put("m_tail.weight", new int[] {outChannels, widths[0], 3, 3});
        return Collections.unmodifiableMap(m);
    }

    /** Name of module {@code index} of a sequential stage holding {@code count} modules. */
    static String stage(String sequential, int index, int count) {
        return count == 1 ? sequential : sequential + "." + index;
    }

    private static void putResBlock(Map<String, int[]> m, String prefix, int c) {
        m.put(prefix + ".res.0.weight", new int[] {c, c, 3, 3});
        m.put(prefix + ".res.2.weight", new int[] {c, c, 3, 3});
    }

    /** @return the total number of weights (the network has no biases) */
    public long parameterCount() {
        long n = 0;
        for (int[] s : parameterShapes().values()) {
            n += (long) s[0] * s[1] * s[2] * s[3];
        }
        return n;
    }

    /**
     * Multiply-accumulates per (padded) full-resolution pixel of one forward pass: the cost model of
     * the benchmark ({@code GFLOP = 2 · MACs/pixel · pixels / 1e9}). 1,085,376 for {@link #USRNET},
     * 61,168 for {@link #USRNET_TINY}.
     *
     * @return MACs per pixel (exact rational value; integral for all configurations since level
     *     sizes divide by 64)
     */
    public double macsPerPixel() {
        double macs = 0;
        double[] pixelFraction = {1, 1 / 4.0, 1 / 16.0, 1 / 64.0};
        macs += 9.0 * inChannels * widths[0];
        for (int level = 0; level < 3; level++) {
            double c = widths[level];
            // nb ResBlocks going down and nb coming up, two 3×3 convs each
            macs += pixelFraction[level] * 4 * blocksPerLevel * 9 * c * c;
            // stride conv going down and transposed conv coming up: 4 taps per output pixel of the coarse level
            macs += 2 * pixelFraction[level + 1] * 4 * c * widths[level + 1];
        }
        macs += pixelFraction[3] * 2 * blocksPerLevel * 9.0 * widths[3] * widths[3];
        macs += 9.0 * widths[0] * outChannels;
        return macs;
    }

    /**
     * Estimated peak native memory of one inference pass ({@link ResUNet#denoise}) on a
     * {@code height × width} image: the memory model that picks tile sizes for a memory budget.
     *
     * <p>The input is padded to {@code Hp × Wp} (multiples of 8); level {@code l} (0..3) holds
     * {@code P_l = (Hp/2^l)·(Wp/2^l)} pixels of width {@code nc_l}. At the peak of a pass, inside a
     * residual block of level {@code l}, the skips of the finer levels are alive together with
     * {@link #LIVE_ACTIVATIONS} full activations of the level itself (the block's input, the
     * convolution's input and output, and the engine's reordered copies of both); the float32
     * network input and output come on top:
     * <pre>
     *   bytes = 4 · [ (in + out)·P_0 + max_l ( Σ_{j&lt;l} nc_j·P_j + LIVE_ACTIVATIONS · nc_l·P_l ) ]
     * </pre>
     * For the published configurations the full-resolution level dominates: about 1.3 kB per pixel
     * for {@link #USRNET}, 0.35 kB for {@link #USRNET_TINY}. Calibrated on the measured peak RSS of
     * passes and of whole restorations (PyTorch 2.7.1 CPU, oneDNN, large blocks returned to the
     * system when freed); see the README, "Speed".
     *
     * @param height image height, at least 1
     * @param width image width, at least 1
     * @return estimated peak bytes of the pass's own tensors (not the weights)
     * @throws IllegalArgumentException if a side is below 1
     */
    public long inferenceBytes(long height, long width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be at least 1×1, got " + height + "×" + width);
        }
        long hp = ResUNetBlock.paddedSize(height);
        long wp = ResUNetBlock.paddedSize(width);
        double skips = 0;
        double peak = 0;
        for (int level = 0; level < 4; level++) {
            double activation = (double) widths[level] * (hp >> level) * (wp >> level);
            peak = Math.max(peak, skips + LIVE_ACTIVATIONS * activation);
            skips += activation;
        }
        return (long) Math.ceil(Float.BYTES * ((double) (inChannels + outChannels) * hp * wp + peak));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResUNetConfig c && c.inChannels == inChannels && c.outChannels == outChannels
                && Arrays.equals(c.widths, widths) && c.blocksPerLevel == blocksPerLevel;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * inChannels + outChannels) + Arrays.hashCode(widths)) + blocksPerLevel;
    }

    @Override
    public String toString() {
        return "ResUNetConfig[in=" + inChannels + ", out=" + outChannels + ", nc=" + widths[0] + "-" + widths[1]
                + "-" + widths[2] + "-" + widths[3] + ", nb=" + blocksPerLevel + "]";
    }
}
