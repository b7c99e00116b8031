package io.usrnet.train;

import ai.djl.ndarray.NDManager;
import io.usrnet.prior.djl.DjlRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A root manager per test class, and one engine thread while it runs: robust on a shared machine,
 * where several OpenMP threads stall each other under contention.
 */
abstract class EngineTestBase {
    static NDManager manager;
    private static int threads;

    @BeforeAll
    static void startEngine() {
        manager = DjlRuntime.newManager();
        threads = TrainEngine.setThreads(1);
    }

    @AfterAll
    static void stopEngine() {
        manager.close();
        TrainEngine.setThreads(threads);
    }
}
