package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import io.usrnet.core.io.KernelFiles;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernel;
import io.usrnet.data.Kernels;
import io.usrnet.prior.PriorEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One Restorer shared by threads, and kernels that do not sum to 1. */
class RestorerRobustnessTest {
    private static final Kernel GAUSSIAN = Kernels.gaussian(7, 1.2);
    private static Restorer restorer;
    private static int engineThreads;

    @BeforeAll
    static void load() throws IOException {
        PriorEngine.start();
        engineThreads = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1); // one intra-op thread: robust on a shared CPU, and the results do not depend on it
        restorer = Restorer.builder().weights(TestData.TINY_WEIGHTS).build();
    }

    @AfterAll
    static void close() {
        if (restorer != null) {
            restorer.close();
        }
        JniUtils.setNumThreads(engineThreads);
    }

    private static Image random(int channels, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[channels * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return Image.wrap(channels, h, w, v);
    }

    @Test
    void fourThreadsGiveTheSequentialResultsBitForBit() throws Exception {
        int threads = 4;
        int rounds = 3;
        List<Image> inputs = new ArrayList<>();
        float[][] sequential = new float[threads][];
        for (int t = 0; t < threads; t++) {
            inputs.add(random(t == 3 ? 1 : 3, 24, 24, 100 + t)); // one grey input among the RGB ones
            sequential[t] = restorer.restore(inputs.get(t), Degradation.of(GAUSSIAN, 2, 2.55 * t)).toArray();
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<float[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<float[]> out = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        out.add(restorer.restore(inputs.get(id), Degradation.of(GAUSSIAN, 2, 2.55 * id)).toArray());
                        inFlight.decrementAndGet();
                    }
                    return out;
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<float[]> got = results.get(t).get(120, TimeUnit.SECONDS);
                for (int round = 0; round < rounds; round++) {
                    assertThat(Arrays.equals(got.get(round), sequential[t]))
                            .as("thread %d, round %d equals the sequential result bit for bit", t, round).isTrue();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sequential[0].length).isEqualTo(3 * 48 * 48);
        assertThat(sequential[3].length).isEqualTo(48 * 48);
        assertThat(mostInFlight.get()).as("calls in progress at once").isGreaterThan(1);
    }

    @Test
    void kernelsNotSummingToOneAreNormalisedWithAWarning() {
        Kernel bright = scaled(GAUSSIAN, 2.5);
        assertThat(Restorer.kernelFor(bright)).isEqualTo(bright.normalized());
        Image lr = random(3, 24, 24, 7);
        List<String> records = logged(() -> {
            Image restored = restorer.restore(lr, Degradation.of(bright, 2, 0));
            assertThat(restored).isEqualTo(restorer.restore(lr, Degradation.of(bright.normalized(), 2, 0)));
        });
        assertThat(records).containsExactly("WARN kernel sums to 2.5, normalised to 1");

        Kernel dim = scaled(GAUSSIAN, 0.998);
        assertThat(Restorer.kernelFor(dim).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        records = logged(() -> restorer.restore(lr, Degradation.of(dim, 2, 0)));
        assertThat(records).containsExactly("WARN kernel sums to 0.998, normalised to 1");
    }

    @Test
    void kernelsSummingToOneWithinTheToleranceAreUsedAsStored() throws IOException {
        String bicubic = TestData.DATA.resolve("kernels/kernels_bicubicx234.mat").toString();
        for (int i = 1; i <= 3; i++) {
            Kernel k = KernelFiles.read(bicubic + ":kernels:" + i);
            assertThat(k.sum()).as("bicubic kernel %d", i).isBetween(0.9998, 1.00001);
            assertThat(Restorer.kernelFor(k)).as("bicubic kernel %d", i).isSameAs(k);
        }
        Kernel x2 = KernelFiles.read(bicubic + ":kernels:1");
        assertThat(logged(() -> restorer.restore(random(3, 24, 24, 3), Degradation.of(x2, 2, 0)))).isEmpty();
        Kernel justInside = scaled(GAUSSIAN, 1.0009);
        assertThat(Restorer.kernelFor(justInside)).isSameAs(justInside);
        Kernel justOutside = scaled(GAUSSIAN, 1.0011);
        assertThat(Restorer.kernelFor(justOutside)).isEqualTo(justOutside.normalized());
        assertThatThrownBy(() -> Restorer.kernelFor(scaled(GAUSSIAN, -0.5)))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll("7×7", "sums to -0.5", "positive");
        assertThatThrownBy(() -> Restorer.kernelFor(Kernel.of(new double[][] {{1, -1}})))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not sum to zero");
    }

    private static Kernel scaled(Kernel k, double factor) {
        double[] v = k.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return Kernel.of(k.height(), k.width(), v);
    }

    /**
     * What {@code task} logs to the Restorer's SLF4J logger, as "LEVEL message": this module's tests
     * log through slf4j-simple, which writes to the System.err of the moment (captured meanwhile).
     */
    private static List<String> logged(Runnable task) {
        Pattern line = Pattern.compile("(TRACE|DEBUG|INFO|WARN|ERROR) " + Pattern.quote(Restorer.class.getName()) + " - (.*)");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            task.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().map(line::matcher).filter(Matcher::find)
                .map(m -> m.group(1) + " " + m.group(2)).toList();
    }
}
