package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The degradation value type: validated once, immutable, applied as blur, decimation and noise. */
class DegradationTest {
    private static final Kernel K = Kernels.gaussian(7, 1.3);

    @Test
    void isValidatedWhenBuilt() {
        assertThatThrownBy(() -> Degradation.of(null, 2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kernel");
        assertThatThrownBy(() -> Degradation.of(K, 0, 0)).hasMessageContaining("scale").hasMessageContaining("got 0");
        assertThatThrownBy(() -> Degradation.of(K, 2, -1)).hasMessageContaining("sigma").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> Degradation.of(K, 2, Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Degradation.of(K, 2, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Degradation.builder().kernel(K).boundary(null).build())
                .isInstanceOf(NullPointerException.class);
        assertThat(Degradation.builder().kernel(K).build()).isEqualTo(Degradation.of(K, 1, 0));
    }

    @Test
    void toBuilderDerivesWithoutChangingTheOriginal() {
        Degradation d = Degradation.of(K, 3, 2.55);
        Degradation smooth = d.toBuilder().boundary(Boundary.SMOOTH).build();
        assertThat(d.boundary()).isEqualTo(Boundary.PERIODIC);
        assertThat(smooth.boundary()).isEqualTo(Boundary.SMOOTH);
        assertThat(smooth.kernel()).isSameAs(K);
        assertThat(smooth.scale()).isEqualTo(3);
        assertThat(smooth.sigma()).isEqualTo(2.55);
        assertThat(smooth).isNotEqualTo(d).isEqualTo(d.toBuilder().boundary(Boundary.SMOOTH).build());
        assertThat(smooth.hashCode()).isEqualTo(d.toBuilder().boundary(Boundary.SMOOTH).build().hashCode());
        assertThat(d.toString()).contains("7×7", "scale 3", "2.55", "periodic");
    }

    @Test
    void applyIsBlurThenDecimationThenNoise() {
        Image x = Fixtures.random(3, 24, 24, 3);
        Image expected = Degradations.addGaussianNoise(Degradations.decimate(Degradations.blur(x, K), 3), 2.55, 9);
        assertThat(Degradation.of(K, 3, 2.55).apply(x, 9)).isEqualTo(expected);
        Image reflect = Degradations.decimate(Degradations.blurReflect(x, K), 2);
        assertThat(Degradation.builder().kernel(K).scale(2).boundary(Boundary.SMOOTH).build().apply(x, 1))
                .isEqualTo(reflect);
        assertThat(Degradation.of(K, 2, 0).apply(x, 1)).as("σ = 0 adds no noise, whatever the seed")
                .isEqualTo(Degradation.of(K, 2, 0).apply(x, 2));
    }
}
