package io.nightshift.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node's run pool: bounded, one task per key, and waiting work handed back unstarted on shutdown. */
class RunPoolTests {

    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();

    private RunPool.Task task(String key, CountDownLatch started, CountDownLatch release) {
        return new RunPool.Task() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public void run() {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ran.add(key);
            }

            @Override
            public void dropped(String reason) {
                dropped.add(key + ": " + reason);
            }
        };
    }

    @Test
    void theSameKeyIsNeverQueuedTwice() throws Exception {
        // given
        RunPool pool = new RunPool(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        // when
        boolean first = pool.submit(task("fire-1", started, release));
        boolean second = pool.submit(task("fire-1", new CountDownLatch(1), release));
        started.await(10, TimeUnit.SECONDS);

        // then
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(pool.holds("fire-1")).isTrue();
        release.countDown();
        pool.stopTakingWork("test over");
        assertThat(pool.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(ran).containsExactly("fire-1");
    }

    @Test
    void onShutdownTheRunningTaskEndsAndTheWaitingOnesAreDropped() throws Exception {
        // given: one run at a time, one running and two waiting
        RunPool pool = new RunPool(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(task("running", started, release));
        started.await(10, TimeUnit.SECONDS);
        pool.submit(task("waiting-1", new CountDownLatch(1), release));
        pool.submit(task("waiting-2", new CountDownLatch(1), release));

        // when
        pool.stopTakingWork("SIGTERM");
        release.countDown();

        // then
        assertThat(pool.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(ran).containsExactly("running");
        assertThat(dropped).containsExactly("waiting-1: SIGTERM", "waiting-2: SIGTERM");
        assertThat(pool.submit(task("late", new CountDownLatch(1), release))).as("no work after shutdown").isFalse();
    }
}
