package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.data.Boundary;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.data.PeriodicExtension;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link RestoreOptions.Builder#maxMemoryBytes} and {@link RestoreOptions.Builder#progress} on a real restorer. */
class RestorerBudgetTest {
    private static Restorer restorer;
    private static final Kernel K = Kernels.gaussian(9, 1.2);

    @BeforeAll
    static void load() throws IOException {
        restorer = Restorer.builder()
                .weights(TestData.TINY_WEIGHTS).build();
    }

    @AfterAll
    static void close() {
        restorer.close();
    }

    private static Image random(int h, int w) {
        SplittableRandom r = new SplittableRandom(5);
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Image.wrap(3, h, w, v);
    }

    @Test
    void aBudgetTilesExactlyAsTheTileItChooses() {
        Image lr = random(40, 36); // 80×72 out at ×2
        MemoryModel model = restorer.memoryModel();
        long budget = model.peakBytes(40, 36, 2, 64);
        RestoreOptions byBudget = RestoreOptions.builder().iterations(2).maxMemoryBytes(budget).build();
        assertThat(restorer.tileSize(40, 36, Degradation.of(K, 2, 2.55), byBudget)).isEqualTo(64);
        Image a = restorer.restore(lr, Degradation.of(K, 2, 2.55), byBudget);
        Image b = restorer.restore(lr, Degradation.of(K, 2, 2.55), RestoreOptions.builder().iterations(2).tileSize(64).build());
        assertThat(a.maxAbsDifference(b)).isZero();
        // a budget the whole image fits in: untiled, as without a budget
        RestoreOptions roomy = RestoreOptions.builder().iterations(2).maxMemoryBytes(1L << 40).build();
        assertThat(restorer.tileSize(40, 36, Degradation.of(K, 2, 2.55), roomy)).isZero();
        assertThat(restorer.restore(lr, Degradation.of(K, 2, 2.55), roomy)
                .maxAbsDifference(restorer.restore(lr, Degradation.of(K, 2, 2.55), RestoreOptions.builder().iterations(2).build())))
                .isZero();
    }

    @Test
    void smoothBoundaryBudgetsTheExtendedImage() {
        Degradation smooth = Degradation.builder().kernel(K).scale(3).boundary(Boundary.SMOOTH).build();
        RestoreOptions o = RestoreOptions.builder().maxMemoryBytes(1L << 30).build();
        int hp = (PeriodicExtension.paddedHr(100, 3) + 2) / 3;
        int wp = (PeriodicExtension.paddedHr(70, 3) + 2) / 3;
        assertThat(restorer.tileSize(100, 70, smooth, o))
                .isEqualTo(restorer.memoryModel().chooseTile(hp, wp, 3, 1L << 30));
        RestoreOptions tiled = RestoreOptions.builder().tileSize(128).build();
        assertThat(restorer.tileSize(100, 70, smooth, tiled)).isEqualTo(128);
    }

    @Test
    void aTooSmallBudgetFailsBeforeAnyIteration() {
        List<Integer> seen = new ArrayList<>();
        RestoreOptions o = RestoreOptions.builder().maxMemoryBytes(1 << 20).progress((i, n) -> seen.add(i)).build();
        assertThatThrownBy(() -> restorer.restore(random(20, 20), Degradation.of(K, 2, 0), o))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("memory budget of 1.00 MB");
        assertThat(seen).isEmpty();
    }

    @Test
    void progressCountsTheIterationsWithoutImages() {
        List<String> seen = new ArrayList<>();
        List<Integer> listened = new ArrayList<>();
        RestoreOptions o = RestoreOptions.builder().iterations(3).progress((i, n) -> seen.add(i + "/" + n))
                .listener(it -> listened.add(it.index())).build();
        restorer.restore(random(12, 10), Degradation.of(K, 2, 2.55), o);
        assertThat(seen).containsExactly("1/3", "2/3", "3/3");
        assertThat(listened).containsExactly(1, 2, 3);
        assertThat(o.toBuilder().iterations(2).build().progress()).isPresent();
    }
}
