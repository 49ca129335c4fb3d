package io.nightshift.job;

import io.nightshift.NightshiftException;
import io.nightshift.NightshiftProperties;
import io.nightshift.scoring.RunProgress;
import io.nightshift.scoring.ScoringPlan;
import io.nightshift.scoring.ScoringSteps;
import io.nightshift.scoring.ScoringWorkerStep;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.MessageChannelPartitionHandler;
import org.springframework.batch.integration.partition.StepExecutionRequest;

/**
 * The manager's side of remote partitioning: sends one {@link StepExecutionRequest} per partition to the queue and
 * learns of the partitions' ends by polling the job repository, never from reply messages.
 *
 * <p>Why not {@link MessageChannelPartitionHandler} (spring-batch-integration), which can poll the repository too: it
 * polls the step execution ids it sent, while a partition whose worker was killed is resumed by the next worker as a
 * NEW step execution restored from the saved context (the old one, left STARTED by the dead worker, is marked
 * ABANDONED) — so this handler follows each partition's LAST step execution instead; it counts a STOPPED partition
 * (a worker's SIGTERM requeued it) as still pending, where that one ends the wait; it hands out at most
 * {@code partitions.max-workers} partitions at once; and it fails the run in one line when the broker stays away
 * ({@code nightshift.remote.broker-timeout}) or the wait exceeds {@code nightshift.remote.timeout} (default 24 h:
 * with no worker left, the run fails then, relaunchable).
 */
final class RemotePartitionHandler implements PartitionHandler {

    private static final Logger log = LoggerFactory.getLogger(RemotePartitionHandler.class);

    private final JobRepository jobRepository;
    private final ScoringSteps steps;
    private final PartitionQueue queue;
    private final NightshiftProperties.Remote settings;

    RemotePartitionHandler(JobRepository jobRepository, ScoringSteps steps, PartitionQueue queue, NightshiftProperties.Remote settings) {
        this.jobRepository = jobRepository;
        this.steps = steps;
        this.queue = queue;
        this.settings = settings;
    }

    @Override
    public java.util.Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStepExecution) throws Exception {
        JobExecution jobExecution = managerStepExecution.getJobExecution();
        long runId = jobExecution.getJobInstance().getInstanceId();
        ScoringPlan plan = steps.plan(jobExecution.getExecutionContext().getString(ScoringWorkerStep.PLAN_KEY));
        // Before any partition step execution exists: a broker that is not there fails the run with nothing to undo.
        queue.declare(NightshiftException.Disposition.RELAUNCHABLE, "hand out the partitions of run " + runId);
        List<StepExecution> toRun = new ArrayList<>(splitter.split(managerStepExecution, plan.partitions().size()));
        toRun.sort(Comparator.comparingInt(ScoringWorkerStep::partitionIndex));
        // The run's progress (bar, rate, summary) follows the workers' checkpoints as the repository shows them.
        RunProgress progress = steps.progress(plan, jobExecution);
        Map<Integer, Long> committed = new HashMap<>();
        for (StepExecution execution : toRun) {
            committed.put(ScoringWorkerStep.partitionIndex(execution), ScoringSteps.committedRows(execution));
        }
        for (ScoringPlan.PlannedPartition partition : plan.partitions()) {
            progress.addCommitted(committed.getOrDefault(partition.index(), partition.rows()));
        }
        int maxWorkers = plan.settings().workerCap();
        int cap = maxWorkers > 0 ? maxWorkers : Integer.MAX_VALUE;
        log.info("Run {}: {} of {} partition(s) to score on remote workers (queue {} at {}{})", runId, toRun.size(),
                plan.partitions().size(), queue.name(), queue.broker(), maxWorkers > 0 ? ", at most " + maxWorkers + " at once" : "");
        int sent = 0;
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        long brokerLostSince = 0;
        String lastState = "";
        while (true) {
            List<StepExecution> current = new ArrayList<>(toRun.size());
            int completed = 0;
            int running = 0;
            StepExecution failed = null;
            for (StepExecution requested : toRun) {
                StepExecution last = jobRepository.getLastStepExecution(jobExecution.getJobInstance(), requested.getStepName());
                StepExecution partition = last == null ? requested : last;
                current.add(partition);
                long rows = ScoringSteps.committedRows(partition);
                long before = committed.put(ScoringWorkerStep.partitionIndex(partition), rows);
                if (rows > before) {
                    progress.addWritten(rows - before, 0);
                }
                BatchStatus status = partition.getStatus();
                if (status == BatchStatus.COMPLETED) {
                    completed++;
                } else if (status == BatchStatus.FAILED || status == BatchStatus.UNKNOWN) {
                    failed = failed == null ? partition : failed;
                } else if (status == BatchStatus.STARTED) {
                    running++;
                }
            }
            if (completed == toRun.size() || failed != null) {
                if (failed != null) {
                    log.warn("Run {}: partition {} ended {}; the run fails (completed partitions are kept for a relaunch)", runId,
                            ScoringWorkerStep.partitionIndex(failed), failed.getStatus());
                }
                return current;
            }
            if (managerStepExecution.isTerminateOnly() || jobRepository.getJobExecution(jobExecution.getId()).getStatus() == BatchStatus.STOPPING) {
                // Workers see the run STOPPING at their next chunk and stop after it; the run is relaunchable.
                log.info("Run {} is stopping: {} of {} partition(s) completed; workers stop after their current chunk", runId,
                        completed, toRun.size());
                return current;
            }
            try {
                while (sent < toRun.size() && sent - completed < cap) {
                    StepExecution next = toRun.get(sent);
                    queue.send(new StepExecutionRequest(next.getStepName(), next.getId()));
                    sent++;
                }
                long queued = queue.depth();
                brokerLostSince = 0;
                String state = completed + " completed, " + running + " running, " + queued + " queued";
                if (!state.equals(lastState)) {
                    log.info("Run {}: partitions {} of {}", runId, state, toRun.size());
                    lastState = state;
                }
            } catch (AmqpException e) {
                long now = System.nanoTime();
                if (brokerLostSince == 0) {
                    brokerLostSince = now;
                    log.warn("Run {}: the RabbitMQ broker at {} cannot be reached ({}); waiting up to {} for it", runId, queue.broker(),
                            e.getMessage(), settings.brokerTimeout());
                } else if (now - brokerLostSince > settings.brokerTimeout().toNanos()) {
                    throw queue.unreachable(NightshiftException.Disposition.RELAUNCHABLE, "wait for the partitions of run " + runId
                            + " (" + completed + " of " + toRun.size() + " completed; `nightshift relaunch " + runId + "` resumes the rest)", e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new RemotePartitionException(NightshiftException.Disposition.RELAUNCHABLE, "Run " + runId + ": " + completed + " of "
                        + toRun.size() + " partitions completed within nightshift.remote.timeout (" + settings.timeout() + "); are workers"
                        + " running (`nightshift worker`) on queue " + queue.name() + "? `nightshift relaunch " + runId
                        + "` resumes the rest.", null);
            }
            Thread.sleep(settings.pollInterval().toMillis());
        }
    }
}
