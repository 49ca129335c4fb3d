package io.nightshift.scoring;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rows done of a run, shared by its partitions and read by the progress reporter. Rows already committed by an
 * earlier attempt count as done but not towards this attempt's rate, so a relaunch shows an honest rows/s and ETA.
 * The rate is the run summary's: rows this execution scored or rejected over the wall time since it started.
 */
public final class RunProgress {

    private final long totalRows;
    private final long startNanos;
    private final AtomicLong committedBefore = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** Progress of an execution that starts now. */
    public RunProgress(long totalRows) {
        this.totalRows = totalRows;
        this.startNanos = System.nanoTime();
    }

    /** Progress of an execution that started at {@code started} (its rate counts from then, like its summary's). */
    public RunProgress(long totalRows, Instant started) {
        this.totalRows = totalRows;
        this.startNanos = System.nanoTime() - Math.max(0, Duration.between(started, Instant.now()).toNanos());
    }

    public void addCommitted(long rows) {
        committedBefore.addAndGet(rows);
    }

    public void addWritten(long rows, long rejectedRows) {
        written.addAndGet(rows);
        rejected.addAndGet(rejectedRows);
    }

    public long totalRows() {
        return totalRows;
    }

    public long rowsDone() {
        return committedBefore.get() + written.get();
    }

    public long rowsThisAttempt() {
        return written.get();
    }

    public long rowsRejectedThisAttempt() {
        return rejected.get();
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    public double rowsPerSecond() {
        double seconds = elapsed().toNanos() / 1e9;
        return seconds <= 0 ? 0 : written.get() / seconds;
    }

    /** Estimated time to finish at the current rate, or null before there is a rate. */
    public Duration eta() {
        double rate = rowsPerSecond();
        if (rate <= 0) {
            return null;
        }
        return Duration.ofSeconds((long) Math.ceil(Math.max(0, totalRows - rowsDone()) / rate));
    }
}
