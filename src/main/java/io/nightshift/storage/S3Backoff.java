package io.nightshift.storage;

import java.io.InterruptedIOException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The pause between attempts Nightshift makes itself (re-issued ranged reads and uploads; the SDK's own retries
 * have their own back-off): doubling from a first pause up to a cap, half of it random so that partitions that
 * failed together do not come back together.
 */
record S3Backoff(long firstMillis, long maxMillis) {

    /** Between re-issued ranged reads and conditional-write conflicts: the SDK did not see these fail. */
    static final S3Backoff SHORT = new S3Backoff(50, 2_000);
    /** Before re-issuing a whole upload the SDK gave up on after all its attempts: give the store time. */
    static final S3Backoff LONG = new S3Backoff(1_000, 8_000);

    S3Backoff {
        if (firstMillis <= 0 || maxMillis < firstMillis) {
            throw new IllegalArgumentException("need 0 < firstMillis <= maxMillis: " + firstMillis + ", " + maxMillis);
        }
    }

    /** The pause after {@code failedAttempts} failures (1 for the first), without its random half. */
    long ceilingMillis(int failedAttempts) {
        return Math.min(maxMillis, firstMillis << Math.min(Math.max(failedAttempts - 1, 0), 20));
    }

    /** Sleeps before the next attempt; an interrupt (a stopping run) ends the wait and the retrying. */
    void pause(int failedAttempts, String what) throws InterruptedIOException {
        long ceiling = ceilingMillis(failedAttempts);
        long millis = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while retrying " + what);
            interrupted.initCause(e);
            throw interrupted;
        }
    }
}
