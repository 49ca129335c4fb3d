package io.nightshift.job;

import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * The worker's side of remote partitioning: executes the partition one {@link StepExecutionRequest} names, exactly
 * once across workers, and says whether its message is done with ({@link Delivery#ACK}) or goes back to the queue
 * ({@link Delivery#REQUEUE}).
 *
 * <p>Not {@link StepExecutionRequestHandler}, which executes whatever step execution the message names: a redelivered
 * message names the execution a killed worker left STARTED, and executing that again would race a worker that still
 * runs it (a redelivery after a broken connection) and mix two attempts in one execution. Here the worker first takes
 * the partition's lease ({@link PartitionLeases}; a live holder makes it wait), skips a partition that COMPLETED or a
 * run that is no longer executing, and resumes an interrupted partition as Spring Batch restarts one: a new step
 * execution of the same step name, restored from the last one's saved context (which becomes ABANDONED), executed by the
 * same {@link ScoringWorkerStep} as a local partition, checkpointing per chunk in the shared job repository.
 */
public final class PartitionWorker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionWorker.class);

    /** What becomes of a partition's message once the worker is done with it. */
    public enum Delivery {
        /** Done with: the partition completed, failed (the manager fails the run), or needs no work from this worker. */
        ACK,
        /** Back to the queue for another worker: this one is stopping (SIGTERM, spot notice). */
        REQUEUE
    }

    private final JobRepository jobRepository;
    private final ScoringWorkerStep workerStep;
    private final ScoringSteps steps;
    private final PartitionLeases leases;
    private final Duration waitInterval;
    private final String worker = RunLeases.hostName() + " pid " + ProcessHandle.current().pid();
    private final AtomicReference<StepExecution> executing = new AtomicReference<>();

    public PartitionWorker(JobRepository jobRepository, ScoringWorkerStep workerStep, ScoringSteps steps,
            PartitionLeases leases, Duration waitInterval) {
        this.jobRepository = jobRepository;
        this.workerStep = workerStep;
        this.steps = steps;
        this.leases = leases;
        this.waitInterval = waitInterval;
    }

    /**
     * Asks the partition being executed to stop after its current chunk (its checkpoint commits with the chunk);
     * {@link #execute} then returns {@link Delivery#REQUEUE}. False when no partition is being executed.
     */
    public boolean stopAfterChunk() {
        StepExecution current = executing.get();
        if (current == null) {
            return false;
        }
        current.setTerminateOnly();
        return true;
    }

    public Delivery execute(StepExecutionRequest request, BooleanSupplier stopping) throws InterruptedException {
        StepExecution requested = jobRepository.getStepExecution(request.getStepExecutionId());
        if (requested == null) {
            log.warn("Dropping the request for step execution {} ({}): the job repository has no such execution (another"
                    + " database than the manager's?)", request.getStepExecutionId(), request.getStepName());
            return Delivery.ACK;
        }
        long runId = requested.getJobExecution().getJobInstance().getInstanceId();
        int partition = ScoringWorkerStep.partitionIndex(requested);
        RunLogContext.put(Map.of(RunLogContext.RUN_ID, Long.toString(runId)));
        try {
            return execute(requested, runId, partition, stopping);
        } finally {
            RunLogContext.remove();
            org.slf4j.MDC.remove("partition");
        }
    }

    private Delivery execute(StepExecution requested, long runId, int partition, BooleanSupplier stopping) throws InterruptedException {
        PartitionLeases.Held held = null;
        boolean waitLogged = false;
        while (held == null) {
            Optional<Delivery> done = nothingToDo(requested, runId, partition);
            if (done.isPresent()) {
                return done.get();
            }
            if (stopping.getAsBoolean()) {
                return Delivery.REQUEUE;
            }
            held = leases.tryTake(runId, partition).orElse(null);
            if (held == null) {
                if (!waitLogged) {
                    log.info("Partition {} of run {} is held by another live worker ({}); waiting for it to end", partition, runId,
                            leases.lease(runId, partition).map(lease -> lease.host() + " pid " + lease.pid()).orElse("?"));
                    waitLogged = true;
                }
                Thread.sleep(waitInterval.toMillis());
            }
        }
        try {
            // Under the lease the partition's state can no longer move: check again, then execute.
            Optional<Delivery> done = nothingToDo(requested, runId, partition);
            if (done.isPresent()) {
                return done.get();
            }
            StepExecution attempt = attempt(requested);
            leases.attach(held, attempt.getId());
            ScoringPlan plan = steps.plan(attempt.getJobExecution().getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
            org.slf4j.MDC.put("partition", plan.partitions().get(partition).name());
            long plannedRows = plan.partitions().get(partition).rows();
            long resumedAt = ScoringSteps.committedRows(attempt);
            log.info("Taking partition {} of run {}: {} rows{} (step execution {}, partition lease epoch {}, worker {})", partition,
                    runId, String.format("%,d", plannedRows), resumedAt > 0 ? String.format(", resuming after %,d committed", resumedAt) : "",
                    attempt.getId(), held.epoch(), worker);
            long started = System.nanoTime();
            executing.set(attempt);
            try {
                workerStep.execute(attempt);
            } catch (org.springframework.batch.core.job.JobInterruptedException e) {
                attempt.setStatus(BatchStatus.STOPPED);
            } finally {
                executing.set(null);
            }
            // The reader's partition tag ends with the step; this line is about the partition still.
            RunLogContext.put(Map.of(RunLogContext.RUN_ID, Long.toString(runId), "partition", plan.partitions().get(partition).name()));
            double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
            long rows = ScoringSteps.committedRows(attempt) - resumedAt;
            log.info("Partition {} of run {} {}: {} rows in {} s ({} rows/s)", partition, runId, attempt.getStatus(),
                    String.format("%,d", rows), String.format("%.1f", seconds), String.format("%,.0f", rows / seconds));
            if (attempt.getStatus() == BatchStatus.STOPPED && stopping.getAsBoolean()) {
                return Delivery.REQUEUE;
            }
            return Delivery.ACK;
        } finally {
            leases.release(held);
        }
    }

    /**
     * ACK without executing: the run's execution is over (a relaunch sends new requests), or the partition already
     * completed (a redelivery after its worker acknowledged too late), or it failed (the manager fails the run).
     */
    private Optional<Delivery> nothingToDo(StepExecution requested, long runId, int partition) {
        JobExecution execution = jobRepository.getJobExecution(requested.getJobExecutionId());
        if (execution == null || !execution.isRunning() || execution.getStatus() == BatchStatus.STOPPING) {
            log.info("Skipping partition {} of run {}: its execution {} is {}", partition, runId, requested.getJobExecutionId(),
                    execution == null ? "gone" : execution.getStatus());
            return Optional.of(Delivery.ACK);
        }
        StepExecution last = jobRepository.getLastStepExecution(execution.getJobInstance(), requested.getStepName());
        if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
            log.info("Skipping partition {} of run {}: already COMPLETED (step execution {})", partition, runId, last.getId());
            return Optional.of(Delivery.ACK);
        }
        if (last != null && (last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.UNKNOWN)) {
            log.info("Skipping partition {} of run {}: it ended {} (step execution {}); the run fails and a relaunch resumes it",
                    partition, runId, last.getStatus(), last.getId());
            return Optional.of(Delivery.ACK);
        }
        return Optional.empty();
    }

    /**
     * The step execution to run, under the partition's lease: the requested one if it never started; otherwise (a
     * killed or stopped worker's attempt) a new one restored from the last attempt's checkpoint; the last one becomes
     * ABANDONED.
     */
    private StepExecution attempt(StepExecution requested) {
        JobExecution jobExecution = jobRepository.getJobExecution(requested.getJobExecutionId());
        StepExecution last = jobRepository.getLastStepExecution(jobExecution.getJobInstance(), requested.getStepName());
        if (last == null || (java.util.Objects.equals(last.getId(), requested.getId()) && last.getStatus() == BatchStatus.STARTING)) {
            return requested;
        }
        // Not one transaction: Spring Batch creates executions only outside one. The new attempt first, so the manager
        // always sees the partition with a live last attempt; a death in between leaves the new one STARTING, and the
        // next worker resumes from it (its context is the same checkpoint).
        StepExecution resumed = jobRepository.createStepExecution(last.getStepName(), jobExecution);
        resumed.setExecutionContext(new ExecutionContext(last.getExecutionContext()));
        jobRepository.updateExecutionContext(resumed);
        BatchStatus ended = last.getStatus();
        last.setStatus(BatchStatus.ABANDONED);
        last.setExitStatus(new ExitStatus(ExitStatus.FAILED.getExitCode(), "Resumed by step execution " + resumed.getId()
                + " on " + worker + " after this attempt ended " + ended));
        if (last.getEndTime() == null) {
            last.setEndTime(java.time.LocalDateTime.now());
        }
        jobRepository.update(last);
        return resumed;
    }

    @Override
    public void close() {
        leases.close();
    }
}
