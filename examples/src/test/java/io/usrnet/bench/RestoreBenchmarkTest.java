package io.usrnet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.usrnet.core.Restorer;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Image;
import io.usrnet.data.Kernels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The restore benchmark's split of a restoration's time: parts inside the call, never a negative rest. */
class RestoreBenchmarkTest {
    @Test
    void partsAreMeasuredInsideTheCallSoTheRestIsNeverNegative() throws Exception {
        Image lr = BenchInputs.randomImage(3, 16, 16, 1);
        List<RestoreBenchmark.Split> runs = new ArrayList<>();
        try (Restorer restorer = Restorer.builder().weights(ModelWeights.random(ModelConfig.usrnetTiny(), 3)).build()) {
            for (int i = 0; i < 2; i++) {
                runs.add(RestoreBenchmark.time(restorer, lr, Kernels.gaussian(7, 1.2), 2));
            }
        }
        for (RestoreBenchmark.Split s : runs) {
            assertThat(s.dataStepSeconds()).as("%s", s).isPositive();
            assertThat(s.priorSeconds()).as("%s", s).isPositive();
            assertThat(s.otherSeconds()).as("%s", s).isNotNegative();
            assertThat(s.dataStepSeconds() + s.priorSeconds() + s.otherSeconds()).isCloseTo(s.seconds(), within(1e-9));
        }
    }

    @Test
    void theRowIsOneWholeRunOfMedianTime() {
        RestoreBenchmark.Split a = new RestoreBenchmark.Split(3, 1, 1);
        RestoreBenchmark.Split b = new RestoreBenchmark.Split(1, 0.5, 0.4);
        RestoreBenchmark.Split c = new RestoreBenchmark.Split(2, 0.2, 1.7);
        assertThat(RestoreBenchmark.medianRun(List.of(a, b, c))).isSameAs(c);
        assertThat(RestoreBenchmark.medianRun(List.of(a, b, c, new RestoreBenchmark.Split(4, 1, 1)))).isSameAs(c);
    }
}
