package io.usrnet.core.weights;

import io.usrnet.prior.ResUNetConfig;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The architecture of a USRNet model (PROTOCOL.md §6): the number of unfolded iterations n, the
 * hyper-network width {@code h_nc}, the ResUNet's input and output channels, its four channel
 * widths {@code nc} and its number of residual blocks per level {@code nb}. Immutable.
 *
 * <p>A configuration determines the exact set of tensors of the model's state_dict and their
 * shapes ({@link #tensorShapes()}); {@link #of(StateDict)} reads it from a file's metadata or
 * infers it from the tensor shapes, then {@linkplain #validate(StateDict) validates} the tensors.
 */
public final class ModelConfig {
    /** Metadata key of the format marker (value {@value #FORMAT}). */
    public static final String KEY_FORMAT = "format";
    /** Metadata key of the number of iterations n. */
    public static final String KEY_ITERATIONS = "n_iter";
    /** Metadata key of the hyper-network width. */
    public static final String KEY_HYPER_WIDTH = "h_nc";
    /** Metadata key of the ResUNet input channels. */
    public static final String KEY_IN_CHANNELS = "in_nc";
    /** Metadata key of the ResUNet output channels. */
    public static final String KEY_OUT_CHANNELS = "out_nc";
    /** Metadata key of the four ResUNet widths, comma-separated. */
    public static final String KEY_WIDTHS = "nc";
    /** Metadata key of the residual blocks per level. */
    public static final String KEY_BLOCKS = "nb";
    /** The value of {@link #KEY_FORMAT} written by {@link #toMetadata()}. */
    public static final String FORMAT = "usrnet";

    private static final List<String> CONFIG_KEYS = List.of(KEY_ITERATIONS, KEY_HYPER_WIDTH, KEY_IN_CHANNELS,
            KEY_OUT_CHANNELS, KEY_WIDTHS, KEY_BLOCKS);

    private final int iterations;
    private final int hyperWidth;
    private final int inChannels;
    private final int outChannels;
    private final int[] widths;
    private final int blocks;

    private ModelConfig(int iterations, int hyperWidth, int inChannels, int outChannels, int[] widths, int blocks) {
        this.iterations = positive("iterations (n_iter)", iterations);
        this.hyperWidth = positive("hyper-network width (h_nc)", hyperWidth);
        this.inChannels = positive("input channels (in_nc)", inChannels);
        this.outChannels = positive("output channels (out_nc)", outChannels);
        this.blocks = positive("blocks per level (nb)", blocks);
        if (widths == null || widths.length != 4) {
            throw new IllegalArgumentException("the ResUNet needs 4 widths (nc), got "
                    + (widths == null ? "none" : Arrays.toString(widths)));
        }
        for (int w : widths) {
            positive("ResUNet width (nc)", w);
        }
        this.widths = widths.clone();
    }

    private static int positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
        return v;
    }

    /**
     * A configuration from its values.
     *
     * @param iterations  n, the number of unfolded iterations
     * @param hyperWidth  {@code h_nc}, the hyper-network's hidden width
     * @param inChannels  {@code in_nc}, the ResUNet's input channels (image channels + 1 noise map)
     * @param outChannels {@code out_nc}, the ResUNet's output channels
     * @param widths      {@code nc}, the four ResUNet widths (copied)
     * @param blocks      {@code nb}, residual blocks per ResUNet level
     * @throws IllegalArgumentException if a value is not positive or there are not 4 widths
     */
    public static ModelConfig of(int iterations, int hyperWidth, int inChannels, int outChannels, int[] widths,
            int blocks) {
        return new ModelConfig(iterations, hyperWidth, inChannels, outChannels, widths, blocks);
    }

    /** The published USRNet / USRGAN configuration: n = 8, h_nc = 64, nc = 64,128,256,512, nb = 2. */
    public static ModelConfig usrnet() {
        return of(8, 64, 4, 3, new int[] {64, 128, 256, 512}, 2);
    }

    /** The published USRNet-tiny configuration: n = 6, h_nc = 32, nc = 16,32,64,64, nb = 2. */
    public static ModelConfig usrnetTiny() {
        return of(6, 32, 4, 3, new int[] {16, 32, 64, 64}, 2);
    }

    /**
     * The configuration of a state_dict, validated against its tensors. If the metadata holds all
     * of {@code n_iter, h_nc, in_nc, out_nc, nc, nb}, they define the configuration; otherwise it is
     * inferred from the tensor shapes (and any of those keys that is present must agree). Then
     * every tensor is checked, as by {@link #validate(StateDict)}.
     *
     * @throws IllegalArgumentException if the metadata is malformed or contradicts the tensors, the
     *                                  configuration cannot be inferred, or a tensor is missing, has
     *                                  the wrong shape or is not part of the model (the message names
     *                                  the tensor and both shapes)
     */
    public static ModelConfig of(StateDict dict) {
        Map<String, String> meta = dict.metadata();
        ModelConfig config;
        if (CONFIG_KEYS.stream().allMatch(meta::containsKey)) {
            config = fromMetadata(meta);
        } else {
            config = inferFrom(dict);
            Map<String, String> implied = config.toMetadata();
            for (String key : CONFIG_KEYS) {
                if (meta.containsKey(key) && !normalized(key, meta.get(key)).equals(implied.get(key))) {
                    throw new IllegalArgumentException("metadata " + key + "=" + meta.get(key)
                            + " contradicts the tensors, which imply " + key + "=" + implied.get(key));
                }
            }
        }
        config.validate(dict);
        return config;
    }

    /**
     * The configuration stated by metadata keys {@code n_iter, h_nc, in_nc, out_nc, nc, nb} (as
     * written by {@link #toMetadata()}); the tensors are not looked at.
     *
     * @throws IllegalArgumentException if a key is missing or its value malformed
     */
    public static ModelConfig fromMetadata(Map<String, String> meta) {
        int[] nc = parseInts(KEY_WIDTHS, meta.get(KEY_WIDTHS));
        if (nc.length != 4) {
            throw new IllegalArgumentException("metadata " + KEY_WIDTHS + "='" + meta.get(KEY_WIDTHS)
                    + "' must hold 4 comma-separated widths");
        }
        return of(parseInt(meta, KEY_ITERATIONS), parseInt(meta, KEY_HYPER_WIDTH), parseInt(meta, KEY_IN_CHANNELS),
                parseInt(meta, KEY_OUT_CHANNELS), nc, parseInt(meta, KEY_BLOCKS));
    }

    private static int parseInt(Map<String, String> meta, String key) {
        int[] v = parseInts(key, meta.get(key));
        if (v.length != 1) {
            throw new IllegalArgumentException("metadata " + key + "='" + meta.get(key) + "' must be one integer");
        }
        return v[0];
    }

    private static int[] parseInts(String key, String value) {
        if (value == null) {
            throw new IllegalArgumentException("metadata lacks the key " + key);
        }
        String[] parts = value.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("metadata " + key + "='" + value + "' is not "
                        + (parts.length == 1 ? "an integer" : "a list of integers"));
            }
        }
        return out;
    }

    private static String normalized(String key, String value) {
        int[] v = parseInts(key, value);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }

    /**
     * Infers the configuration from tensor shapes alone: n from the rows of {@code h.mlp.4.weight}
     * (2n), {@code h_nc} from {@code h.mlp.0.weight}, {@code nc[0]} and {@code in_nc} from
     * {@code p.m_head.weight}, {@code nb} from the number of {@code p.m_down1.<i>.res} blocks, the
     * other widths from the stride convolutions {@code p.m_down<l>.<nb>.weight}, and {@code out_nc}
     * from {@code p.m_tail.weight}. The tensors are not otherwise validated.
     *
     * @throws IllegalArgumentException if a tensor needed for the inference is missing or of the
     *                                  wrong rank
     */
    public static ModelConfig inferFrom(StateDict dict) {
        int hyperWidth = dim(dict, "h.mlp.0.weight", 4, 0);
        int outputs = dim(dict, "h.mlp.4.weight", 4, 0);
        if (outputs % 2 != 0) {
            throw new IllegalArgumentException("cannot infer the configuration: h.mlp.4.weight has " + outputs
                    + " rows, expected 2 × iterations (an even number)");
        }
        int nc0 = dim(dict, "p.m_head.weight", 4, 0);
        int in = dim(dict, "p.m_head.weight", 4, 1);
        int nb = 0;
        while (dict.get(resBlock("p.m_down1", nb, false) + ".res.0.weight") != null) {
            nb++;
        }
        if (nb == 0) {
            throw new IllegalArgumentException("cannot infer the configuration: tensor 'p.m_down1.0.res.0.weight'"
                    + " is missing");
        }
        int[] nc = {nc0, 0, 0, 0};
        for (int level = 1; level <= 3; level++) {
            nc[level] = dim(dict, "p.m_down" + level + "." + nb + ".weight", 4, 0);
        }
        int out = dim(dict, "p.m_tail.weight", 4, 0);
        try {
            return of(outputs / 2, hyperWidth, in, out, nc, nb);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot infer the configuration: " + e.getMessage(), e);
        }
    }

    private static int dim(StateDict dict, String name, int rank, int axis) {
        Tensor t = dict.get(name);
        if (t == null) {
            throw new IllegalArgumentException("cannot infer the configuration: tensor '" + name + "' is missing");
        }
        if (t.rank() != rank) {
            throw new IllegalArgumentException("cannot infer the configuration: tensor '" + name + "' has shape "
                    + Arrays.toString(t.shape()) + ", expected " + rank + " dimensions");
        }
        return t.dim(axis);
    }

    /**
     * The name prefix of residual block {@code i} of a sequential ResUNet stage. The reference's
     * {@code sequential()} returns a lone module unwrapped, so with nb = 1 the body's single block
     * is {@code p.m_body} itself rather than {@code p.m_body.0}; the other stages always hold more
     * than one module.
     */
    private static String resBlock(String stage, int i, boolean alone) {
        return alone ? stage : stage + "." + i;
    }

    /**
     * Every tensor of a model with this configuration and its shape, in the reference's state_dict
     * order: the ResUNet ({@code p.*}: convolutions {@code [out, in, 3, 3]}, stride convolutions
     * {@code [out, in, 2, 2]}, transposed convolutions {@code [in, out, 2, 2]}, all without bias),
     * then the hyper-network ({@code h.mlp.{0,2,4}.weight [out, in, 1, 1]} and {@code .bias [out]}).
     *
     * @return a new unmodifiable map of new arrays
     */
    public Map<String, int[]> tensorShapes() {
        Map<String, int[]> m = new LinkedHashMap<>();
        priorConfig().parameterShapes().forEach((name, shape) -> m.put("p." + name, shape));
        m.put("h.mlp.0.weight", new int[] {hyperWidth, 2, 1, 1});
        m.put("h.mlp.0.bias", new int[] {hyperWidth});
        m.put("h.mlp.2.weight", new int[] {hyperWidth, hyperWidth, 1, 1});
        m.put("h.mlp.2.bias", new int[] {hyperWidth});
        m.put("h.mlp.4.weight", new int[] {2 * iterations, hyperWidth, 1, 1});
        m.put("h.mlp.4.bias", new int[] {2 * iterations});
        return Collections.unmodifiableMap(m);
    }

    /** The prior's (ResUNet's) part of this configuration. */
    public ResUNetConfig priorConfig() {
        return ResUNetConfig.of(inChannels, outChannels, widths[0], widths[1], widths[2], widths[3], blocks);
    }

    /** The number of parameters of a model with this configuration (590,332 for USRNet-tiny). */
    public long parameterCount() {
        long n = 0;
        for (int[] shape : tensorShapes().values()) {
            long size = 1;
            for (int d : shape) {
                size *= d;
            }
            n += size;
        }
        return n;
    }

    /**
     * Checks that {@code dict} holds exactly the tensors of {@link #tensorShapes()} with exactly
     * those shapes. The metadata is not looked at.
     *
     * @throws IllegalArgumentException at the first missing or wrongly shaped tensor (naming it, the
     *                                  expected and the found shape) or for a tensor that does not
     *                                  belong to the model (extra tensors are refused rather than
     *                                  ignored: they mean the file is not the model it claims to be)
     */
    public void validate(StateDict dict) {
        Map<String, int[]> expected = tensorShapes();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = dict.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is missing (expected shape "
                        + Arrays.toString(e.getValue()) + " for " + this + ")");
            }
            if (!t.hasShape(e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(e.getValue())
                        + " for " + this);
            }
        }
        for (String name : dict.names()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + name + "' (shape "
                        + Arrays.toString(dict.get(name).shape()) + "): not part of a USRNet with " + this);
            }
        }
    }

    /** The metadata that describes this configuration: format, n_iter, h_nc, in_nc, out_nc, nc, nb. */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(KEY_FORMAT, FORMAT);
        m.put(KEY_ITERATIONS, Integer.toString(iterations));
        m.put(KEY_HYPER_WIDTH, Integer.toString(hyperWidth));
        m.put(KEY_IN_CHANNELS, Integer.toString(inChannels));
        m.put(KEY_OUT_CHANNELS, Integer.toString(outChannels));
        m.put(KEY_WIDTHS, widths[0] + "," + widths[1] + "," + widths[2] + "," + widths[3]);
        m.put(KEY_BLOCKS, Integer.toString(blocks));
        return Collections.unmodifiableMap(m);
    }

    /** n, the number of unfolded iterations. */
    public int iterations() {
        return iterations;
    }

    /** {@code h_nc}, the hidden width of the hyper-network. */
    public int hyperWidth() {
        return hyperWidth;
    }

    /** {@code in_nc}, the ResUNet's input channels (the image's plus the noise-level map). */
    public int inChannels() {
        return inChannels;
    }

    /** {@code out_nc}, the ResUNet's output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** {@code nc}, the four ResUNet widths (a copy). */
    public int[] widths() {
        return widths.clone();
    }

    /** {@code nc[level]}, the ResUNet width at level 0..3. */
    public int width(int level) {
        return widths[level];
    }

    /** {@code nb}, the residual blocks per ResUNet level. */
    public int blocks() {
        return blocks;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && iterations == c.iterations && hyperWidth == c.hyperWidth
                && inChannels == c.inChannels && outChannels == c.outChannels && blocks == c.blocks
                && Arrays.equals(widths, c.widths);
    }

    @Override
    public int hashCode() {
        return ((((iterations * 31 + hyperWidth) * 31 + inChannels) * 31 + outChannels) * 31 + blocks) * 31
                + Arrays.hashCode(widths);
    }

    @Override
    public String toString() {
        return "ModelConfig[n_iter=" + iterations + ", h_nc=" + hyperWidth + ", in_nc=" + inChannels + ", out_nc="
                + outChannels + ", nc=" + widths[0] + "," + widths[1] + "," + widths[2] + "," + widths[3]
                + ", nb=" + blocks + "]";
    }
}
