package io.usrnet.cli;

import ai.djl.pytorch.jni.JniUtils;
import io.usrnet.prior.PriorEngine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's restores on one engine thread (small images: threads only add start-up cost and
 * noise between runs) and puts the engine's thread count back afterwards. Use with
 * {@code @ExtendWith(OneEngineThread.class)}.
 */
final class OneEngineThread implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OneEngineThread.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        PriorEngine.start();
        context.getStore(NAMESPACE).put("threads", JniUtils.getNumThreads());
        JniUtils.setNumThreads(1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        JniUtils.setNumThreads(context.getStore(NAMESPACE).get("threads", Integer.class));
    }
}
