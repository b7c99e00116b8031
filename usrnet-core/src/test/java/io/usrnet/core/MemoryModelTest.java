package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.weights.ModelConfig;
import io.usrnet.prior.ResUNetConfig;
import io.usrnet.prior.Tiling;
import org.junit.jupiter.api.Test;

/** The memory model's arithmetic and the tile choice for a budget (no restoration runs). */
class MemoryModelTest {
    private static final MemoryModel FULL = MemoryModel.of(ModelConfig.usrnet());
    private static final MemoryModel TINY = MemoryModel.of(ModelConfig.usrnetTiny());
    private static final long MB = 1 << 20;

    @Test
    void priorPassFollowsTheWidestLevel() {
        // 64×64, full widths: level 0 holds LIVE live 64-channel activations of 4096 pixels, more
        // than any coarser level with the finer skips; plus the 4-channel input and 3-channel output
        double live = ResUNetConfig.LIVE_ACTIVATIONS;
        assertThat(ResUNetConfig.USRNET.inferenceBytes(64, 64)).isEqualTo((long) Math.ceil(4 * (live * 64 * 4096 + 7 * 4096)));
        // padded to multiples of 8 first
        assertThat(ResUNetConfig.USRNET.inferenceBytes(57, 63)).isEqualTo(ResUNetConfig.USRNET.inferenceBytes(64, 64));
        // a network whose coarsest level (8×8 here) is far wider peaks there, with the finer skips alive
        ResUNetConfig wideBody = ResUNetConfig.of(4, 3, 1, 1, 1, 4096, 1);
        assertThat(wideBody.inferenceBytes(64, 64))
                .isEqualTo((long) Math.ceil(4 * (live * 4096 * 64 + 4096 + 1024 + 256 + 7 * 4096)));
        assertThatThrownBy(() -> ResUNetConfig.USRNET.inferenceBytes(0, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peakIsTheSumOfItsPartsAndGrowsWithTheTile() {
        long whole = FULL.peakBytes(256, 256, 4, 0);
        assertThat(whole).isEqualTo(FULL.runtimeBytes() + FULL.weightBytes() + FULL.imageBytes(256, 256, 4)
                + (long) Math.ceil(MemoryModel.NATIVE_FACTOR * ResUNetConfig.USRNET.inferenceBytes(1024, 1024)));
        // untiled: no tile arrays
        assertThat(FULL.weightBytes()).isEqualTo(MemoryModel.WEIGHT_COPIES * 4L * ModelConfig.usrnet().parameterCount());
        long previous = 0;
        for (int tile = Tiling.MIN_TILE; tile < 1024; tile += Tiling.ALIGN) {
            // balanced tiles: neighbouring limits can give the same tiles, hence the same estimate
            long peak = FULL.peakBytes(256, 256, 4, tile);
            assertThat(peak).isGreaterThanOrEqualTo(previous);
            previous = peak;
        }
        assertThat(FULL.peakBytes(256, 256, 4, 1016)).isGreaterThan(FULL.peakBytes(256, 256, 4, 512));
        assertThat(FULL.peakBytes(256, 256, 4, 1024)).isEqualTo(whole); // a tile covering the image is the whole image
        assertThat(FULL.peakBytes(256, 256, 4, 2048)).isEqualTo(whole);
        // a tile larger than one side only covers that side
        assertThat(FULL.peakBytes(16, 300, 4, 512)).isEqualTo(FULL.runtimeBytes() + FULL.weightBytes()
                + FULL.imageBytes(16, 300, 4) + FULL.priorBytes(64, Tiling.side(1200, 512))); // 3 tiles of 448
        // the image arrays grow with the output, and the LR arrays with the LR
        assertThat(FULL.imageBytes(512, 512, 4)).isBetween(3 * FULL.imageBytes(256, 256, 4),
                5 * FULL.imageBytes(256, 256, 4));
        assertThat(FULL.imageBytes(1024, 1024, 1)).isGreaterThan(FULL.imageBytes(256, 256, 4));
    }

    @Test
    void wholeImageWhenItFits() {
        long whole = TINY.peakBytes(128, 96, 4, 0);
        assertThat(TINY.chooseTile(128, 96, 4, whole)).isZero();
        assertThat(TINY.chooseTile(128, 96, 4, Long.MAX_VALUE)).isZero();
        assertThat(TINY.chooseTile(128, 96, 4, whole - 1)).isPositive();
    }

    @Test
    void largestFittingTileOtherwise() {
        long smallest = FULL.peakBytes(512, 384, 4, Tiling.MIN_TILE); // 2048×1536 out
        long whole = FULL.peakBytes(512, 384, 4, 0);
        int previous = 0;
        for (double f : new double[] {0, 0.05, 0.2, 0.5, 0.9, 0.999}) {
            long budget = smallest + (long) (f * (whole - smallest));
            int tile = FULL.chooseTile(512, 384, 4, budget);
            assertThat(tile).as("%.3f", f).isGreaterThanOrEqualTo(Tiling.MIN_TILE).isLessThanOrEqualTo(FULL.fastTile());
            assertThat(tile % Tiling.ALIGN).isZero();
            assertThat(FULL.peakBytes(512, 384, 4, tile)).isLessThanOrEqualTo(budget);
            if (tile < FULL.fastTile()) {
                assertThat(FULL.peakBytes(512, 384, 4, tile + Tiling.ALIGN)).isGreaterThan(budget);
            }
            assertThat(tile).isGreaterThanOrEqualTo(previous); // more memory, larger tiles
            previous = tile;
        }
        assertThat(FULL.chooseTile(512, 384, 4, smallest)).isEqualTo(Tiling.MIN_TILE);
        // with memory to spare, no larger than the fastest tiles: the widest activation (64 channels)
        // at 60 MiB, 488² for the full model, 984² for the tiny one (16 channels)
        assertThat(previous).isEqualTo(FULL.fastTile()).isEqualTo(488);
        assertThat(TINY.fastTile()).isEqualTo(984);
        assertThat(TINY.chooseTile(1024, 1024, 4, Long.MAX_VALUE)).isEqualTo(984); // 4096² out: 5 tiles of 872
        assertThat(Tiling.side(4096, 984)).isEqualTo(872);
        assertThat(TINY.chooseTile(246, 246, 4, Long.MAX_VALUE)).isZero(); // 984² out: the whole image
        assertThat(TINY.chooseTile(256, 256, 4, Long.MAX_VALUE)).isEqualTo(984); // 1024² out: 2×2 tiles of 544
    }

    @Test
    void refusesWithTheNumbersWhenEvenTheSmallestTileDoesNotFit() {
        long smallest = FULL.peakBytes(512, 384, 4, Tiling.MIN_TILE);
        assertThatThrownBy(() -> FULL.chooseTile(512, 384, 4, smallest - 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too small")
                .hasMessageContaining("2048×1536")
                .hasMessageContaining("smallest tile (64×64)")
                .hasMessageContaining(MemoryModel.formatBytes(smallest))
                .hasMessageContaining("weights " + MemoryModel.formatBytes(FULL.weightBytes()))
                .hasMessageContaining("64-128-256-512");
        // an image smaller than a tile: the whole image is the smallest choice
        assertThatThrownBy(() -> TINY.chooseTile(10, 12, 2, 1000))
                .hasMessageContaining("even the whole image needs");
        assertThatThrownBy(() -> TINY.chooseTile(10, 12, 2, 0)).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> TINY.chooseTile(0, 12, 2, MB)).hasMessageContaining("at least 1");
    }

    @Test
    void largeImages() {
        // 4096² out, tiny model: a budget of exactly the estimate at tile 512 gives the tiles of 512
        // (or a larger limit that balances to the same tiles)
        long at512 = TINY.peakBytes(1024, 1024, 4, 512);
        int chosen = TINY.chooseTile(1024, 1024, 4, at512);
        assertThat(chosen).isGreaterThanOrEqualTo(512);
        assertThat(Tiling.side(4096, chosen)).isEqualTo(Tiling.side(4096, 512));
        assertThat(TINY.peakBytes(1024, 1024, 4, chosen)).isEqualTo(at512);
        // 16384² out: the O(H·W) arrays alone are beyond a few GB, whatever the tile
        assertThatThrownBy(() -> TINY.chooseTile(4096, 4096, 4, 4L << 30)).hasMessageContaining("image arrays");
    }

    @Test
    void parsesAndFormatsSizes() {
        assertThat(MemoryModel.parseBytes("4g")).isEqualTo(4L << 30);
        assertThat(MemoryModel.parseBytes("512m")).isEqualTo(512L << 20);
        assertThat(MemoryModel.parseBytes("512M")).isEqualTo(512L << 20);
        assertThat(MemoryModel.parseBytes("1.5G")).isEqualTo(3L << 29);
        assertThat(MemoryModel.parseBytes("2GiB")).isEqualTo(2L << 30);
        assertThat(MemoryModel.parseBytes("2 GB")).isEqualTo(2L << 30);
        assertThat(MemoryModel.parseBytes("64kb")).isEqualTo(64L << 10);
        assertThat(MemoryModel.parseBytes("1t")).isEqualTo(1L << 40);
        assertThat(MemoryModel.parseBytes("123456")).isEqualTo(123456);
        assertThat(MemoryModel.parseBytes("100b")).isEqualTo(100);
        for (String bad : new String[] {"", "g", "abc", "-1g", "0", "0.1", "4x", "4ib", "1e9", "4 g b", "99999999t"}) {
            assertThatThrownBy(() -> MemoryModel.parseBytes(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> MemoryModel.parseBytes(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(MemoryModel.formatBytes(512)).isEqualTo("512 B");
        assertThat(MemoryModel.formatBytes(3L << 29)).isEqualTo("1.50 GB");
        assertThat(MemoryModel.formatBytes(300L << 20)).isEqualTo("300 MB");
        assertThat(MemoryModel.formatBytes(45L << 20)).isEqualTo("45.0 MB");
    }

    @Test
    void optionsTakeABudgetOrATileNotBoth() {
        RestoreOptions o = RestoreOptions.builder().maxMemoryBytes(2L << 30).build();
        assertThat(o.maxMemoryBytes()).isEqualTo(2L << 30);
        assertThat(o.tileSize()).isZero();
        assertThat(o.toBuilder().iterations(2).build().maxMemoryBytes()).isEqualTo(2L << 30);
        assertThat(RestoreOptions.defaults().maxMemoryBytes()).isZero();
        assertThatThrownBy(() -> RestoreOptions.builder().tileSize(256).maxMemoryBytes(1L << 30).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alternatives");
        assertThatThrownBy(() -> RestoreOptions.builder().maxMemoryBytes(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
