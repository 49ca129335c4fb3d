package io.nightshift.scoring;

import io.nightshift.commit.Manifest;
import io.nightshift.commit.OutputCommitter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * The last step of a run: gathers every partition's committed parts from the job repository, checks the invariant
 * rows read = rows scored + rows rejected (per partition and in total) and the reject limit, deletes orphans of
 * crashed attempts, and makes the output visible with one manifest commit.
 */
public final class RunCommit {

    private static final Logger log = LoggerFactory.getLogger(RunCommit.class);

    /** What a committed run did, stored with the run and printed in its summary. */
    public record Summary(long rowsRead, long rowsScored, long rowsRejected, int parts, int rejectParts, int orphansDeleted,
            Map<String, Long> rejectReasons) {
    }

    private final JobRepository jobRepository;
    private final OutputCommitter committer;

    public RunCommit(JobRepository jobRepository, OutputCommitter committer) {
        this.jobRepository = jobRepository;
        this.committer = committer;
    }

    /**
     * Commits a run whose partitions all completed. {@code epoch} is the lease epoch the committing process holds
     * (checked by the caller in this transaction): parts of a later epoch are never deleted as orphans. {@code cost} is
     * what the run cost up to now, for the manifest.
     */
    public Summary commit(ScoringPlan plan, JobInstance instance, String jobName, long epoch, Manifest.Cost cost) {
        long runId = instance.getInstanceId();
        List<Manifest.Part> parts = new ArrayList<>();
        List<Manifest.Part> rejectParts = new ArrayList<>();
        Map<String, Long> reasons = new LinkedHashMap<>();
        long scored = 0;
        long rejected = 0;
        for (ScoringPlan.PlannedPartition partition : plan.partitions()) {
            String stepName = ScoringWorkerStep.NAME + ":" + partition.name();
            StepExecution execution = jobRepository.getLastStepExecution(instance, stepName);
            if (execution == null || execution.getStatus() != BatchStatus.COMPLETED) {
                throw new ScoringException(ScoringException.Kind.RUN, "Cannot commit run " + runId + ": partition " + partition.name()
                        + " is " + (execution == null ? "missing" : execution.getStatus()) + "; relaunch the run to finish it.");
            }
            PartWriter.CommittedPartition committed = PartWriter.committed(ScoringSteps.WRITER_NAME, execution.getExecutionContext());
            if (committed.rowsScored() + committed.rowsRejected() != partition.rows()) {
                throw new ScoringException(ScoringException.Kind.RUN, "Cannot commit run " + runId + ": partition " + partition.name()
                        + " of " + plan.files().get(partition.file()).uri() + " planned " + partition.rows() + " rows but committed "
                        + committed.rowsScored() + " scored + " + committed.rowsRejected() + " rejected. This is a bug; the output was not committed.");
            }
            parts.addAll(committed.parts());
            rejectParts.addAll(committed.rejectParts());
            committed.rejectReasons().forEach((reason, count) -> reasons.merge(reason, count, Long::sum));
            scored += committed.rowsScored();
            rejected += committed.rowsRejected();
        }
        long read = scored + rejected;
        if (read != plan.totalRows()) {
            throw new ScoringException(ScoringException.Kind.RUN, "Cannot commit run " + runId + ": planned " + plan.totalRows()
                    + " rows but partitions account for " + read + ". The output was not committed.");
        }
        double fraction = (double) rejected / read;
        if (fraction > plan.settings().maxRejectFraction()) {
            // A relaunch re-reads the same pinned input with the same limit, so it would fail the same way: the input or
            // the limit must change, in a new run.
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Run " + runId + " rejected %,d of %,d rows (%.2f%%), above max-reject-fraction %s. Reasons: %s. The rejected rows are in %s. Fix the input and start a new run, or allow more with --max-reject-fraction."
                    .formatted(rejected, read, 100 * fraction, plan.settings().maxRejectFraction(), reasons, plan.rejectsUri()));
        }
        int orphans;
        try {
            String ownPrefix = PartNames.partPrefix(runId, plan.runKey());
            String ownRejectsPrefix = PartNames.rejectsPrefix(runId, plan.runKey());
            OutputCommitter.CommitResult result = committer.commit(plan.outputUri(), plan.rejectsUri(),
                    manifest(plan, runId, jobName, parts, rejectParts, scored, rejected, reasons, cost), plan.settings().overwrite(),
                    name -> (name.startsWith(ownPrefix) || name.startsWith(ownRejectsPrefix)) && PartNames.epochOf(name) > epoch);
            orphans = result.deleted().size();
            if (orphans > 0) {
                log.info("Deleted {} part file(s) the manifest does not list (orphans of crashed attempts{}): {}", orphans,
                        result.replacedRun() == null ? "" : ", the replaced result of run " + result.replacedRun(), result.deleted());
            }
            if (!result.temporaries().isEmpty()) {
                log.info("Deleted {} temporary file(s) left by killed writers: {}", result.temporaries().size(), result.temporaries());
            }
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.RUN, "Cannot commit run " + runId + " at " + plan.outputUri() + ": "
                    + e.getMessage() + ". The output is not visible; relaunch the run to retry the commit.", e);
        }
        return new Summary(read, scored, rejected, parts.size(), rejectParts.size(), orphans, reasons);
    }

    /**
     * Deletes what an abandoned run wrote: its part files and rejects (of every attempt and epoch), then its claim on
     * the output. Returns the files deleted. Safe to call again after a failure part way.
     */
    public List<String> discard(ScoringPlan plan, long runId) {
        try {
            List<String> deleted = new ArrayList<>(committer.deleteParts(plan.outputUri(), PartNames.partPrefix(runId, plan.runKey())));
            deleted.addAll(committer.deleteParts(plan.rejectsUri(), PartNames.rejectsPrefix(runId, plan.runKey())));
            deleted.addAll(committer.removeAbandonedTemporaries(plan.outputUri()));
            committer.releaseClaim(plan.outputUri(), plan.runKey());
            // An abandoned --overwrite run withdrew _SUCCESS of the result it meant to replace; that result stands.
            if (plan.settings().overwrite()) {
                committer.restoreSuccess(plan.outputUri());
            }
            return deleted;
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.RUN, "Run " + runId + " is abandoned, but its files at "
                    + plan.outputUri() + " cannot be deleted: " + e.getMessage() + ". Run `nightshift abandon " + runId
                    + "` again to finish.", e);
        }
    }

    private static Manifest manifest(ScoringPlan plan, long runId, String jobName, List<Manifest.Part> parts,
            List<Manifest.Part> rejectParts, long scored, long rejected, Map<String, Long> reasons, Manifest.Cost cost) {
        Map<String, String> model = new LinkedHashMap<>();
        model.put("location", plan.model().location());
        model.put("name", plan.model().name());
        model.put("version", plan.model().version());
        model.put("sha256", plan.model().sha256());
        List<Manifest.InputFile> inputs = plan.files().stream()
                .map(file -> new Manifest.InputFile(file.uri(), file.sizeBytes(), file.rows()))
                .toList();
        return new Manifest(Manifest.FORMAT_VERSION, runId, plan.runKey(), jobName, Instant.now().toString(), model, inputs,
                parts, rejectParts, scored + rejected, scored, rejected, reasons, cost);
    }

}
