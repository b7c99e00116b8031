package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ResUNetConfigTest {

    @Test
    void publishedConfigurations() {
        assertThat(ResUNetConfig.USRNET.widths()).containsExactly(64, 128, 256, 512);
        assertThat(ResUNetConfig.USRNET.blocksPerLevel()).isEqualTo(2);
        assertThat(ResUNetConfig.USRNET.imageChannels()).isEqualTo(3);
        // PROTOCOL §6: ResUNet 17,010,624 parameters; tiny 590,332 minus its HyPaNet (1,548)
        assertThat(ResUNetConfig.USRNET.parameterCount()).isEqualTo(17_010_624L);
        assertThat(ResUNetConfig.USRNET_TINY.parameterCount()).isEqualTo(588_784L);
        assertThat(ResUNetConfig.of(4, 3, 8, 16, 24, 32, 1).parameterCount()).isEqualTo(61_854L - 422L);
        assertThat(ResUNetConfig.USRNET.macsPerPixel()).isEqualTo(1_085_376.0);
        assertThat(ResUNetConfig.USRNET_TINY.macsPerPixel()).isEqualTo(61_168.0);
    }

    @Test
    void stateDictNamesAndShapes() {
        Map<String, int[]> tiny = ResUNetConfig.USRNET_TINY.parameterShapes();
        assertThat(tiny).hasSize(36);
        assertThat(tiny.keySet()).startsWith("m_head.weight", "m_down1.0.res.0.weight")
                .contains("m_down1.2.weight", "m_body.1.res.2.weight", "m_up1.2.res.2.weight")
                .endsWith("m_tail.weight");
        assertThat(tiny.get("m_down3.2.weight")).containsExactly(64, 64, 2, 2);
        assertThat(tiny.get("m_up2.0.weight")).containsExactly(64, 32, 2, 2); // [in, out, 2, 2]
        assertThat(tiny.get("m_tail.weight")).containsExactly(3, 16, 3, 3);

        // a one-module stage is not indexed (nn.Sequential helper of the original code)
        Map<String, int[]> odd = ResUNetConfig.of(4, 3, 8, 16, 24, 32, 1).parameterShapes();
        assertThat(odd).hasSize(22).containsKeys("m_body.res.0.weight", "m_down1.1.weight", "m_up3.1.res.2.weight");
        assertThat(odd.get("m_down3.1.weight")).containsExactly(32, 24, 2, 2);

        Map<String, int[]> none = ResUNetConfig.of(4, 3, 8, 8, 8, 8, 0).parameterShapes();
        assertThat(none.keySet()).containsExactly("m_head.weight", "m_down1.weight", "m_down2.weight",
                "m_down3.weight", "m_up3.weight", "m_up2.weight", "m_up1.weight", "m_tail.weight");
    }

    @Test
    void rejectsBadValuesWithClearMessages() {
        assertThatThrownBy(() -> ResUNetConfig.of(4, 3, 16, 0, 64, 64, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nc1").hasMessageContaining("0");
        assertThatThrownBy(() -> ResUNetConfig.of(1, 3, 16, 32, 64, 64, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inChannels");
        assertThatThrownBy(() -> ResUNetConfig.of(4, 0, 16, 32, 64, 64, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outChannels");
        assertThatThrownBy(() -> ResUNetConfig.of(4, 3, 16, 32, 64, 64, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocksPerLevel");
        assertThatThrownBy(() -> ResUNetConfig.rgb(new int[] {16, 32, 64}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 channel widths");
        assertThatThrownBy(() -> ResUNetConfig.USRNET.width(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void valueSemantics() {
        ResUNetConfig a = ResUNetConfig.rgb(new int[] {16, 32, 64, 64}, 2);
        int[] widths = a.widths();
        widths[0] = 99;
        assertThat(a.width(0)).isEqualTo(16);
        assertThat(a).isEqualTo(ResUNetConfig.USRNET_TINY).hasSameHashCodeAs(ResUNetConfig.USRNET_TINY);
        assertThat(a).isNotEqualTo(ResUNetConfig.USRNET);
        assertThat(a.toString()).contains("16-32-64-64", "nb=2");
    }
}
