package io.nightshift.job;

import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringException;
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

    Runs(JobOperator jobOperator, JobRepository jobRepository, Job scoringJob, RunStore store, RunLeases leases,
            ScoringPlanner planner, ScoringSteps steps) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.scoringJob = scoringJob;
        this.store = store;
        this.leases = leases;
        this.planner = planner;
        this.steps = steps;
    }

    /** Checks what can be checked before a run exists, creates the run and executes it to its end. */
    public RunOutcome score(String jobName, ScoringSettings settings) {
        planner.preflight(settings);
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
        BatchStatus status = last.getStatus();
        if (status == BatchStatus.COMPLETED) {
            throw new RunRequestException("Run " + runId + " already completed at " + last.getEndTime()
                    + "; nothing to relaunch. Start a new run to score again.");
        }
        if (status == BatchStatus.ABANDONED) {
            throw new RunRequestException("Run " + runId + " was abandoned and cannot be relaunched.");
        }
        if (status.isRunning() || status == BatchStatus.UNKNOWN) {
            Optional<RunLeases.Owner> owner = leases.owner(last.getId());
            if (owner.isPresent() && owner.get().alive()) {
                throw new RunRequestException("Run " + runId + " is still running (execution " + last.getId() + " on "
                        + owner.get().host() + ", pid " + owner.get().pid() + ", heartbeat " + owner.get().heartbeatAt()
                        + "). Stop it first, or wait for it to end.");
            }
            log.warn("Run {} execution {} was {} but its owner is gone ({}); marking it FAILED before relaunching", runId,
                    last.getId(), status, owner.map(o -> o.host() + " pid " + o.pid()).orElse("no lease"));
            last = jobOperator.recover(last);
            leases.release(last.getId());
        }
        try {
            return outcome(jobOperator.restart(last));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot relaunch run " + runId + ": " + e.getMessage(), e);
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
    public void stopRunsOfThisProcess() {
        leases.held().forEach(this::stop);
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
            Optional<RunLeases.Owner> owner = leases.owner(last.getId());
            if (owner.isEmpty() || !owner.get().alive()) {
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
        return new RunOutcome(execution.getJobInstance().getInstanceId(), execution.getId(), execution.getStatus().name(),
                failure(execution), configurationError(execution), summary, output, elapsed, phases(execution));
    }

    /** Whether the failure {@link #failure} reports is a configuration problem: the user fixes settings, not input. */
    static boolean configurationError(JobExecution execution) {
        for (Throwable failure : execution.getAllFailureExceptions()) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof ScoringException scoring) {
                    return scoring.kind() == ScoringException.Kind.CONFIGURATION;
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

    /** The most useful failure message of an execution: ours (what and why) if any, else the root cause's. */
    static String failure(JobExecution execution) {
        List<Throwable> failures = new ArrayList<>(execution.getAllFailureExceptions());
        for (Throwable failure : failures) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof ScoringException || cause instanceof io.nightshift.model.ModelException
                        || cause instanceof io.nightshift.commit.CommitConflictException) {
                    return cause.getMessage();
                }
            }
        }
        for (Throwable failure : failures) {
            if (failure.getMessage() != null && failure.getMessage().startsWith("Cannot ")) {
                return failure.getMessage();
            }
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            return message + (root != failure ? " (caused by " + root + ")" : "");
        }
        if (execution.getStatus() == BatchStatus.STOPPED) {
            return "stopped on request; relaunch it to resume from its last checkpoint";
        }
        return null;
    }
}
