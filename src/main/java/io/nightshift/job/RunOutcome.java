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
 */
public record RunOutcome(long runId, long executionId, String status, String failure, boolean configurationError,
        RunCommit.Summary summary, String output, Duration elapsed, Map<String, Duration> phases) {

    public RunOutcome {
        phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
    }

    public boolean completed() {
        return "COMPLETED".equals(status);
    }
}
