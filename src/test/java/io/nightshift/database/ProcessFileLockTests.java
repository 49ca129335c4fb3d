package io.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OS file lock behind the embedded database's start-up and shutdown protocol, within one JVM (that a killed
 * holder's lock is free at once is shown by EmbeddedDatabaseIntegrationTests, which kills real processes).
 */
class ProcessFileLockTests {

    @TempDir
    Path directory;

    @Test
    void aHeldLockIsNotAvailableToAnotherHolderUntilItIsReleased() throws Exception {
        // given
        Path file = directory.resolve("connect.lock");
        ProcessFileLock first = ProcessFileLock.tryAcquire(file).orElseThrow();

        // when
        Optional<ProcessFileLock> whileHeld = ProcessFileLock.tryAcquire(file);
        first.close();
        Optional<ProcessFileLock> afterRelease = ProcessFileLock.tryAcquire(file);

        // then
        assertThat(whileHeld).isEmpty();
        assertThat(afterRelease).isPresent();
        afterRelease.get().close();
    }

    @Test
    void waitingForAHeldLockGivesUpAtTheTimeoutAndReportsThatItWaits() throws Exception {
        // given
        Path file = directory.resolve("migrate.lock");
        AtomicInteger waits = new AtomicInteger();
        try (ProcessFileLock held = ProcessFileLock.tryAcquire(file).orElseThrow()) {

            // when
            Optional<ProcessFileLock> lock = ProcessFileLock.acquire(file, Duration.ofMillis(100), waits::incrementAndGet);

            // then
            assertThat(lock).isEmpty();
            assertThat(waits.get()).isPositive();
        }
    }

    @Test
    void lookingWhetherALockIsHeldLeavesAFreeLockFree() throws Exception {
        // given
        Path file = directory.resolve("server.lock");

        // when
        boolean heldBefore = ProcessFileLock.isHeld(file);
        Optional<ProcessFileLock> lock = ProcessFileLock.tryAcquire(file);
        boolean heldWhileLocked = ProcessFileLock.isHeld(file);

        // then
        assertThat(heldBefore).isFalse();
        assertThat(lock).isPresent();
        assertThat(heldWhileLocked).isTrue();
        lock.get().close();
    }
}
