package io.nightshift.job;

import io.nightshift.scoring.RunProgress;
import java.time.Duration;

/** {@code run 12 [=====>    ] 245,760/500,000 rows 49.2% · 81,920 rows/s · ETA 0:03 · 12 rejected}. */
final class ProgressLine {

    private static final int BAR_WIDTH = 24;

    private ProgressLine() {
    }

    static String format(long runId, RunProgress progress) {
        long total = Math.max(1, progress.totalRows());
        long done = Math.min(progress.rowsDone(), total);
        double fraction = (double) done / total;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(BAR_WIDTH - filled);
        Duration eta = progress.eta();
        return "run %d [%s] %,d/%,d rows %.1f%% · %,.0f rows/s · ETA %s · %,d rejected".formatted(runId, bar, done,
                progress.totalRows(), 100 * fraction, progress.rowsPerSecond(), eta == null ? "?" : clock(eta),
                progress.rowsRejectedThisAttempt());
    }

    static String clock(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600 ? "%d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60)
                : "%d:%02d".formatted(seconds / 60, seconds % 60);
    }
}
