package io.usrnet.core;

import io.usrnet.hyper.Schedule;
import io.usrnet.prior.Tiling;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-call options of {@link Restorer#restore(io.usrnet.data.Image, io.usrnet.data.Degradation,
 * RestoreOptions)}: an explicit schedule instead of the hyper-network's, fewer iterations, a
 * listener for each iteration (or a progress listener, which gets no images, or a listener for the
 * time of each stage), and tiling of the prior for large images, by an explicit tile size or chosen
 * for a memory budget. (How the border is treated belongs to the degradation:
 * {@link io.usrnet.data.Degradation#boundary()}.) Immutable; build with {@link #builder()}.
 */
public final class RestoreOptions {
    private static final RestoreOptions DEFAULTS = builder().build();

    private final Schedule schedule;
    private final int iterations;
    private final IterationListener listener;
    private final ProgressListener progress;
    private final StageListener stages;
    private final int tileSize;
    private final long maxMemoryBytes;
    private final int ensemble;

    private RestoreOptions(Builder b) {
        this.schedule = b.schedule;
        this.iterations = b.iterations;
        this.listener = b.listener;
        this.progress = b.progress;
        this.stages = b.stages;
        this.tileSize = b.tileSize;
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.ensemble = b.ensemble;
    }

    /** No overrides: the hyper-network's schedule, all iterations, no listener, untiled. */
    public static RestoreOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The explicit schedule, if one overrides the hyper-network. */
    public Optional<Schedule> schedule() {
        return Optional.ofNullable(schedule);
    }

    /** Number of iterations to run, or 0 for all of the schedule. */
    public int iterations() {
        return iterations;
    }

    /** The per-iteration listener, if any. */
    public Optional<IterationListener> listener() {
        return Optional.ofNullable(listener);
    }

    /** The progress listener, if any. */
    public Optional<ProgressListener> progress() {
        return Optional.ofNullable(progress);
    }

    /** The stage-timing listener, if any. */
    public Optional<StageListener> stageListener() {
        return Optional.ofNullable(stages);
    }

    /**
     * The prior's tile side in pixels, or 0 to run the prior on the whole image (the default) or to
     * let {@link #maxMemoryBytes()} choose it.
     */
    public int tileSize() {
        return tileSize;
    }

    /**
     * The memory budget of the whole process in bytes from which the tile size is chosen
     * ({@link MemoryModel#chooseTile}: the largest tiles whose estimate fits, up to the fastest
     * size), or 0 for none (the default). It needs no JVM or environment setting: the model counts
     * the native memory as the library configures the engine's allocator itself.
     */
    public long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /**
     * How many restorations are averaged: 1 (the default), or 8 for the x8 self-ensemble
     * ({@link Builder#ensemble(int)}).
     */
    public int ensemble() {
        return ensemble;
    }

    /**
     * A builder that starts from these options, to derive others:
     * {@code options.toBuilder().iterations(2).build()}.
     *
     * @return a new builder holding every value of these options
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.schedule = schedule;
        b.iterations = iterations;
        b.listener = listener;
        b.progress = progress;
        b.stages = stages;
        b.tileSize = tileSize;
        b.maxMemoryBytes = maxMemoryBytes;
        b.ensemble = ensemble;
        return b;
    }

    /** Builder of {@link RestoreOptions}. */
    public static final class Builder {
        private Schedule schedule;
        private int iterations;
        private IterationListener listener;
        private ProgressListener progress;
        private StageListener stages;
        private int tileSize;
        private long maxMemoryBytes;
        private int ensemble = 1;

        private Builder() {
        }

        /**
         * The x8 self-ensemble with {@code n} = 8: the image is restored in each of the eight
         * flips and rotations of {@link io.usrnet.data.Dihedral}, with the kernel transformed to
         * match (exactly, the decimation grid included), and the eight results, transformed back,
         * are averaged. Eight times the time; the prior, not being equivariant, errs differently in
         * each, and the average is better (README, "Quality"). 1 = one restoration (the default).
         *
         * @throws IllegalArgumentException unless n is 1 or 8
         */
        public Builder ensemble(int n) {
            if (n != 1 && n != 8) {
                throw new IllegalArgumentException("the ensemble must be 1 (off) or 8 (all flips and rotations), got " + n);
            }
            this.ensemble = n;
            return this;
        }

        /**
         * Uses this schedule (α₁..αₙ, β₁..βₙ) instead of the hyper-network's output. Its length may
         * differ from the model's iteration count: the prior is shared by all iterations.
         */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Runs only the first {@code n} iterations of the schedule (n ≥ 1; 0 = all). */
        public Builder iterations(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("iterations must be >= 1 (or 0 for all), got " + n);
            }
            this.iterations = n;
            return this;
        }

        /** Receives each iteration's z, x, α and β (copies of the HR estimates, made for it). */
        public Builder listener(IterationListener listener) {
            this.listener = listener;
            return this;
        }

        /** Is told after each iteration how far the restoration has got (no images are copied for it). */
        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /** Is told after each iteration how long its data step and its prior took (for profiling). */
        public Builder stageListener(StageListener stages) {
            this.stages = stages;
            return this;
        }

        /**
         * Runs the prior on overlapping tiles of at most {@code tile × tile} HR pixels (the data step
         * stays global), bounding the prior's memory by one tile's activations; the result differs
         * from the untiled one by far less than 1/255 (see {@link Tiling}). 0 = the whole image.
         * An alternative to {@link #maxMemoryBytes(long)}.
         *
         * @throws IllegalArgumentException unless 0, or at least {@value Tiling#MIN_TILE} and a
         *     multiple of {@value Tiling#ALIGN}
         */
        public Builder tileSize(int tile) {
            this.tileSize = Tiling.requireTileSize(tile);
            return this;
        }

        /**
         * Chooses the prior's tile size so that the estimated peak memory of the whole process stays
         * within {@code bytes}: the whole image if it fits, else the largest tile that does
         * ({@link MemoryModel#chooseTile}, from the model's widths and the image size). A restore
         * call whose smallest tile would not fit fails with {@link IllegalArgumentException} before
         * it computes anything. An alternative to {@link #tileSize(int)}: setting both is refused by
         * {@link #build()}. 0 = no budget (the default).
         *
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder maxMemoryBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxMemoryBytes must be > 0 (or 0 for no budget), got " + bytes);
            }
            this.maxMemoryBytes = bytes;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException if both a tile size and a memory budget are set (the
         *     budget chooses the tile size itself)
         */
        public RestoreOptions build() {
            if (ensemble != 1 && listener != null) {
                throw new IllegalArgumentException("an iteration listener follows one restoration, and the ensemble "
                        + "runs 8; use a progress listener with the ensemble");
            }
            if (tileSize != 0 && maxMemoryBytes != 0) {
                throw new IllegalArgumentException("tileSize and maxMemoryBytes are alternatives (the memory "
                        + "budget chooses the tile size itself); set one of them, got tile " + tileSize
                        + " and budget " + MemoryModel.formatBytes(maxMemoryBytes));
            }
            return new RestoreOptions(this);
        }
    }
}
