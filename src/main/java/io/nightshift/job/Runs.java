package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlanner;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Service;

/**
 * The run lifecycle as users see it: start a scoring run, relaunch a failed, stopped or dead one from its last
 * checkpoint, stop one, and look at runs. A run's id is its Spring Batch job instance id; each start or relaunch
 * is an execution of it.
 */
@Service
public final class Runs {

    private static final Logger log = LoggerFactory.getLogger(Runs.class);

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job scoringJob;
    private final RunStore store;
    private final RunLeases leases;
    private final ScoringPlanner planner;
    private final ScoringSteps steps;
    private final OutputClaims claims;
    private final RunCommit commit;
    /** Why this process asked its runs to stop (SIGTERM, SIGINT, a spot notice), for the run's summary. */
    private volatile String stopReason;

    Runs(JobOperator jobOperator, JobRepository jobRepository, Job scoringJob, RunStore store, RunLeases leases,
            ScoringPlanner planner, ScoringSteps steps, OutputClaims claims, RunCommit commit) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.scoringJob = scoringJob;
        this.store = store;
        this.leases = leases;
        this.planner = planner;
        this.steps = steps;
        this.claims = claims;
        this.commit = commit;
    }

    /** Checks what can be checked before a run exists, creates the run and executes it to its end. */
    public RunOutcome score(String jobName, ScoringSettings settings) {
        planner.preflight(settings);
        claims.refuseIfHeld(planner.outputUri(settings));
        String runKey = UUID.randomUUID().toString();
        store.save(runKey, jobName, settings);
        JobParameters parameters = new JobParametersBuilder()
                .addString(ScoringJobConfiguration.RUN_KEY, runKey)
                .addString(ScoringJobConfiguration.JOB_SPEC_NAME, jobName, false)
                .toJobParameters();
        try {
            return outcome(jobOperator.start(scoringJob, parameters));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start run of " + jobName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resumes a run from its last checkpoint. A RUNNING execution is taken over only when its owner is provably
     * dead (see {@link RunLeases}); a live one is refused.
     */
    public RunOutcome relaunch(long runId) {
        JobInstance instance = instance(runId);
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            throw new RunRequestException("Run " + runId + " has no executions to relaunch.");
        }
        refuseFinished(runId, last);
        // The takeover is one conditional update of the run's lease: of two relaunches started at once, one wins
        // here and the other is refused before it changes anything.
        leases.takeOver(runId);
        try {
            last = jobRepository.getLastJobExecution(instance);
            refuseFinished(runId, last);
            BatchStatus status = last.getStatus();
            if (status.isRunning()) {
                log.warn("Run {} execution {} was {} but its owner is gone; marking it FAILED before relaunching", runId,
                        last.getId(), status);
                last = jobOperator.recover(last);
            }
            last = failUnknown(runId, last);
            Optional<ScoringPlan> plan = plan(instance, last);
            if (plan.isPresent()) {
                steps.verifyInputs(plan.get(), runId);
            }
        } catch (RuntimeException e) {
            leases.release(runId);
            throw e;
        }
        try {
            return outcome(jobOperator.restart(last));
        } catch (Exception e) {
            leases.release(runId);
            throw new IllegalStateException("Cannot relaunch run " + runId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Marks an execution Spring Batch left UNKNOWN FAILED, with its steps left UNKNOWN or still marked running (their last
     * update was lost to the same outage), so the run can be relaunched or abandoned. UNKNOWN means a chunk's transaction
     * could neither commit nor roll back (its database connection dropped): Spring Batch refuses to restart or recover
     * such an execution because a writer's effects may not match the checkpoint. Here either outcome is consistent: a
     * part counts only once the checkpoint listing it has committed, and the commit step deletes parts no checkpoint
     * lists. Called only after a won takeover, so no process still runs it.
     */
    private JobExecution failUnknown(long runId, JobExecution execution) {
        List<String> failed = new ArrayList<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
                failed.add("step " + step.getStepName() + " " + step.getStatus());
                step.setStatus(BatchStatus.FAILED);
                if (step.getEndTime() == null) {
                    step.setEndTime(LocalDateTime.now());
                }
                jobRepository.update(step);
            }
        }
        if (execution.getStatus() == BatchStatus.UNKNOWN) {
            failed.add("the execution UNKNOWN");
            execution.setStatus(BatchStatus.FAILED);
            jobRepository.update(execution);
        }
        if (!failed.isEmpty()) {
            log.warn("Run {} execution {} was left with {} (a chunk could neither commit nor roll back, or a status update was"
                    + " lost, e.g. to a dropped database connection); marking FAILED: its checkpoints are what the database"
                    + " committed", runId, execution.getId(), String.join(", ", failed));
        }
        return execution;
    }

    private static void refuseFinished(long runId, JobExecution last) {
        BatchStatus status = last.getStatus();
        if (status == BatchStatus.COMPLETED) {
            throw new RunRequestException("Run " + runId + " already completed at " + last.getEndTime()
                    + "; nothing to relaunch. Start a new run to score again.");
        }
        if (status == BatchStatus.ABANDONED) {
            throw new RunRequestException("Run " + runId + " was abandoned and cannot be relaunched. Start a new run.");
        }
    }

    /** The run's plan: from its last execution, or from its completed plan step if the process died before copying it. */
    private Optional<ScoringPlan> plan(JobInstance instance, JobExecution last) {
        if (last.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
            return Optional.of(steps.plan(last.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY)));
        }
        StepExecution planStep = jobRepository.getLastStepExecution(instance, "plan");
        if (planStep != null && planStep.getStatus() == BatchStatus.COMPLETED
                && planStep.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
            return Optional.of(steps.plan(planStep.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY)));
        }
        return Optional.empty();
    }

    /** What {@link #abandon} did. */
    public record Abandoned(long runId, String previousStatus, List<String> deleted, String output) {
        public Abandoned {
            deleted = List.copyOf(deleted);
        }
    }

    /**
     * Gives a run up for good: marks it ABANDONED (never relaunchable), deletes its part files and rejects, and releases
     * its claim on the output, so a new run may score there. Refused for a committed run and for a running one whose
     * owner is alive (the lease takeover decides, as for a relaunch).
     */
    public Abandoned abandon(long runId) {
        JobInstance instance = instance(runId);
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            throw new RunRequestException("Run " + runId + " has no executions to abandon.");
        }
        if (last.getStatus() == BatchStatus.COMPLETED) {
            throw new RunRequestException("Run " + runId + " committed its output at " + last.getEndTime()
                    + "; there is nothing to abandon. Start a new run with --overwrite to replace it.");
        }
        if (last.getStatus() == BatchStatus.ABANDONED) {
            throw new RunRequestException("Run " + runId + " is already abandoned.");
        }
        leases.takeOver(runId);
        try {
            last = jobRepository.getLastJobExecution(instance);
            String previous = last.getStatus().name();
            if (last.getStatus().isRunning()) {
                last = jobOperator.recover(last);
            }
            // abandon() only upgrades the status, and UNKNOWN ranks above ABANDONED: a run left UNKNOWN would never
            // show ABANDONED, and a relaunch would resume it with its files deleted.
            last = jobOperator.abandon(failUnknown(runId, last));
            List<String> deleted = new ArrayList<>();
            String output = null;
            Optional<ScoringPlan> plan = plan(instance, last);
            if (plan.isPresent()) {
                output = plan.get().outputUri();
                deleted.addAll(commit.discard(plan.get(), runId));
            }
            log.info("Abandoned run {} (was {}); deleted {} part file(s)", runId, previous, deleted.size());
            return new Abandoned(runId, previous, deleted, output);
        } catch (org.springframework.batch.core.launch.JobExecutionAlreadyRunningException e) {
            throw new RunRequestException("Cannot abandon run " + runId + ": " + e.getMessage());
        } finally {
            leases.release(runId);
        }
    }

    /** Asks a running execution in this process to stop after its current chunk. */
    public void stop(long executionId) {
        JobExecution execution = jobRepository.getJobExecution(executionId);
        if (execution != null && execution.isRunning()) {
            try {
                jobOperator.stop(execution);
            } catch (Exception e) {
                log.warn("Cannot stop execution {}: {}", executionId, e.getMessage());
            }
        }
    }

    /** Asks every execution this process is running to stop after its current chunk (SIGTERM, spot notice). */
    public void stopRunsOfThisProcess(String reason) {
        stopReason = reason;
        leases.heldExecutions().forEach(this::stop);
    }

    /** The runs this process is executing, for a message that tells how to relaunch them. */
    public java.util.Set<Long> runsOfThisProcess() {
        return leases.heldRuns();
    }

    /** One line per run, newest first. */
    public List<RunView> recent(int limit) {
        List<RunView> views = new ArrayList<>();
        for (JobInstance instance : jobRepository.getJobInstances(ScoringJobConfiguration.JOB_NAME, 0, limit)) {
            views.add(view(instance));
        }
        return views;
    }

    public RunView describe(long runId) {
        return view(instance(runId));
    }

    /** A run as {@code status} shows it. */
    public record RunView(long runId, String jobName, String status, int executions, LocalDateTime started, LocalDateTime ended,
            long totalRows, long rowsDone, String output, String model, RunCommit.Summary summary, String failure) {

        /** {@code STOPPED, 41% done}: enough for a message that names the run holding something. */
        public String progressSummary() {
            return totalRows == 0 ? status : "%s, %d%% done".formatted(status, rowsDone * 100 / totalRows);
        }
    }

    private RunView view(JobInstance instance) {
        List<JobExecution> executions = jobRepository.getJobExecutions(instance);
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            // Spring Batch creates the instance and its first execution in separate transactions: a process killed in
            // between leaves a run without executions (and without the job name, an execution parameter).
            return new RunView(instance.getInstanceId(), "-", "NOT STARTED (process died)", 0, null, null, 0, 0, null, null, null,
                    "its process died while creating it; start a new run");
        }
        JobExecution first = executions.isEmpty() ? last : executions.getLast();
        String jobName = last.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score");
        long total = 0;
        long done = 0;
        String output = null;
        String model = null;
        if (last.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)) {
            ScoringPlan plan = PlanCodec.plan(last.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
            total = plan.totalRows();
            output = plan.outputUri();
            model = plan.model().name() + "@" + plan.model().version() + " (sha256 " + plan.model().sha256().substring(0, 12) + ")";
            done = rowsCommitted(instance, plan);
        }
        RunCommit.Summary summary = summary(last);
        String status = last.getStatus().name();
        if (last.getStatus().isRunning()) {
            Optional<RunLeases.Lease> lease = leases.lease(instance.getInstanceId());
            if (lease.isEmpty() || !lease.get().alive()) {
                status = status + " (owner gone: relaunch it)";
            }
        }
        return new RunView(instance.getInstanceId(), jobName, status, executions.size(), first.getStartTime(), last.getEndTime(),
                total, done, output, model, summary, failure(last));
    }

    private long rowsCommitted(JobInstance instance, ScoringPlan plan) {
        long done = 0;
        for (ScoringPlan.PlannedPartition partition : plan.partitions()) {
            var execution = jobRepository.getLastStepExecution(instance, ScoringWorkerStep.NAME + ":" + partition.name());
            if (execution != null) {
                var context = execution.getExecutionContext();
                done += context.getLong(ScoringSteps.WRITER_NAME + ".rowsScored", 0L)
                        + context.getLong(ScoringSteps.WRITER_NAME + ".rowsRejected", 0L);
            }
        }
        return done;
    }

    private JobInstance instance(long runId) {
        JobInstance instance = jobRepository.getJobInstance(runId);
        if (instance == null || !ScoringJobConfiguration.JOB_NAME.equals(instance.getJobName())) {
            throw new RunRequestException("No run with id " + runId + ". `nightshift status` lists runs.");
        }
        return instance;
    }

    private RunOutcome outcome(JobExecution execution) {
        steps.forget(execution.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY));
        RunCommit.Summary summary = summary(execution);
        String output = execution.getExecutionContext().containsKey(ScoringWorkerStep.PLAN_KEY)
                ? PlanCodec.plan(execution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY)).outputUri()
                : null;
        Duration elapsed = execution.getStartTime() == null || execution.getEndTime() == null ? Duration.ZERO
                : Duration.between(execution.getStartTime(), execution.getEndTime());
        long runId = execution.getJobInstance().getInstanceId();
        String failure = execution.getStatus() == BatchStatus.STOPPED && stopReason != null
                ? "stopped on request (" + stopReason + ") after its current chunk; relaunch with ./nightshift relaunch " + runId
                : failure(execution);
        return new RunOutcome(runId, execution.getId(), execution.getStatus().name(), failure, configurationError(execution),
                summary, output, elapsed, phases(execution));
    }

    /** Whether the failure {@link #failure} reports is a configuration problem: the user fixes settings, not input. */
    static boolean configurationError(JobExecution execution) {
        for (Throwable failure : execution.getAllFailureExceptions()) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof NightshiftException ours) {
                    return ours.disposition().fixFirst();
                }
            }
        }
        return false;
    }

    /** The summary a completed execution's commit step saved, or null. */
    private static RunCommit.Summary summary(JobExecution execution) {
        return execution.getExecutionContext().containsKey(ScoringJobConfiguration.SUMMARY_KEY)
                ? PlanCodec.summary(execution.getExecutionContext().getString(ScoringJobConfiguration.SUMMARY_KEY))
                : null;
    }

    /** How long each top-level step of this execution took (plan, score, commit), in order; skipped steps are absent. */
    private static Map<String, Duration> phases(JobExecution execution) {
        Map<String, Duration> phases = new LinkedHashMap<>();
        execution.getStepExecutions().stream()
                .filter(step -> !step.getStepName().contains(":") && step.getStartTime() != null && step.getEndTime() != null)
                .sorted(java.util.Comparator.comparing(StepExecution::getStartTime))
                .forEach(step -> phases.put(step.getStepName(), Duration.between(step.getStartTime(), step.getEndTime())));
        return phases;
    }

    /**
     * The most useful failure message of an execution: ours (what and why) if any; else any message in any cause
     * chain that says what could not be done ("Cannot finish s3://…"); else the root cause of a failure that is not
     * one of Spring Batch's own wrappers ("Partition handler returned an unsuccessful step" says nothing).
     */
    static String failure(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.STOPPED) {
            return "stopped on request after a chunk; relaunch it to resume from its last checkpoint";
        }
        List<Throwable> failures = new ArrayList<>(execution.getAllFailureExceptions());
        for (Throwable failure : failures) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof NightshiftException) {
                    return cause.getMessage();
                }
            }
        }
        for (Throwable failure : failures) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && cause.getMessage().startsWith("Cannot ")) {
                    return cause.getMessage();
                }
            }
        }
        failures.sort(java.util.Comparator.comparing(Runs::isBatchWrapper));
        for (Throwable failure : failures) {
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            return message + (root != failure ? " (caused by " + root + ")" : "");
        }
        return null;
    }

    /** Spring Batch's own exceptions that only say a step or partition failed, not why. */
    private static boolean isBatchWrapper(Throwable failure) {
        return failure.getCause() == null && failure.getClass().getName().startsWith("org.springframework.batch.");
    }
}
