package io.usrnet.hyper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScheduleTest {
    @Test
    void holdsCopies() {
        double[] a = {0.5, 0.25};
        double[] b = {0.0, 0.1};
        Schedule s = Schedule.of(a, b);
        a[0] = 9;
        s.alphas()[1] = 9;
        assertThat(s.iterations()).isEqualTo(2);
        assertThat(s.alpha(0)).isEqualTo(0.5);
        assertThat(s.alphas()).containsExactly(0.5, 0.25);
        assertThat(s.betas()).containsExactly(0.0, 0.1);
        assertThat(s.beta(1)).isEqualTo(0.1);
        assertThat(s).isEqualTo(Schedule.of(new double[] {0.5, 0.25}, new double[] {0.0, 0.1}))
                .hasSameHashCodeAs(Schedule.of(new double[] {0.5, 0.25}, new double[] {0.0, 0.1}));
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> Schedule.of(new double[] {1, 2}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("2 alphas", "1 betas");
        assertThatThrownBy(() -> Schedule.of(new double[0], new double[0]))
                .hasMessageContaining("at least one iteration");
        assertThatThrownBy(() -> Schedule.of(new double[] {1, 0}, new double[] {1, 1}))
                .hasMessageContainingAll("alpha[1]", "> 0", "got 0.0");
        assertThatThrownBy(() -> Schedule.of(new double[] {Double.NaN}, new double[] {1}))
                .hasMessageContainingAll("alpha[0]", "> 0", "NaN");
        assertThatThrownBy(() -> Schedule.of(new double[] {1}, new double[] {-0.5}))
                .hasMessageContainingAll("beta[0]", ">= 0", "-0.5");
        assertThatThrownBy(() -> Schedule.of(new double[] {1}, new double[] {Double.POSITIVE_INFINITY}))
                .hasMessageContainingAll("beta[0]", "finite", "Infinity");
        assertThatThrownBy(() -> Schedule.of(null, new double[] {1}))
                .hasMessageContainingAll("null alphas", "non-null betas");
    }
}
