package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.commit.OutputClaim;
import io.nightshift.commit.OutputCommitter;
import io.nightshift.scoring.ScoringException;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongFunction;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;

/**
 * One output, one run: a run claims its output location when it is planned, and another run into a location held by an
 * unfinished run is refused, naming the holder and what to do. A claim whose holder committed or was abandoned is
 * stale and may be taken over (conditionally). Released by the commit and by {@code abandon}.
 */
final class OutputClaims {

    private final OutputCommitter committer;
    private final JobRepository jobRepository;
    private final LongFunction<String> progress;

    /** {@code progress} describes a run for the refusal message ({@code STOPPED, 41% done}). */
    OutputClaims(OutputCommitter committer, JobRepository jobRepository, LongFunction<String> progress) {
        this.committer = committer;
        this.jobRepository = jobRepository;
        this.progress = progress;
    }

    /** Refuses, before a run is created, an output another unfinished run holds. */
    void refuseIfHeld(String output) {
        Optional<OutputClaim> holder = read(output);
        if (holder.isPresent() && !finished(holder.get())) {
            throw held(output, holder.get());
        }
    }

    /**
     * Claims the output for a run being planned. With {@code overwrite}, {@code _SUCCESS} of the committed result is
     * withdrawn at once (its manifest and parts stay readable until this run commits).
     */
    void claim(String output, long runId, String runKey, String jobName, boolean overwrite) {
        OutputClaim ours = new OutputClaim(runId, runKey, jobName, RunLeases.hostName(), Instant.now().toString());
        try {
            Optional<OutputClaim> holder = committer.tryClaim(output, ours);
            if (holder.isPresent()) {
                if (!finished(holder.get())) {
                    throw held(output, holder.get());
                }
                if (!committer.takeOverClaim(output, holder.get(), ours)) {
                    Optional<OutputClaim> now = read(output);
                    throw held(output, now.orElse(holder.get()));
                }
            }
            if (overwrite) {
                committer.withdrawSuccess(output);
            }
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.RUN, "Cannot claim output " + output + " for run " + runId + ": "
                    + e.getMessage() + ". Relaunch the run to retry.", e);
        }
    }

    private Optional<OutputClaim> read(String output) {
        try {
            return committer.claim(output);
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot read the claim on output " + output + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether the claim's run can no longer write there: it committed or was abandoned (in this job repository). */
    private boolean finished(OutputClaim claim) {
        Optional<JobExecution> last = lastExecution(claim);
        return last.isPresent() && (last.get().getStatus() == BatchStatus.COMPLETED || last.get().getStatus() == BatchStatus.ABANDONED);
    }

    private Optional<JobExecution> lastExecution(OutputClaim claim) {
        JobInstance instance = jobRepository.getJobInstance(claim.runId());
        if (instance == null) {
            return Optional.empty();
        }
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null || !claim.runKey().equals(last.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY))) {
            return Optional.empty();
        }
        return Optional.of(last);
    }

    private ScoringException held(String output, OutputClaim holder) {
        if (lastExecution(holder).isEmpty()) {
            return new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score into " + output + ": run "
                    + holder.runId() + " (" + holder.jobName() + ", planned on " + holder.host() + " at " + holder.claimedAt()
                    + ") holds it, and this job repository does not know that run. Use that run's database, or if the run is "
                    + "gone for good delete " + output + (output.endsWith("/") ? "" : "/") + OutputCommitter.CLAIM
                    + " and its part files.");
        }
        // A holder that failed on its configuration (too many rejects, a wrong column) would fail the same way again.
        boolean failedOnConfiguration = RunReasons.recordedDisposition(lastExecution(holder).get())
                .map(NightshiftException.Disposition::fixFirst).orElse(false);
        String advice = failedOnConfiguration
                ? "It failed on its configuration, so relaunching cannot help: abandon it with nightshift abandon " + holder.runId()
                        + " (its rejects are deleted with it), then start the new run."
                : "Relaunch run " + holder.runId() + ", or abandon it with nightshift abandon " + holder.runId() + ".";
        return new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot score into " + output + ": run " + holder.runId()
                + " (" + progress.apply(holder.runId()) + ") holds it. " + advice);
    }
}
