package io.nightshift.job;

import io.nightshift.scoring.RunCommit;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one execution of a run ended: status, the first failure's message (what and why), and for a completed run
 * its summary and output location.
 *
 * @param configurationError the run failed on a problem in its command, job spec or model found while planning it
 *        (e.g. a corrupt model, or a model whose input width differs from the features): nothing was scored, and
 *        relaunching the same run cannot help
 * @param elapsed            this execution's wall time, from its start to its end
 * @param rowsThisExecution  rows this execution scored or rejected in its checkpoints: on a relaunch, only what it added
 *        to the run, not the rows earlier executions did (the basis of its throughput)
 * @param details            what a run of another kind than scoring reports, label to value in order (a retraining run:
 *        the version it registered, the gate's decision, the report); empty for a scoring run
 */
public record RunOutcome(long runId, long executionId, String jobName, String status, String failure, boolean configurationError,
        RunCommit.Summary summary, String output, Duration elapsed, Map<String, Duration> phases, long rowsThisExecution,
        Map<String, String> details) {

    public RunOutcome {
        phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public boolean completed() {
        return "COMPLETED".equals(status);
    }

    /** Rows per second of this execution: the rows it scored or rejected over its wall time. */
    public double rowsPerSecond() {
        return rowsThisExecution / Math.max(0.001, elapsed.toMillis() / 1000.0);
    }
}
