package io.usrnet.prior;

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
     * The side of the tiles along an axis of {@code length} for tiles of at most {@code tile}
     * pixels: {@code length} itself when one tile covers it, else the smallest side (a multiple of
     * {@link #ALIGN}) with which as few tiles as possible cover the axis, neighbours overlapping by at
     * least {@link #overlap(int) overlap(tile)}. Balancing the tiles this way computes little more
     * than the overlaps twice, instead of up to a whole tile: a 2048-pixel axis in tiles of at most
     * 1024 is 3 tiles of 728, not 3 of 1024 (1.17× the untiled work in 2D instead of 2.25×).
     *
     * @param length the axis length, at least 1
     * @param tile the largest tile side, at least {@link #MIN_TILE} and a multiple of {@link #ALIGN}
     * @return the tile side, at most {@code tile} (and at most {@code length})
     */
    public static int side(int length, int tile) {
        return layout(length, tile)[1];
    }

    /** Tiles along an axis of {@code length} for tiles of at most {@code tile} pixels (see {@link #side}). */
    public static int count(int length, int tile) {
        return layout(length, tile)[0];
    }

    /**
     * Tile origins along one axis for tiles of at most {@code tile}: {@link #count} tiles of side
     * {@link #side}, spread evenly, each starting on a multiple of {@link #ALIGN}, the last one ending
     * at {@code length} (it may be up to 7 px shorter than the others); a single origin 0 when one
     * tile covers the axis. Neighbours overlap by at least {@link #overlap(int) overlap(tile)}.
     */
    static int[] origins(int length, int tile) {
        int[] layout = layout(length, tile);
        return layout[0] == 1 ? new int[] {0} : place(length, layout[0], layout[1]);
    }

    /**
     * {count, side}: the fewest tiles, then the smallest aligned side, whose {@link #place placement}
     * keeps every overlap at least overlap(tile). The exact side (length + (n−1)·overlap)/n rounded up
     * to a multiple of 8 almost always works; aligning the origins can take a step or two more.
     */
    private static int[] layout(int length, int tile) {
        if (length <= tile) {
            return new int[] {1, length};
        }
        int v = overlap(tile);
        for (int n = (length - v + (tile - v) - 1) / (tile - v); ; n++) {
            long perTile = (long) n * ALIGN; // the exact side, rounded up to the grid
            int first = (int) (((long) length + (long) (n - 1) * v + perTile - 1) / perTile) * ALIGN;
            for (int t = first; t <= tile; t += ALIGN) {
                int[] o = place(length, n, t);
                boolean ok = true;
                for (int i = 1; i < n && ok; i++) {
                    ok = o[i] - o[i - 1] <= t - v && o[i] > o[i - 1];
                }
                if (ok) {
                    return new int[] {n, t};
                }
            }
        }
    }

    /** n origins for tiles of side t: evenly spread, rounded down to the grid, the last ending at length. */
    private static int[] place(int length, int n, int t) {
        int[] out = new int[n];
        for (int i = 1; i < n - 1; i++) {
            out[i] = (int) ((long) i * (length - t) / (n - 1)) / ALIGN * ALIGN;
        }
        out[n - 1] = (length - t + ALIGN - 1) / ALIGN * ALIGN;
        return out;
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
