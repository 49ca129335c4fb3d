package io.nightshift.database;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file that only one process can hold, taken with the operating system's file locking
 * ({@link FileChannel#tryLock()}): the kernel drops it when the holder dies, so a kill -9 can never leave it stale,
 * unlike a lock file whose mere existence means "locked".
 *
 * <p>OS file locks belong to the process, and on POSIX systems closing any channel of a file drops every lock the
 * process holds on it. So threads of one JVM are kept apart by a set of the paths this JVM holds, checked before a
 * channel is opened: a thread never opens (and closes) a second channel of a file another thread holds locked.
 * That set is necessarily process-wide, like the OS locks it guards.
 */
final class ProcessFileLock implements AutoCloseable {

    private static final Set<Path> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private static final long RETRY_MILLIS = 25;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private ProcessFileLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock if no process (this one included) holds it now; empty otherwise. Creates the file if missing. */
    static Optional<ProcessFileLock> tryAcquire(Path file) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD_BY_THIS_PROCESS.add(key)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new ProcessFileLock(key, channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // Held through another channel of this JVM (not one of ours): the same as held by another process.
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            HELD_BY_THIS_PROCESS.remove(key);
            throw e;
        }
        closeQuietly(channel);
        HELD_BY_THIS_PROCESS.remove(key);
        return Optional.empty();
    }

    /**
     * Waits up to {@code timeout} for the lock; {@code whileWaiting} runs before each retry (to say, once the wait
     * grows long, why the command pauses). Empty if the timeout passed first.
     */
    static Optional<ProcessFileLock> acquire(Path file, Duration timeout, Runnable whileWaiting) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ProcessFileLock> lock = tryAcquire(file);
            if (lock.isPresent() || System.nanoTime() - deadline >= 0) {
                return lock;
            }
            whileWaiting.run();
            Thread.sleep(RETRY_MILLIS);
        }
    }

    /** Whether some live process holds the lock now (a momentary look: it is taken and released at once if free). */
    static boolean isHeld(Path file) throws IOException {
        Optional<ProcessFileLock> lock = tryAcquire(file);
        lock.ifPresent(ProcessFileLock::close);
        return lock.isEmpty();
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it as well.
        }
        closeQuietly(channel);
        HELD_BY_THIS_PROCESS.remove(file);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing to undo: the channel held no lock, or its lock goes with it.
        }
    }
}
