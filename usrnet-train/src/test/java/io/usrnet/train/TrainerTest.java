package io.usrnet.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.usrnet.core.Restorer;
import io.usrnet.core.TestData;
import io.usrnet.core.weights.ModelConfig;
import io.usrnet.core.weights.ModelWeights;
import io.usrnet.data.Degradation;
import io.usrnet.data.Image;
import io.usrnet.data.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few training steps on tiny patches: the loss falls, and checkpoint → resume is exact. */
class TrainerTest extends EngineTestBase {
    private static final Path TRAIN = TestData.DATA.resolve("train");
    private static final ModelConfig SMALL = ModelConfig.of(3, 8, 4, 3, new int[] {8, 8, 16, 16}, 1);


    private static TrainingConfig.Builder tiny(Path out) {
        return TrainingConfig.builder().model(SMALL).trainDir(TRAIN).outDir(out).patchSize(24).batchSize(2)
                .kernelSize(9).validationImages(2).validationPatch(24).maxImages(12).hyperFitSteps(20).logEvery(5)
                .validateEvery(0).checkpointEvery(0).seed(11);
    }

    @Test
    void lossFallsAndTheRunLeavesUsableWeights(@TempDir Path out) throws IOException {
        TrainingConfig config = tiny(out).denoiserSteps(0).steps(40).rate(LearningRate.constant(3e-3))
                .gradientClip(1.0).build(); // clipped: one unclipped run in ~6 diverged to NaN at step 24
        List<Double> losses = new ArrayList<>();
        try (Trainer trainer = Trainer.start(config, null)) {
            Validation before = trainer.validate();
            for (int i = 0; i < 40; i++) {
                losses.add(trainer.trainStep());
            }
            Validation after = trainer.validate();
            assertThat(after.psnr()).isGreaterThan(before.psnr());
            trainer.checkpoint();
        }
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(last).as("mean loss of the last 5 steps vs the first 5: %s", losses).isLessThan(0.6 * first);

        // the checkpoint is a model in the original layout that the inference path loads
        ModelWeights w = ModelWeights.read(out.resolve("model.safetensors"));
        assertThat(w.config()).isEqualTo(SMALL);
        assertThat(w.stateDict().metadata()).containsEntry("step", "40").containsKey("training_config");
        try (Restorer r = Restorer.builder().weights(w).build()) {
            Image lr = Image.zeros(3, 8, 8);
            assertThat(r.restore(lr, Degradation.of(Kernels.gaussian(9, 1), 2, 0)).height()).isEqualTo(16);
        }
        assertThat(Files.readString(out.resolve("train.log"))).contains("begin end-to-end at step 0")
                .contains("hyper-network fitted");
        assertThatThrownBy(() -> Trainer.start(config, null)).isInstanceOf(IOException.class)
                .hasMessageContaining("already holds a training run");
    }

    @Test
    void resumingFromACheckpointContinuesExactly(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Files.createDirectories(out);
        // 2 denoiser steps, then the hyper-network fit and 3 end-to-end steps
        TrainingConfig config = tiny(out).denoiserSteps(2).steps(3).keepCheckpoints(10).build();
        List<Double> uninterrupted = new ArrayList<>();
        try (Trainer trainer = Trainer.start(config, null)) {
            for (int i = 0; i < 5; i++) {
                uninterrupted.add(trainer.trainStep());
                if (trainer.step() == 2 || trainer.step() == 3) {
                    trainer.checkpoint();
                    copy(out, dir.resolve("at" + trainer.step()));
                }
            }
        }
        for (int at : new int[] {2, 3}) {
            Path copy = dir.resolve("at" + at);
            TrainingConfig resumed = config.toBuilder().outDir(copy).build();
            try (Trainer trainer = Trainer.resume(resumed, null)) {
                assertThat(trainer.step()).isEqualTo(at);
                for (int i = at; i < 5; i++) {
                    assertThat(trainer.trainStep()).as("loss of step %d resumed at %d", i + 1, at)
                            .isEqualTo(uninterrupted.get(i));
                }
            }
        }
        // settings that determine the trajectory cannot change on resume
        TrainingConfig other = config.toBuilder().outDir(dir.resolve("at3")).seed(12).build();
        assertThatThrownBy(() -> Trainer.resume(other, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed");
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
