package io.usrnet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Grey to RGB and back: {@link Image#toRgb()} and {@link Image#meanOfChannels()}. */
class ImageChannelsTest {
    @Test
    void greyBecomesThreeEqualChannelsAndRgbStaysItself() {
        Image grey = Image.of(1, 2, 3, new float[] {0, 1, 2, 3, 4, 5});
        Image rgb = grey.toRgb();
        assertThat(rgb.channels()).isEqualTo(3);
        for (int c = 0; c < 3; c++) {
            assertThat(rgb.channel(c)).isEqualTo(grey);
        }
        assertThat(rgb.toRgb()).isSameAs(rgb);
        assertThatThrownBy(() -> Image.zeros(2, 2, 2).toRgb()).hasMessageContaining("2 channels");
    }

    @Test
    void meanOfChannelsAveragesSampleBySample() {
        Image rgb = Image.of(3, 1, 2, new float[] {0, 3, 1, 4, 5, 2});
        assertThat(rgb.meanOfChannels()).isEqualTo(Image.of(1, 1, 2, new float[] {2, 3}));
        Image grey = Image.of(1, 1, 2, new float[] {0.1f, 0.7f});
        assertThat(grey.toRgb().meanOfChannels()).isEqualTo(grey);
    }
}
