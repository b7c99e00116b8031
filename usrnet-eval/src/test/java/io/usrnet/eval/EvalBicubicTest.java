package io.usrnet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.data.Image;
import org.junit.jupiter.api.Test;

/** Analytic checks of the bicubic baseline. */
class EvalBicubicTest {
    @Test
    void constantImageIsReproducedExactly() {
        float[] v = new float[3 * 5 * 7];
        java.util.Arrays.fill(v, 0.37f);
        for (int s : new int[] {1, 2, 3, 4}) {
            Image up = Bicubic.upsample(Image.of(3, 5, 7, v), s);
            assertThat(up.height()).isEqualTo(5 * s);
            assertThat(up.width()).isEqualTo(7 * s);
            for (float f : up.toArray()) {
                assertThat(f).isEqualTo(0.37f);
            }
        }
    }

    @Test
    void linearRampIsReproducedAwayFromTheBorder() {
        int h = 9;
        int w = 11;
        float[] v = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                v[i * w + j] = (float) (0.1 + 0.03 * i + 0.05 * j);
            }
        }
        for (int s : new int[] {2, 3, 4}) {
            Image up = Bicubic.upsample(Image.of(1, h, w, v), s);
            // output pixel i sits at source position u = (i + 0.5)/s − 0.5; its 4 taps lie inside
            // when floor(u) − 1 ≥ 0 and floor(u) + 2 ≤ n − 1
            int checked = 0;
            for (int i = 0; i < h * s; i++) {
                double u = (i + 0.5) / s - 0.5;
                if (Math.floor(u) < 1 || Math.floor(u) + 2 > h - 1) {
                    continue;
                }
                for (int j = 0; j < w * s; j++) {
                    double t = (j + 0.5) / s - 0.5;
                    if (Math.floor(t) < 1 || Math.floor(t) + 2 > w - 1) {
                        continue;
                    }
                    assertThat(up.get(0, i, j)).isCloseTo((float) (0.1 + 0.03 * u + 0.05 * t), within(1e-6f));
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(20 * s * s);
        }
    }

    @Test
    void kernelValues() {
        assertThat(Bicubic.kernel(0)).isEqualTo(1.0);
        assertThat(Bicubic.kernel(1)).isEqualTo(0.0);
        assertThat(Bicubic.kernel(2)).isEqualTo(0.0);
        assertThat(Bicubic.kernel(0.5)).isCloseTo(0.5625, within(1e-15));
        assertThat(Bicubic.kernel(-1.5)).isCloseTo(-0.0625, within(1e-15));
        assertThatThrownBy(() -> Bicubic.upsample(Image.zeros(1, 2, 2), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
