package io.usrnet.prior;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriorEngineTest {

    @Test
    void startsTheEngineOfflineOnceAndForAll() {
        PriorEngine.preloadNativeLibrary();
        PriorEngine.start();
        PriorEngine.start(); // started: returns at once
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }
}
