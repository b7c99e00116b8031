package io.usrnet.prior;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@link ResUNet#denoiseTiled} cuts an image into overlapping tiles and blends them back.
 *
 * <p><b>Alignment.</b> The ResUNet downsamples three times by 2, so its grid has period 8: every tile
 * starts at a multiple of 8, and a tile that reaches the bottom/right edge of the image ends there
 * (the network's own replicate padding to a multiple of 8 is then the same as in the untiled run). In
 * the interior of a tile the network thus computes exactly what it computes on the whole image, up to
 * the influence of the tile's border (zero padding of the 3×3 convolutions instead of real pixels).
 *
 * <p><b>Overlap.</b> The theoretical receptive radius with {@code nb} residual blocks per level is
 * {@code 2 + 2nb·(1+2+4+8) + 2nb·(4+2+1) + (1+2+4) = 2 + 44nb + 7} pixels — 97 for nb = 2 — but the
 * effective radius, where the influence of a border has fallen below 1/255, is much smaller. Measured
 * with the tiny and the full configuration (random weights): with a margin of 16 px on each side the
 * max abs difference to the untiled prior is ~1e-2, with 32 px ~1e-3 (see the README, "Speed").
 * Neighbouring tiles overlap by {@link #OVERLAP} = 64 px (capped at a quarter of the tile for small
 * tiles, still a multiple of 8).
 *
 * <p><b>Seams.</b> Each output pixel is taken from the tile whose inner edges are farthest from it:
 * a tile discards {@code overlap/2} pixels next to each inner edge (image borders are not tile
 * borders and keep everything), i.e. neighbours meet in the middle of their overlap and each keeps a
 * margin of ≥ 32 px of real context. Measured (random weights, max abs error against the untiled
 * prior): with a 64 px overlap this crop is 2× better than discarding 16 px and cross-fading
 * linearly over the middle 32 px, and 75–160× better than a linear cross-fade over the whole overlap
 * (which mixes in the tile edges' errors); the figures are in the README, "Speed".
 */
public final class Tiling {
    /** Smallest tile side accepted. */
    public static final int MIN_TILE = 64;
    /** The network's grid period (three 2× downsamplings): tile sides and origins are multiples of it. */
    public static final int ALIGN = 8;
    /** Overlap of neighbouring tiles for tiles of at least {@code 4·OVERLAP}. */
    public static final int OVERLAP = 64;

    private Tiling() {
    }

    /**
     * Checks a tile size: 0 (no tiling) or at least {@link #MIN_TILE} and a multiple of {@link #ALIGN}.
     *
     * @param tile the tile side in pixels
     * @return {@code tile}
     * @throws IllegalArgumentException otherwise, saying why
     */
    public static int requireTileSize(int tile) {
        if (tile != 0 && (tile < MIN_TILE || tile % ALIGN != 0)) {
            throw new IllegalArgumentException("tile size must be 0 (whole image) or at least " + MIN_TILE
                    + " and a multiple of " + ALIGN + " (the network's downsampling grid), got " + tile);
        }
        return tile;
    }

    /**
     * The overlap used for tiles of side {@code tile}: {@link #OVERLAP}, or a quarter of the tile
     * rounded down to a multiple of 8 for small tiles.
     */
    public static int overlap(int tile) {
        return Math.min(OVERLAP, tile / 4 / ALIGN * ALIGN);
    }

    /**
     * Tile origins along one axis: multiples of 8, stride {@code tile − overlap(tile)}, the last
     * tile ending at {@code length}; a single origin 0 when the tile covers the axis.
     */
    static int[] origins(int length, int tile) {
        List<Integer> out = new ArrayList<>();
        int stride = tile - overlap(tile);
        int o = 0;
        for (; o + tile < length; o += stride) {
            out.add(o);
        }
        int last = Math.max(0, (length - tile + ALIGN - 1) / ALIGN * ALIGN);
        if (out.isEmpty() || last > out.get(out.size() - 1)) {
            out.add(last);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Weights along one axis for the tile {@code [start, end)} of an axis of {@code length}: 0 for
     * the {@code overlap/2} pixels next to an inner edge, 1 elsewhere (and at image borders).
     */
    static float[] weights(int start, int end, int length, int overlap) {
        int half = overlap / 2;
        float[] w = new float[end - start];
        for (int i = 0; i < w.length; i++) {
            double d = Double.POSITIVE_INFINITY;
            if (start > 0) {
                d = i;
            }
            if (end < length) {
                d = Math.min(d, w.length - 1 - i);
            }
            w[i] = d >= half ? 1 : 0;
        }
        return w;
    }
}
