package io.nightshift.cli;

import io.nightshift.job.RunOutcome;
import io.nightshift.scoring.RunCommit;
import java.io.PrintStream;
import java.nio.file.Path;

/** The summary printed when a run ends: what it did, how fast, and where to look. */
final class RunReport {

    private RunReport() {
    }

    /** {@code log} is the run's log file ({@link RunLog}), or null when it has none. */
    static void print(RunOutcome outcome, Path log, PrintStream out) {
        out.printf("run %d execution %d: %s in %.1f s%n", outcome.runId(), outcome.executionId(), outcome.status(),
                outcome.elapsed().toMillis() / 1000.0);
        RunCommit.Summary summary = outcome.summary();
        if (summary == null && outcome.rowsThisExecution() > 0) {
            out.printf("  rows          %,d this execution (scored or rejected, not committed)%n",
                    outcome.rowsThisExecution());
        }
        if (summary != null) {
            out.printf("  rows read     %,d%n", summary.rowsRead());
            out.printf("  rows scored   %,d%n", summary.rowsScored());
            out.printf("  rows rejected %,d %s%n", summary.rowsRejected(), summary.rejectReasons().isEmpty() ? "" : summary.rejectReasons());
            out.printf("  invariant     rows read = rows scored + rows rejected: %s%n",
                    summary.rowsRead() == summary.rowsScored() + summary.rowsRejected() ? "holds" : "BROKEN");
            // The same measure as the live progress: what this execution did (a relaunch's share, not the run's).
            out.printf("  throughput    %,.0f rows/s (%,d rows this execution / its %.1f s)%n",
                    outcome.rowsPerSecond(), outcome.rowsThisExecution(), outcome.elapsed().toMillis() / 1000.0);
            if (!outcome.phases().isEmpty()) {
                StringBuilder phases = new StringBuilder();
                outcome.phases().forEach((phase, duration) -> phases.append(phases.isEmpty() ? "" : ", ")
                        .append(String.format(java.util.Locale.ROOT, "%s %.2f s", phase, duration.toMillis() / 1000.0)));
                out.printf("  phases        %s%n", phases);
            }
            out.printf("  parts         %d scored, %d rejects, %d orphan(s) removed%n", summary.parts(), summary.rejectParts(),
                    summary.orphansDeleted());
            out.printf("  output        %s (read through _manifest.json)%n", Display.location(outcome.output()));
        }
        outcome.details().forEach((label, value) -> out.printf("  %-13s %s%n", label, value));
        if (outcome.failure() != null) {
            out.printf("  reason        %s%n", outcome.failure());
        }
        if (log != null) {
            out.printf("  log           %s%n", log);
        }
        if (outcome.configurationError()) {
            out.printf("  fix the command, job spec or model and start a new run, after nightshift abandon %d frees the output%n"
                    + "  (relaunching run %d cannot help)%n", outcome.runId(), outcome.runId());
        } else if (!outcome.completed() && (outcome.failure() == null || !outcome.failure().contains("nightshift relaunch"))) {
            // (A stop's reason already says how to relaunch: once is enough.)
            out.printf("  relaunch with: nightshift relaunch %d%n", outcome.runId());
        }
    }
}
