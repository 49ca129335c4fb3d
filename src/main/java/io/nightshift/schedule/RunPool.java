package io.nightshift.schedule;

import io.nightshift.metrics.NightshiftMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs a serve node executes: at most {@code maxConcurrentRuns} at once on their own threads, the rest waiting in
 * line. Each task has a key (a fire, or a run being relaunched) so the same work is never queued twice on this node;
 * on shutdown the tasks still waiting are handed back unstarted (never interrupted mid-run: a run stops at a chunk
 * boundary when asked, see {@code Runs#stopRunsOfThisProcess}).
 */
final class RunPool {

    private static final Logger log = LoggerFactory.getLogger(RunPool.class);

    /** Work for the pool; {@link #dropped} is called instead of {@link #run} when the node stops before starting it. */
    interface Task extends Runnable {
        String key();

        void dropped(String reason);
    }

    private final ThreadPoolExecutor executor;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    RunPool(int maxConcurrentRuns) {
        this(maxConcurrentRuns, NightshiftMetrics.NONE);
    }

    /** With the pool's threads and queue in the metrics (executor_* with name="runs"). */
    RunPool(int maxConcurrentRuns, NightshiftMetrics metrics) {
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "run-" + threads.incrementAndGet());
                    thread.setDaemon(false);
                    return thread;
                });
        metrics.executor("runs", executor);
    }

    /** Queues a task unless one with its key is queued or running here; false when it was not queued. */
    boolean submit(Task task) {
        if (stopping || !keys.add(task.key())) {
            return false;
        }
        executor.execute(new Wrapped(task));
        return true;
    }

    /** Whether work with this key is queued or running on this node. */
    boolean holds(String key) {
        return keys.contains(key);
    }

    /** Runs executing or waiting on this node. */
    int size() {
        return keys.size();
    }

    /** Stops taking work and hands back what has not started: each such task is told it was dropped. */
    void stopTakingWork(String reason) {
        stopping = true;
        List<Runnable> waiting = new ArrayList<>();
        executor.getQueue().drainTo(waiting);
        for (Runnable runnable : waiting) {
            Task task = ((Wrapped) runnable).task;
            keys.remove(task.key());
            try {
                task.dropped(reason);
            } catch (RuntimeException e) {
                log.warn("Cannot record that {} was dropped: {}", task.key(), e.getMessage());
            }
        }
        executor.shutdown();
    }

    /** Waits for the running tasks to end; true if they did within {@code timeout}. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private final class Wrapped implements Runnable {
        private final Task task;

        Wrapped(Task task) {
            this.task = task;
        }

        @Override
        public void run() {
            try {
                if (stopping) {
                    task.dropped("the node was stopping before the run started");
                    return;
                }
                task.run();
            } catch (RuntimeException e) {
                log.error("{} failed: {}", task.key(), e.getMessage(), e);
            } finally {
                keys.remove(task.key());
            }
        }
    }
}
