package io.usrnet.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sequence of jobs, each in three stages — load, compute, store. Overlapped, the loading of
 * the next job and the storing of the previous one run on two background threads while the current
 * job computes on the calling thread; jobs still compute one at a time and in order, so each result
 * is what running the jobs one by one gives, and at most one load ahead and one store behind are in
 * flight. Not overlapped, every stage runs on the calling thread (the next job is still loaded
 * before the current one computes).
 *
 * <p>Failures: an {@link IOException} or {@link IllegalArgumentException} from any stage of a job
 * goes to the {@link Failures} callback with that job's index, on the calling thread, and the job's
 * later stages are skipped; the other jobs go on. Any other exception stops the run and is
 * rethrown; a store in progress is completed first. A failed store is reported once the next
 * job has computed. A callback that throws (an unchecked exception) stops the run the same way,
 * so that the first failure ends it (as for the pages of a stack, which succeed or fail together).
 *
 * @param <T> what a load gives
 * @param <R> what a compute gives
 */
final class Pipeline<T, R> {
    /** Loads job {@code index}. */
    @FunctionalInterface
    interface Load<T> {
        T load(int index) throws IOException;
    }

    /** Computes job {@code index} from what was loaded. */
    @FunctionalInterface
    interface Compute<T, R> {
        R compute(int index, T loaded) throws IOException;
    }

    /** Stores the result of job {@code index}. */
    @FunctionalInterface
    interface Store<R> {
        void store(int index, R result) throws IOException;
    }

    /** Receives the failure of a job. */
    @FunctionalInterface
    interface Failures {
        void failed(int index, Exception e);
    }

    private final Load<T> load;
    private final Compute<T, R> compute;
    private final Store<R> store;
    private final boolean overlap;

    /**
     * @param overlap whether loads and stores run on background threads
     */
    Pipeline(Load<T> load, Compute<T, R> compute, Store<R> store, boolean overlap) {
        this.load = load;
        this.compute = compute;
        this.store = store;
        this.overlap = overlap;
    }

    /**
     * Runs jobs {@code 0 .. count-1}.
     *
     * @param count the number of jobs
     * @param failures receives each failed job
     * @throws InterruptedException if interrupted while waiting for a background stage
     */
    void run(int count, Failures failures) throws InterruptedException {
        ExecutorService loader = overlap ? Executors.newSingleThreadExecutor(daemon("usrnet-load")) : null;
        ExecutorService storer = overlap ? Executors.newSingleThreadExecutor(daemon("usrnet-store")) : null;
        try {
            Future<T> next = count > 0 ? submit(loader, () -> load.load(0)) : null;
            Future<?> storing = null;
            for (int i = 0; i < count; i++) {
                Future<T> loaded = next;
                int following = i + 1;
                next = following < count ? submit(loader, () -> load.load(following)) : null;
                R result = null;
                try {
                    result = compute.compute(i, await(loaded));
                } catch (IOException | IllegalArgumentException e) {
                    failures.failed(i, e);
                }
                finish(storing, i - 1, failures);
                storing = null;
                if (result != null) {
                    int index = i;
                    R r = result;
                    storing = submit(storer, () -> {
                        store.store(index, r);
                        return null;
                    });
                }
            }
            finish(storing, count - 1, failures);
        } finally {
            if (overlap) {
                loader.shutdownNow();
                storer.shutdown(); // a store in progress completes: its file is written whole or not at all
                storer.awaitTermination(1, TimeUnit.MINUTES);
            }
        }
    }

    /** Runs the task on the executor, or right here if there is none. */
    private static <V> Future<V> submit(ExecutorService executor, Callable<V> task) {
        if (executor != null) {
            return executor.submit(task);
        }
        FutureTask<V> f = new FutureTask<>(task);
        f.run();
        return f;
    }

    private static void finish(Future<?> storing, int index, Failures failures) throws InterruptedException {
        if (storing == null) {
            return;
        }
        try {
            await(storing);
        } catch (IOException | IllegalArgumentException e) {
            failures.failed(index, e);
        }
    }

    /** The future's value, rethrowing what the task threw. */
    private static <V> V await(Future<V> future) throws IOException, InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause); // the stages throw no other checked exception
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
