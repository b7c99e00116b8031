package io.usrnet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.hyper.Schedule;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builders record in their setters and act in build(); toBuilder() carries every value. */
class BuildersTest {
    @TempDir
    Path dir;

    @Test
    void toBuilderCarriesEveryOptionAndChangesOnlyWhatIsSet() {
        IterationListener listener = it -> { };
        ProgressListener progress = (i, n) -> { };
        StageListener stages = (i, dataNanos, priorNanos) -> { };
        Schedule schedule = Schedule.of(new double[] {0.1, 0.2}, new double[] {0.3, 0.4});
        RestoreOptions a = RestoreOptions.builder().schedule(schedule).iterations(2).listener(listener)
                .progress(progress).stageListener(stages).tileSize(128).build();
        RestoreOptions same = a.toBuilder().build();
        assertThat(same.schedule()).containsSame(schedule);
        assertThat(same.iterations()).isEqualTo(2);
        assertThat(same.listener()).containsSame(listener);
        assertThat(same.progress()).containsSame(progress);
        assertThat(same.stageListener()).containsSame(stages);
        assertThat(same.tileSize()).isEqualTo(128);

        RestoreOptions one = a.toBuilder().iterations(1).build();
        assertThat(one.iterations()).isEqualTo(1);
        assertThat(one.tileSize()).isEqualTo(128);
        assertThat(a.iterations()).as("the original is immutable").isEqualTo(2);

        RestoreOptions budget = RestoreOptions.builder().maxMemoryBytes(1L << 30).build().toBuilder().build();
        assertThat(budget.maxMemoryBytes()).isEqualTo(1L << 30);
    }

    @Test
    void aWeightsFileIsReadByBuildNotByTheSetter() throws Exception {
        Path missing = dir.resolve("missing.safetensors");
        Restorer.Builder b = Restorer.builder().weights(missing); // records only: no exception here
        assertThatThrownBy(b::build).isInstanceOf(NoSuchFileException.class).hasMessageContaining("missing.safetensors");
        // a later weights(...) replaces the file
        try (Restorer r = b.weights(TestData.TINY_WEIGHTS).build()) {
            assertThat(r.config().iterations()).isEqualTo(6);
        }
    }
}
