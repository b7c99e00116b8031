package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KernelTest {
    @Test
    void zeroSumKernelsAreNoBlur() {
        Kernel gradient = Kernel.of(new double[][] {{0, 1, 0}, {0, -1, 0}});
        assertThat(gradient.sumsToZero()).isTrue();
        assertThatThrownBy(gradient::requireBlur).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2×3 kernel sums to 0.0").hasMessageContaining("must not sum to zero");
        assertThatThrownBy(gradient::normalized).hasMessageContaining("sums to zero");

        Kernel bicubicLike = Kernel.of(new double[][] {{-0.1, 0.6, -0.1}, {0.1, 0.4, 0.1}});
        assertThat(bicubicLike.sumsToZero()).isFalse();
        assertThat(bicubicLike.requireBlur()).isSameAs(bicubicLike);
        assertThat(bicubicLike.normalized().sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void sumsToOneWithinTheTolerance() {
        assertThat(Kernel.delta().sumsToOne()).isTrue();
        assertThat(Kernel.of(new double[][] {{0.5, 0.4999}}).sumsToOne()).isTrue(); // 0.9999
        assertThat(Kernel.of(new double[][] {{0.5, 0.501}}).sumsToOne()).isTrue(); // 1.001, on the bound
        assertThat(Kernel.of(new double[][] {{0.5, 0.5011}}).sumsToOne()).isFalse(); // 1.0011
        assertThat(Kernel.of(new double[][] {{0.5, 0.4989}}).sumsToOne()).isFalse(); // 0.9989
        assertThat(Kernel.of(new double[][] {{1, 1.5}}).sumsToOne()).isFalse();
        assertThat(Kernel.of(new double[][] {{1, 1.5}}).normalized().sumsToOne()).isTrue();
    }

    @Test
    void rejectsNonFiniteAndRaggedTaps() {
        assertThatThrownBy(() -> Kernel.of(1, 2, new double[] {0.5, Double.NaN}))
                .hasMessageContaining("NaN or infinite");
        assertThatThrownBy(() -> Kernel.of(new double[][] {{1, 2}, {3}})).hasMessageContaining("rows differ");
        assertThatThrownBy(() -> Kernel.of(0, 3, new double[0])).hasMessageContaining("must be positive");
    }

    @Test
    void centroidOfAnOffCentreKernel() {
        Kernel k = Kernel.of(new double[][] {{0, 0, 0}, {0, 0, 3}, {0, 0, 1}});
        assertThat(k.centroid()).containsExactly(1.25, 2.0);
    }

    @Test
    void periodicGridPutsTheCentreTapAtTheOriginAndWrapsTheRest() {
        // 2×3 kernel, centre tap (1, 1): tap (u, v) lands at ((u − 1) mod 4, (v − 1) mod 5)
        Kernel k = Kernel.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        double[] g = k.toPeriodicGrid(4, 5);
        double[] expected = new double[20];
        expected[0] = 5;                 // (1, 1) → (0, 0)
        expected[1] = 6;                 // (1, 2) → (0, 1)
        expected[4] = 4;                 // (1, 0) → (0, 4)
        expected[3 * 5] = 2;             // (0, 1) → (3, 0)
        expected[3 * 5 + 1] = 3;         // (0, 2) → (3, 1)
        expected[3 * 5 + 4] = 1;         // (0, 0) → (3, 4)
        assertThat(g).containsExactly(expected);
        assertThat(Kernel.delta().toPeriodicGrid(2, 3)).containsExactly(1, 0, 0, 0, 0, 0);
        // a kernel larger than the grid wraps around and adds up: every tap is kept
        double[] small = Kernels.gaussian(7, 2.0).toPeriodicGrid(3, 2);
        assertThat(java.util.Arrays.stream(small).sum()).isCloseTo(Kernels.gaussian(7, 2.0).sum(),
                org.assertj.core.data.Offset.offset(1e-15));
        assertThatThrownBy(() -> k.toPeriodicGrid(0, 5)).hasMessageContaining("grid height");
    }
}
