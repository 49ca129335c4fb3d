package io.nightshift.job;

import io.nightshift.scoring.RunCommit;
import java.time.Duration;

/**
 * How one execution of a run ended: status, the first failure's message (what and why), and for a completed run
 * its summary and output location.
 */
public record RunOutcome(long runId, long executionId, String status, String failure, RunCommit.Summary summary, String output,
        Duration elapsed) {

    public boolean completed() {
        return "COMPLETED".equals(status);
    }
}
