package io.usrnet.prior;

import java.util.Map;

/**
 * The ResUNet in plain Java, in double precision, straight from its definition (PROTOCOL §6.5): an
 * independent reference for the engine path, usable for any configuration and size. Slow (direct
 * convolution loops); meant for small test images.
 */
final class ReferenceResUNet {
    private final Map<String, float[]> p;
    private final ResUNetConfig config;

    ReferenceResUNet(ResUNetConfig config, Map<String, float[]> parameters) {
        this.config = config;
        this.p = parameters;
    }

    /** Convolution without bias, zero padding {@code pad}, weights {@code [cout, cin, k, k]}. */
    static double[] conv(double[] x, int cin, int h, int w, float[] wt, int cout, int k, int stride, int pad) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        double[] y = new double[cout * ho * wo];
        for (int o = 0; o < cout; o++) {
            for (int c = 0; c < cin; c++) {
                for (int u = 0; u < k; u++) {
                    for (int v = 0; v < k; v++) {
                        double weight = wt[((o * cin + c) * k + u) * k + v];
                        for (int i = 0; i < ho; i++) {
                            int ii = i * stride + u - pad;
                            if (ii < 0 || ii >= h) {
                                continue;
                            }
                            for (int j = 0; j < wo; j++) {
                                int jj = j * stride + v - pad;
                                if (jj >= 0 && jj < w) {
                                    y[(o * ho + i) * wo + j] += weight * x[(c * h + ii) * w + jj];
                                }
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Transposed 2×2 stride-2 convolution, weights {@code [cin, cout, 2, 2]}. */
    static double[] convTranspose(double[] x, int cin, int h, int w, float[] wt, int cout) {
        double[] y = new double[cout * 4 * h * w];
        for (int c = 0; c < cin; c++) {
            for (int o = 0; o < cout; o++) {
                for (int a = 0; a < 2; a++) {
                    for (int b = 0; b < 2; b++) {
                        double weight = wt[((c * cout + o) * 2 + a) * 2 + b];
                        for (int i = 0; i < h; i++) {
                            for (int j = 0; j < w; j++) {
                                y[(o * 2 * h + 2 * i + a) * 2 * w + 2 * j + b] += weight * x[(c * h + i) * w + j];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    private double[] resBlock(String name, double[] x, int c, int h, int w) {
        double[] a = conv(x, c, h, w, p.get(name + ".res.0.weight"), c, 3, 1, 1);
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(0, a[i]);
        }
        double[] b = conv(a, c, h, w, p.get(name + ".res.2.weight"), c, 3, 1, 1);
        for (int i = 0; i < b.length; i++) {
            b[i] += x[i];
        }
        return b;
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    /**
     * The network on {@code [image, β·1]}.
     *
     * @param image planar {@code imageChannels × h × w}
     * @return planar {@code outChannels × h × w}
     */
    double[] denoise(float[] image, int h, int w, double beta) {
        int nb = config.blocksPerLevel();
        int[] nc = config.widths();
        int hp = (h + 7) / 8 * 8;
        int wp = (w + 7) / 8 * 8;
        int cin = config.inChannels();
        double[] x = new double[cin * hp * wp];
        for (int c = 0; c < cin; c++) {
            for (int i = 0; i < hp; i++) {
                for (int j = 0; j < wp; j++) {
                    x[(c * hp + i) * wp + j] = c == cin - 1 ? beta
                            : image[(c * h + Math.min(i, h - 1)) * w + Math.min(j, w - 1)];
                }
            }
        }
        double[][] skip = new double[4][];
        skip[0] = conv(x, cin, hp, wp, p.get("m_head.weight"), nc[0], 3, 1, 1);
        double[] cur = skip[0];
        for (int level = 1; level <= 3; level++) {
            int c = nc[level - 1];
            int lh = hp >> (level - 1);
            int lw = wp >> (level - 1);
            for (int b = 0; b < nb; b++) {
                cur = resBlock(ResUNetConfig.stage("m_down" + level, b, nb + 1), cur, c, lh, lw);
            }
            cur = conv(cur, c, lh, lw, p.get(ResUNetConfig.stage("m_down" + level, nb, nb + 1) + ".weight"),
                    nc[level], 2, 2, 0);
            skip[level] = cur;
        }
        for (int b = 0; b < nb; b++) {
            cur = resBlock(ResUNetConfig.stage("m_body", b, nb), cur, nc[3], hp >> 3, wp >> 3);
        }
        for (int level = 3; level >= 1; level--) {
            int lh = hp >> level;
            int lw = wp >> level;
            cur = convTranspose(sum(cur, skip[level]), nc[level], lh, lw,
                    p.get(ResUNetConfig.stage("m_up" + level, 0, nb + 1) + ".weight"), nc[level - 1]);
            for (int b = 1; b <= nb; b++) {
                cur = resBlock(ResUNetConfig.stage("m_up" + level, b, nb + 1), cur, nc[level - 1], 2 * lh, 2 * lw);
            }
        }
        int cout = config.outChannels();
        double[] full = conv(sum(cur, skip[0]), nc[0], hp, wp, p.get("m_tail.weight"), cout, 3, 1, 1);
        double[] out = new double[cout * h * w];
        for (int c = 0; c < cout; c++) {
            for (int i = 0; i < h; i++) {
                System.arraycopy(full, (c * hp + i) * wp, out, (c * h + i) * w, w);
            }
        }
        return out;
    }
}
