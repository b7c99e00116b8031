package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

    @Test
    void engineStartsOffline() {
        assertThat(DjlRuntime.engine().getEngineName()).isEqualTo("PyTorch");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void missingEngineGivesAnExplanation() {
        assertThatThrownBy(() -> DjlRuntime.engine("NoSuchEngine"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start DJL's NoSuchEngine engine")
                .hasMessageContaining("pytorch-native-cpu");
    }
}
