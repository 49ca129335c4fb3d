package io.nightshift.job;

import io.nightshift.scoring.RunProgress;
import java.time.Duration;

/**
 * {@code run 12 [=====>      ] 49.2% · 245,760/500,000 rows · 81,920 rows/s · ETA 0:03 · 12 rejected}, fitted to a
 * width. As the width falls the bar shrinks (to {@value #MIN_BAR} characters), then fields go, least telling first:
 * rejected, rows/s, rows, the bar, the ETA; the run id and the percentage stay. The line stays one character short of
 * the width: a line that fills the last column makes many terminals wrap, and each redraw would leave a line behind.
 */
final class ProgressLine {

    static final int MIN_BAR = 10;
    static final int MAX_BAR = 30;
    private static final String SEPARATOR = " · ";

    /** What one line shows; {@code eta} is null before there is a rate. */
    record Figures(long totalRows, long rowsDone, double rowsPerSecond, Duration eta, long rejected) {

        static Figures of(RunProgress progress) {
            return new Figures(progress.totalRows(), progress.rowsDone(), progress.rowsPerSecond(), progress.eta(),
                    progress.rowsRejectedThisAttempt());
        }
    }

    private ProgressLine() {
    }

    static String format(long runId, RunProgress progress, int width) {
        return format(runId, Figures.of(progress), width);
    }

    static String format(long runId, Figures figures, int width) {
        int room = Math.max(1, width - 1);
        long total = Math.max(1, figures.totalRows());
        long done = Math.min(figures.rowsDone(), total);
        double fraction = (double) done / total;
        String totalText = "%,d".formatted(figures.totalRows());
        // Padded to their widest, so the bar keeps its width while the numbers grow.
        String head = "run " + runId;
        String percent = "%5.1f%%".formatted(100 * fraction);
        String rows = ("%" + totalText.length() + "s/%s rows").formatted("%,d".formatted(done), totalText);
        String rate = ("%" + Math.max(7, totalText.length()) + "s rows/s").formatted("%,.0f".formatted(figures.rowsPerSecond()));
        String eta = "ETA %4s".formatted(figures.eta() == null ? "?" : clock(figures.eta()));
        String rejected = "%,d rejected".formatted(figures.rejected());
        // Each level drops the next least telling field; the last resort cuts the line.
        String[][] levels = {
                {percent, rows, rate, eta, rejected},
                {percent, rows, rate, eta},
                {percent, rows, eta},
                {percent, eta},
        };
        for (String[] fields : levels) {
            String tail = String.join(SEPARATOR, fields);
            int bar = Math.min(MAX_BAR, room - head.length() - tail.length() - 4);
            if (bar >= MIN_BAR) {
                return head + " [" + bar(fraction, bar) + "] " + tail;
            }
        }
        for (String tail : new String[] {percent + SEPARATOR + eta, percent}) {
            String line = head + " " + tail.strip();
            if (line.length() <= room) {
                return line;
            }
        }
        String line = head + " " + percent.strip();
        return line.substring(0, Math.min(line.length(), room));
    }

    private static String bar(double fraction, int width) {
        int filled = (int) Math.round(fraction * width);
        return "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled);
    }

    static String clock(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 3600 ? "%d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60)
                : "%d:%02d".formatted(seconds / 60, seconds % 60);
    }
}
