package io.nightshift.lineage;

import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringPlan;

/**
 * What an OpenLineage event says about one execution of a run, as {@code job/RunListener} knows it at that moment.
 *
 * @param runId   the Nightshift run id (the same for every execution of the run)
 * @param job     the job spec's name, {@code score} for {@code nightshift score}
 * @param plan    the run's plan, null before it has planned (and for retrain runs)
 * @param summary the committed output's row counts, null unless the run committed
 * @param outcome the execution's batch status at the end (COMPLETED, FAILED, STOPPED...), null while it runs
 * @param reason  why it failed or stopped, null if it did not or nothing says
 */
public record LineageRun(long runId, String job, ScoringPlan plan, RunCommit.Summary summary, String outcome,
        String reason) {
}
