package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.budget.Budget;
import io.nightshift.budget.BudgetGuard;
import io.nightshift.budget.RunCost;
import io.nightshift.scoring.PlanCodec;
import io.nightshift.scoring.RunCommit;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringPlanner;
import io.nightshift.scoring.ScoringSettings;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
    /** The key {@link JobOperator#recover} puts into an execution's context. */
    private static final String RECOVERED_MARKER = "batch.recovered";
    /** Times in reasons, as status shows times: to the second, in this JVM's zone. */
    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", java.util.Locale.ROOT);

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job scoringJob;
    private final Job retrainJob;
    private final RunStore store;
    private final RunLeases leases;
    private final ScoringPlanner planner;
    private final ScoringSteps steps;
    private final OutputClaims claims;
    private final RunCommit commit;
    /** Why this process asked its runs to stop (SIGTERM, SIGINT, a spot notice), for the run's summary. */
    private volatile String stopReason;
    /** Why one execution was asked to stop by its budget guard, by execution id, for its summary and status. */
    private final Map<Long, BudgetGuard.Stop> budgetStops = new java.util.concurrent.ConcurrentHashMap<>();

    private final SharedRepository sharedRepository;

    Runs(JobOperator jobOperator, JobRepository jobRepository, Job scoringJob, Job retrainJob, RunStore store, RunLeases leases,
            ScoringPlanner planner, ScoringSteps steps, OutputClaims claims, RunCommit commit,
            SharedRepository sharedRepository) {
        this.sharedRepository = sharedRepository;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.scoringJob = scoringJob;
        this.retrainJob = retrainJob;
        this.store = store;
        this.leases = leases;
        this.planner = planner;
        this.steps = steps;
        this.claims = claims;
        this.commit = commit;
    }

    /** Checks what can be checked before a run exists, creates the run and executes it to its end (a user's run). */
    public RunOutcome score(String jobName, ScoringSettings settings) {
        return score(jobName, settings, RunTrigger.manual(RunTrigger.currentUser()));
    }

    /**
     * As {@link #score(String, ScoringSettings)}, recording {@code trigger} as the run's origin. A SCHEDULE trigger's run
     * key is derived from the job and the fire time ({@link #scheduledRunKey}), and both are identifying parameters:
     * a second launch of the same fire (two scheduler nodes, a recovered Quartz job) is refused with
     * {@link DuplicateFireException} by the run table's key or by Spring Batch, never run twice.
     */
    public RunOutcome score(String jobName, ScoringSettings settings, RunTrigger trigger) {
        boolean scheduled = trigger.kind() == RunTrigger.Kind.SCHEDULE;
        return score(scheduled ? scheduledRunKey(jobName, trigger.fireTime()) : newRunKey(), jobName, settings, trigger);
    }

    /** A fresh key for a manual run: the caller may hold it to find the run ({@link #runIdOfKey}) while it starts. */
    public static String newRunKey() {
        return UUID.randomUUID().toString();
    }

    /**
     * As {@link #score(String, ScoringSettings, RunTrigger)} under a run key the caller chose ({@link #newRunKey} for a
     * manual run), so that a caller who does not wait for the run's end can still find its id once it exists.
     */
    public RunOutcome score(String runKey, String jobName, ScoringSettings settings, RunTrigger trigger) {
        boolean scheduled = trigger.kind() == RunTrigger.Kind.SCHEDULE;
        if (scheduled && store.settings(runKey).isPresent()) {
            throw duplicateFire(jobName, trigger, runKey);
        }
        if (settings.partitions().remote()) {
            sharedRepository.require("run " + jobName + " with partitions.mode: remote");
        }
        planner.preflight(settings);
        claims.refuseIfHeld(planner.outputUri(settings));
        try {
            store.save(runKey, jobName, settings, trigger);
        } catch (org.springframework.dao.DuplicateKeyException e) {
            throw duplicateFire(jobName, trigger, runKey);
        }
        JobParametersBuilder parameters = new JobParametersBuilder()
                .addString(ScoringJobConfiguration.RUN_KEY, runKey)
                .addString(ScoringJobConfiguration.JOB_SPEC_NAME, jobName, scheduled);
        if (scheduled) {
            parameters.addString(ScoringJobConfiguration.FIRE_TIME, trigger.fireTime().toString());
        }
        try {
            return outcome(jobOperator.start(scoringJob, parameters.toJobParameters()));
        } catch (org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException
                | org.springframework.batch.core.launch.JobExecutionAlreadyRunningException e) {
            throw duplicateFire(jobName, trigger, runKey);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start run of " + jobName + ": " + e.getMessage(), e);
        }
    }

    /** The run key of a schedule's fire: a name-based UUID, so its first characters still tell runs apart in part names. */
    public static String scheduledRunKey(String jobName, java.time.Instant fireTime) {
        return UUID.nameUUIDFromBytes(("schedule:" + jobName + ":" + fireTime).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    private DuplicateFireException duplicateFire(String jobName, RunTrigger trigger, String runKey) {
        String run = store.runId(runKey).map(id -> "run " + id).orElse("a run (key " + runKey + ")");
        return new DuplicateFireException("Fire " + trigger.fireTime() + " of job " + jobName + " already has " + run
                + "; not launched again");
    }

    /** The run a run key belongs to, once its first execution exists. */
    public Optional<Long> runIdOfKey(String runKey) {
        return store.runId(runKey);
    }

    /**
     * Creates a retraining run of a {@code kind: retrain} spec (read again from the text kept with the run, so a relaunch
     * trains, registers and gates what this run was asked to) and executes it to its end: train, register, gate.
     */
    public RunOutcome retrain(Path specFile) {
        return retrain(newRunKey(), specFile);
    }

    /** As {@link #retrain(Path)} under a run key the caller chose (see {@link #score(String, String, ScoringSettings, RunTrigger)}). */
    public RunOutcome retrain(String runKey, Path specFile) {
        RetrainRequest request = RetrainRequest.read(specFile);
        JobSpec spec = request.spec();
        store.save(runKey, spec.name(), request);
        JobParameters parameters = new JobParametersBuilder()
                .addString(ScoringJobConfiguration.RUN_KEY, runKey)
                .addString(ScoringJobConfiguration.JOB_SPEC_NAME, spec.name(), false)
                .toJobParameters();
        try {
            return outcome(jobOperator.start(retrainJob, parameters));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start run of " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Resumes a run from its last checkpoint. A RUNNING execution is taken over only when its owner is provably
     * dead (see {@link RunLeases}); a live one is refused.
     */
    public RunOutcome relaunch(long runId) {
        return relaunch(runId, RunTrigger.relaunch(RunTrigger.currentUser()));
    }

    /** As {@link #relaunch(long)}, recording {@code trigger} (a user's relaunch, or a scheduler's takeover) with the run. */
    public RunOutcome relaunch(long runId, RunTrigger trigger) {
        return relaunch(runId, trigger, BudgetRaise.NONE);
    }

    /**
     * A relaunch's new caps: what {@code nightshift relaunch --max-dollars/--max-gpu-hours} gives, 0 to keep the run's.
     * A run its budget stopped resumes only under a cap above what it has spent.
     */
    public record BudgetRaise(double maxDollars, double maxGpuHours) {

        public static final BudgetRaise NONE = new BudgetRaise(0, 0);

        public BudgetRaise {
            if (maxDollars < 0 || maxGpuHours < 0 || Double.isNaN(maxDollars) || Double.isNaN(maxGpuHours)) {
                throw new RunRequestException("--max-dollars and --max-gpu-hours must be 0 or more");
            }
        }

        public boolean none() {
            return maxDollars == 0 && maxGpuHours == 0;
        }

        /** {@code budget} with these caps where given. */
        public Budget applyTo(Budget budget) {
            return new Budget(budget.maxWorkers(), maxGpuHours > 0 ? maxGpuHours : budget.maxGpuHours(),
                    maxDollars > 0 ? maxDollars : budget.maxDollars(), budget.nodeType(), budget.capacity(), budget.pricePerHour(),
                    budget.gpusPerNode(), budget.expectedRowsPerSecond(), budget.pricingSource());
        }
    }

    /**
     * As {@link #relaunch(long, RunTrigger)}, first raising the run's caps to {@code raise} (recorded with the run, so
     * later relaunches keep them). Refused, before anything changes, when a cap given is not above what the run spent.
     */
    public RunOutcome relaunch(long runId, RunTrigger trigger, BudgetRaise raise) {
        // Checked again after the takeover (the run may have run on meanwhile); here, before the takeover changes anything.
        checkBudgetRaise(runId, raise);
        JobInstance instance = instance(runId);
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            throw new RunRequestException("Run " + runId + " has no executions to relaunch.");
        }
        refuseFinished(runId, last);
        // The takeover and recovery lines belong to the run, like the lines its listener tags once the execution starts.
        try (MDC.MDCCloseable run = MDC.putCloseable("runId", Long.toString(runId));
                MDC.MDCCloseable job = MDC.putCloseable("job", last.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score"))) {
            return takeOverAndRestart(runId, instance, last, trigger, raise);
        }
    }

    /**
     * Checks, before a relaunch is queued (the REST API's), that {@code raise} can be applied to run {@code runId}: it is
     * a scoring run with a price, and each cap given is above what the run has spent. Throws {@link RunRequestException}.
     */
    public void checkBudgetRaise(long runId, BudgetRaise raise) {
        if (!raise.none()) {
            JobInstance instance = instance(runId);
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last != null) {
                raisedBudget(runId, instance, last.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY), raise);
            }
        }
    }

    /** Records a relaunch's raised caps with the run, after checking they are above what it has spent. */
    private Budget raiseBudget(long runId, JobInstance instance, String runKey, BudgetRaise raise) {
        Budget raised = raisedBudget(runId, instance, runKey, raise);
        store.updateBudget(runKey, raised);
        log.info("Run {}: budget raised to {}", runId, raised.caps());
        return raised;
    }

    private Budget raisedBudget(long runId, JobInstance instance, String runKey, BudgetRaise raise) {
        ScoringSettings settings = store.settings(runKey)
                .orElseThrow(() -> new RunRequestException("Run " + runId + " is not a scoring run: it has no budget to raise."));
        Budget raised = raise.applyTo(settings.budget());
        if (raise.maxDollars() > 0 && raised.pricePerHour() == 0) {
            throw new RunRequestException("Run " + runId + " has no price (its job spec gives no budget.node-type or"
                    + " budget.price-per-hour), so --max-dollars cannot cap it; give --max-gpu-hours, or set a price in the"
                    + " job spec and start a new run.");
        }
        if (raise.maxGpuHours() > 0 && raised.gpusPerNode() == 0) {
            throw new RunRequestException("Run " + runId + " runs on a node type without GPUs, so --max-gpu-hours cannot cap"
                    + " it; give --max-dollars.");
        }
        RunCost spent = cost(instance, settings.withBudget(raised));
        if (raise.maxDollars() > 0 && raise.maxDollars() <= spent.dollars()) {
            throw new RunRequestException("Run %d has cost $%.2f so far: --max-dollars %s would stop it at once. Give a cap above what it spent."
                    .formatted(runId, spent.dollars(), raise.maxDollars()));
        }
        if (raise.maxGpuHours() > 0 && raise.maxGpuHours() <= spent.gpuHours()) {
            throw new RunRequestException("Run %d has used %.2f GPU-h so far: --max-gpu-hours %s would stop it at once. Give a cap above what it used."
                    .formatted(runId, spent.gpuHours(), raise.maxGpuHours()));
        }
        return raised;
    }

    private RunOutcome takeOverAndRestart(long runId, JobInstance instance, JobExecution last, RunTrigger trigger, BudgetRaise raise) {
        Optional<RunLeases.Lease> previousOwner = leases.lease(runId);
        // The takeover is one conditional update of the run's lease: of two relaunches started at once, one wins
        // here and the other is refused before it changes anything.
        leases.takeOver(runId);
        try {
            last = jobRepository.getLastJobExecution(instance);
            refuseFinished(runId, last);
            last = recoverIfOwnerGone(runId, last, previousOwner, trigger.kind() == RunTrigger.Kind.TAKEOVER
                    ? "the scheduler on " + trigger.by() : "a relaunch");
            last = failUnknown(runId, last);
            Optional<ScoringPlan> plan = plan(instance, last);
            if (plan.isPresent()) {
                steps.verifyInputs(plan.get(), runId);
            }
            if (!raise.none()) {
                Budget raised = raiseBudget(runId, instance, last.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY), raise);
                trigger = new RunTrigger(trigger.kind(), trigger.by(), trigger.fireTime(), "budget raised to " + raised.caps(),
                        trigger.at());
            }
            store.addTrigger(last.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY), trigger);
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
     * Marks FAILED a run whose execution is still marked running but whose owner is gone, without relaunching it (a
     * scheduler leaving it for an operator): the same conditional takeover as a relaunch, so a live owner is refused
     * and of two nodes only one records it. {@code by} names who marked it, for its reason.
     */
    public void recoverLostRun(long runId, String by) {
        JobInstance instance = instance(runId);
        Optional<RunLeases.Lease> previousOwner = leases.lease(runId);
        leases.takeOver(runId);
        try (MDC.MDCCloseable run = MDC.putCloseable("runId", Long.toString(runId))) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last != null) {
                failUnknown(runId, recoverIfOwnerGone(runId, last, previousOwner, by));
            }
        } finally {
            leases.release(runId);
        }
    }

    /**
     * Marks FAILED an execution still marked running whose owner is gone (the caller won the takeover), recording
     * which process died and when it was last heard of as its reason.
     */
    private JobExecution recoverIfOwnerGone(long runId, JobExecution last, Optional<RunLeases.Lease> previousOwner, String by) {
        BatchStatus status = last.getStatus();
        if (!status.isRunning()) {
            return last;
        }
        log.warn("Run {} execution {} was {} but its owner is gone; marking it FAILED for {}", runId, last.getId(), status, by);
        LocalDateTime lastSeen = lastSeen(last, previousOwner);
        JobExecution recovered = jobOperator.recover(last);
        // recover() ends the execution now; it ended when its process was last seen, which status shows as its end.
        recovered.setEndTime(lastSeen);
        jobRepository.update(recovered);
        // recover() marks the context in memory only; saved with the reason, the marker would be copied into the
        // relaunch's execution, and a later recover() of that execution would do nothing.
        recovered.getExecutionContext().remove(RECOVERED_MARKER);
        RunReasons.record(jobRepository, recovered, ownerGone(status.name(), previousOwner) + "; marked FAILED by " + by, null);
        return recovered;
    }

    /**
     * When the process running an execution was last known alive: its last checkpoint or status update, or its
     * lease's last heartbeat, whichever is later (never after now, never before the execution started).
     */
    private static LocalDateTime lastSeen(JobExecution execution, Optional<RunLeases.Lease> owner) {
        LocalDateTime now = LocalDateTime.now();
        LocalDateTime seen = execution.getStartTime() == null ? now : execution.getStartTime();
        List<LocalDateTime> signs = new ArrayList<>();
        signs.add(execution.getLastUpdated());
        execution.getStepExecutions().forEach(step -> signs.add(step.getLastUpdated()));
        owner.ifPresent(lease -> signs.add(LocalDateTime.ofInstant(lease.heartbeatAt(), ZoneId.systemDefault())));
        for (LocalDateTime sign : signs) {
            if (sign != null && sign.isAfter(seen)) {
                seen = sign;
            }
        }
        return seen.isAfter(now) ? now : seen;
    }

    /** Why an execution marked running is not: the process that ran it is gone. */
    private static String ownerGone(String status, Optional<RunLeases.Lease> owner) {
        return owner.map(lease -> "its process (pid " + lease.pid() + " on " + lease.host() + ") died while it was " + status
                + "; last heartbeat " + lease.heartbeatAt().atZone(ZoneId.systemDefault()).format(TIME))
                .orElse("its process died while it was " + status + ", before taking the run's lease");
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
            if (!execution.getExecutionContext().containsKey(RunReasons.REASON_KEY)) {
                RunReasons.record(jobRepository, execution, "a chunk could neither commit nor roll back (e.g. its database"
                        + " connection dropped), so Spring Batch left it UNKNOWN; marked FAILED: its checkpoints are what the"
                        + " database committed", null);
            }
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
        Optional<RunLeases.Lease> previousOwner = leases.lease(runId);
        leases.takeOver(runId);
        try {
            last = jobRepository.getLastJobExecution(instance);
            String previous = last.getStatus().name();
            last = recoverIfOwnerGone(runId, last, previousOwner, "nightshift abandon");
            // abandon() only upgrades the status, and UNKNOWN ranks above ABANDONED: a run left UNKNOWN would never
            // show ABANDONED, and a relaunch would resume it with its files deleted.
            last = failUnknown(runId, last);
            String previousReason = RunReasons.of(last);
            last = jobOperator.abandon(last);
            RunReasons.record(jobRepository, last, "abandoned with `nightshift abandon` (it was " + previous
                    + (previousReason == null ? "" : ": " + previousReason) + "); its files were deleted, start a new run", null);
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

    /**
     * Asks run {@code runId} to stop after its current chunk, whichever node runs it (the stop is recorded in the job
     * repository, where its step sees it at the next chunk boundary). Refused when the run is not running.
     */
    public void stopRun(long runId) {
        JobExecution last = jobRepository.getLastJobExecution(instance(runId));
        if (last == null || !last.isRunning()) {
            throw new RunRequestException("Run " + runId + " is not running (" + (last == null ? "no executions" : last.getStatus())
                    + "); there is nothing to stop.");
        }
        stop(last.getId());
    }

    /** Whether a run (a scoring or retraining job instance) has this id. */
    public boolean exists(long runId) {
        JobInstance instance = jobRepository.getJobInstance(runId);
        return instance != null && (ScoringJobConfiguration.JOB_NAME.equals(instance.getJobName())
                || RetrainJobConfiguration.JOB_NAME.equals(instance.getJobName()));
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

    /**
     * Asks an execution of this process to stop after its current chunk because its budget would be passed; {@code reason}
     * goes into its reason, and the scheduler leaves it for an operator to relaunch with a raised cap.
     */
    public void stopForBudget(long executionId, BudgetGuard.Stop reason) {
        budgetStops.put(executionId, reason);
        stop(executionId);
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

    /** The most recent runs, newest first; {@code limit} 0 (or less) means every run. */
    public List<RunView> recent(int limit) {
        List<RunView> views = new ArrayList<>();
        int count = limit <= 0 ? Integer.MAX_VALUE : limit;
        List<JobInstance> instances = new ArrayList<>(jobRepository.getJobInstances(ScoringJobConfiguration.JOB_NAME, 0, count));
        instances.addAll(jobRepository.getJobInstances(RetrainJobConfiguration.JOB_NAME, 0, count));
        instances.sort(java.util.Comparator.comparing(JobInstance::getInstanceId).reversed());
        for (JobInstance instance : instances.subList(0, Math.min(count, instances.size()))) {
            views.add(view(instance));
        }
        return views;
    }

    /** How far back {@link #lastCompletedInput} looks: enough for any model scored in a run of the last months. */
    private static final int RECENT_INPUT_SEARCH = 500;

    /**
     * The input (as its run was given it: a file, directory or glob, fire-time placeholders resolved) of the most
     * recent COMPLETED scoring run of the model named {@code modelName}, any version: the gate's default recent input
     * for its drift check. Looks at the last few hundred runs only.
     */
    public Optional<String> lastCompletedInput(String modelName) {
        for (JobInstance instance : jobRepository.getJobInstances(ScoringJobConfiguration.JOB_NAME, 0, RECENT_INPUT_SEARCH)) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last == null || last.getStatus() != BatchStatus.COMPLETED) {
                continue;
            }
            Optional<ScoringPlan> plan = plan(instance, last);
            if (plan.isPresent() && modelName.equals(plan.get().model().name())) {
                return Optional.of(plan.get().settings().input());
            }
        }
        return Optional.empty();
    }

    public RunView describe(long runId) {
        return view(instance(runId));
    }

    /**
     * A run as {@code status} shows it.
     *
     * @param status      the last execution's status (Spring Batch's names: COMPLETED, FAILED, STOPPED, STARTED, …)
     * @param ownerGone   the last execution is marked running, but the process running it is gone: relaunch it
     * @param executions  every execution, oldest first
     * @param started     when the first execution started
     * @param ended       when the last execution ended; null while it runs
     * @param totalRows   rows the plan holds; 0 before the run was planned
     * @param rowsDone    rows scored or rejected in checkpoints so far (all executions); committed only if {@code committed}
     * @param committed   the run's output is committed: its manifest lists {@code rowsDone} rows
     * @param output      the output location, once planned
     * @param model       the model as planned ({@code name@version (sha256 …)}), once planned
     * @param summary     what the commit step saved, for a committed run
     * @param reason      why the last execution did not complete (null for a completed run and a live running one)
     * @param disposition what kind of error failed it, when one of ours did (CONFIGURATION: fix and start a new run)
     * @param owner       the run's lease: the process that last ran it (host, pid, heartbeat); null if none took it
     * @param triggers    what started the run and each relaunch, oldest first (empty for runs recorded before triggers were)
     * @param cost        what the run has cost so far, all executions (ZERO for a retraining run)
     * @param budget      the run's budget as stored with it (a relaunch may have raised its caps); NONE for retraining
     * @param stoppedBy   {@code budget} when its budget guard stopped the last execution; null otherwise
     */
    public record RunView(long runId, String jobName, String status, boolean ownerGone, List<ExecutionView> executions,
            LocalDateTime started, LocalDateTime ended, long totalRows, long rowsDone, boolean committed, String output, String model,
            RunCommit.Summary summary, String reason, String disposition, RunLeases.Lease owner, List<RunTrigger> triggers,
            RunCost cost, Budget budget, String stoppedBy) {

        public RunView {
            executions = List.copyOf(executions);
            triggers = List.copyOf(triggers);
            cost = cost == null ? RunCost.ZERO : cost;
            budget = budget == null ? Budget.NONE : budget;
        }

        /** A run without a budget's figures (a retraining run). */
        public RunView(long runId, String jobName, String status, boolean ownerGone, List<ExecutionView> executions,
                LocalDateTime started, LocalDateTime ended, long totalRows, long rowsDone, boolean committed, String output,
                String model, RunCommit.Summary summary, String reason, String disposition, RunLeases.Lease owner,
                List<RunTrigger> triggers) {
            this(runId, jobName, status, ownerGone, executions, started, ended, totalRows, rowsDone, committed, output, model,
                    summary, reason, disposition, owner, triggers, null, null, null);
        }

        /** Its budget guard stopped it: an operator relaunches it with a raised cap; the scheduler does not. */
        public boolean stoppedByBudget() {
            return RunReasons.BUDGET.equals(stoppedBy);
        }

        /** The last execution is marked running (STARTING, STARTED, STOPPING). */
        public boolean running() {
            return !executions.isEmpty() && executions.getLast().running();
        }

        /** The status with what to do about a running run whose owner is gone. */
        public String displayStatus() {
            return ownerGone ? status + " (owner gone: relaunch it)" : status;
        }

        /** A relaunch would resume the run: it is neither finished nor running, and was not failed by its configuration. */
        public boolean relaunchable() {
            return switch (status) {
                case "COMPLETED", "ABANDONED" -> false;
                default -> (!running() || ownerGone) && !executions.isEmpty()
                        && !"CONFIGURATION".equals(disposition) && !"USAGE".equals(disposition);
            };
        }

        /** {@code STOPPED, 41% done}: enough for a message that names the run holding something. */
        public String progressSummary() {
            return totalRows == 0 ? displayStatus() : "%s, %d%% done".formatted(displayStatus(), rowsDone * 100 / totalRows);
        }
    }

    /**
     * One start or relaunch of a run.
     *
     * @param rows   rows this execution scored or rejected in its checkpoints (what it added to the run)
     * @param reason why it did not complete; null if it completed or is running
     */
    public record ExecutionView(long executionId, String status, LocalDateTime started, LocalDateTime ended, long rows,
            String reason) {

        public boolean running() {
            return BatchStatus.valueOf(status).isRunning();
        }

        /** How long it ran; null until it ends (or when it never started). */
        public Duration duration() {
            return started == null || ended == null ? null : Duration.between(started, ended);
        }
    }

    private RunView view(JobInstance instance) {
        List<JobExecution> executions = new ArrayList<>(jobRepository.getJobExecutions(instance));
        Optional<RunLeases.Lease> lease = leases.lease(instance.getInstanceId());
        if (executions.isEmpty()) {
            // Spring Batch creates the instance and its first execution in separate transactions: a process killed in
            // between leaves a run without executions (and without the job name, an execution parameter).
            return new RunView(instance.getInstanceId(), "-", "NOT STARTED (process died)", false, List.of(), null, null, 0, 0,
                    false, null, null, null, "its process died while creating it; start a new run", null, lease.orElse(null), List.of());
        }
        executions.sort(java.util.Comparator.comparing(JobExecution::getId));
        JobExecution first = executions.getFirst();
        JobExecution last = executions.getLast();
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
        boolean ownerGone = last.getStatus().isRunning() && (lease.isEmpty() || !lease.get().alive());
        List<ExecutionView> views = executionViews(executions);
        String reason = ownerGone ? ownerGone(last.getStatus().name(), lease) + "; relaunch it: nightshift relaunch "
                + instance.getInstanceId() : views.getLast().reason();
        String disposition = RunReasons.recordedDisposition(last).map(Enum::name).orElse(null);
        boolean committed = last.getStatus() == BatchStatus.COMPLETED && summary != null;
        String runKey = last.getJobParameters().getString(ScoringJobConfiguration.RUN_KEY);
        Optional<ScoringSettings> settings = ScoringJobConfiguration.JOB_NAME.equals(instance.getJobName())
                ? store.settings(runKey) : Optional.empty();
        RunCost cost = settings.map(stored -> cost(instance, stored)).orElse(null);
        String stoppedBy = last.getStatus() == BatchStatus.STOPPED && last.getExecutionContext().containsKey(RunReasons.STOPPED_BY_KEY)
                ? last.getExecutionContext().getString(RunReasons.STOPPED_BY_KEY) : null;
        return new RunView(instance.getInstanceId(), jobName, last.getStatus().name(), ownerGone, views, first.getStartTime(),
                last.getEndTime(), total, done, committed, output, model, summary, reason, disposition, lease.orElse(null),
                store.triggers(runKey), cost, settings.map(ScoringSettings::budget).orElse(null), stoppedBy);
    }

    /**
     * What a scoring run has cost so far at {@code settings}' budget: every execution, each charged the nodes its plan
     * implies ({@link ScoringSettings#nodesCharged}; one before it was planned). See {@link RunCosts}.
     */
    private RunCost cost(JobInstance instance, ScoringSettings settings) {
        List<JobExecution> executions = new ArrayList<>(jobRepository.getJobExecutions(instance));
        executions.sort(java.util.Comparator.comparing(JobExecution::getId));
        int partitions = executions.isEmpty() ? 1 : plan(instance, executions.getLast()).map(plan -> plan.partitions().size()).orElse(1);
        return RunCosts.of(executions, settings.budget(), settings.nodesCharged(partitions));
    }

    /**
     * The executions of a run, oldest first, each with the rows it added: a partition's checkpoint holds the rows it
     * has scored or rejected so far, over all executions, so an execution added what its partitions' checkpoints grew
     * by since the previous execution's.
     */
    private static List<ExecutionView> executionViews(List<JobExecution> oldestFirst) {
        Map<String, Long> checkpointed = new java.util.HashMap<>();
        List<ExecutionView> views = new ArrayList<>();
        for (JobExecution execution : oldestFirst) {
            long rows = 0;
            for (StepExecution step : execution.getStepExecutions()) {
                if (step.getStepName().startsWith(ScoringWorkerStep.NAME + ":")) {
                    long now = checkpointedRows(step);
                    Long before = checkpointed.put(step.getStepName(), now);
                    rows += Math.max(0, now - (before == null ? 0 : before));
                }
            }
            views.add(new ExecutionView(execution.getId(), execution.getStatus().name(), execution.getStartTime(),
                    execution.getEndTime(), rows, RunReasons.of(execution)));
        }
        return views;
    }

    /**
     * One partition of a run as its last checkpoint left it.
     *
     * @param rows        rows it scored or rejected up to its last checkpoint (all executions)
     * @param commits     checkpoints (chunk commits) of its last execution
     * @param executionId the run execution its last step execution belongs to
     */
    public record PartitionView(String name, String status, long rows, long commits, LocalDateTime checkpointedAt, long executionId) {
    }

    /** The partitions of a run, by name, each as its last step execution left it; empty before the run was planned. */
    public List<PartitionView> partitions(long runId) {
        JobInstance instance = instance(runId);
        Map<String, PartitionView> partitions = new java.util.TreeMap<>();
        for (JobExecution execution : jobRepository.getJobExecutions(instance)) {
            for (StepExecution step : execution.getStepExecutions()) {
                String prefix = ScoringWorkerStep.NAME + ":";
                if (!step.getStepName().startsWith(prefix)) {
                    continue;
                }
                String name = step.getStepName().substring(prefix.length());
                PartitionView seen = partitions.get(name);
                if (seen == null || seen.executionId() <= execution.getId()) {
                    partitions.put(name, new PartitionView(name, step.getStatus().name(), checkpointedRows(step), step.getCommitCount(),
                            step.getLastUpdated(), execution.getId()));
                }
            }
        }
        return List.copyOf(partitions.values());
    }

    private static long checkpointedRows(StepExecution partition) {
        var context = partition.getExecutionContext();
        return context.getLong(ScoringSteps.WRITER_NAME + ".rowsScored", 0L) + context.getLong(ScoringSteps.WRITER_NAME + ".rowsRejected", 0L);
    }

    private long rowsCommitted(JobInstance instance, ScoringPlan plan) {
        long done = 0;
        for (ScoringPlan.PlannedPartition partition : plan.partitions()) {
            var execution = jobRepository.getLastStepExecution(instance, ScoringWorkerStep.NAME + ":" + partition.name());
            if (execution != null) {
                done += checkpointedRows(execution);
            }
        }
        return done;
    }

    private JobInstance instance(long runId) {
        JobInstance instance = jobRepository.getJobInstance(runId);
        if (instance == null || !(ScoringJobConfiguration.JOB_NAME.equals(instance.getJobName())
                || RetrainJobConfiguration.JOB_NAME.equals(instance.getJobName()))) {
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
        BudgetGuard.Stop budgetStop = budgetStops.remove(execution.getId());
        String failure = execution.getStatus() == BatchStatus.STOPPED && budgetStop != null
                ? "stopped by its budget (" + budgetStop.reason() + ") after its current chunk; relaunch with a raised cap:"
                        + " ./nightshift relaunch " + runId + " " + budgetStop.relaunchOption()
                : execution.getStatus() == BatchStatus.STOPPED && stopReason != null
                ? "stopped on request (" + stopReason + ") after its current chunk; relaunch with ./nightshift relaunch " + runId
                : failure(execution);
        if (execution.getStatus() == BatchStatus.STOPPED && budgetStop != null) {
            execution.getExecutionContext().putString(RunReasons.STOPPED_BY_KEY, RunReasons.BUDGET);
        }
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            RunReasons.record(jobRepository, execution, failure, RunReasons.disposition(execution).orElse(null));
        }
        String jobName = execution.getJobParameters().getString(ScoringJobConfiguration.JOB_SPEC_NAME, "score");
        return new RunOutcome(runId, execution.getId(), jobName, execution.getStatus().name(), failure, configurationError(execution),
                summary, output, elapsed, phases(execution), rowsOf(execution), RetrainJobConfiguration.details(execution));
    }

    /** The rows an execution added to its run's checkpoints, as {@code status} counts them. */
    private long rowsOf(JobExecution execution) {
        try {
            List<JobExecution> executions = new ArrayList<>(jobRepository.getJobExecutions(execution.getJobInstance()));
            executions.sort(java.util.Comparator.comparing(JobExecution::getId));
            return executionViews(executions).stream().filter(view -> view.executionId() == execution.getId())
                    .mapToLong(ExecutionView::rows).sum();
        } catch (RuntimeException e) {
            log.debug("Cannot count the rows of execution {}: {}", execution.getId(), e.getMessage());
            return 0;
        }
    }

    /** Whether the failure {@link #failure} reports is a configuration problem: the user fixes settings, not input. */
    static boolean configurationError(JobExecution execution) {
        return RunReasons.disposition(execution).map(NightshiftException.Disposition::fixFirst).orElse(false);
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

    /** The most useful failure message of an execution that ran in this process (see {@link RunReasons#fromFailures}). */
    static String failure(JobExecution execution) {
        return RunReasons.fromFailures(execution);
    }
}
