package io.nightshift.schedule;

import static java.util.Objects.requireNonNull;

import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecException;
import io.nightshift.job.RunOutcome;
import io.nightshift.job.RunRequestException;
import io.nightshift.job.RunTrigger;
import io.nightshift.job.Runs;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a user asks a serve node for (the REST API's trigger and relaunch): executed on the node's run pool like the
 * schedule's fires, so the caller never waits for a run's end, and recorded with the user as the trigger. A trigger
 * waits only until the run exists (its checks passed and its id was given), so a bad input or a held output is still
 * answered to the caller; if the pool is full and the run waits in line longer than {@code createWait}, the caller
 * gets no id yet.
 */
public final class ManualRuns {

    private static final Logger log = LoggerFactory.getLogger(ManualRuns.class);
    private static final long POLL_MILLIS = 50;

    private final JobRegistry registry;
    private final Runs runs;
    private final RunPool pool;
    private final Duration createWait;

    ManualRuns(JobRegistry registry, Runs runs, RunPool pool, Duration createWait) {
        this.registry = registry;
        this.runs = runs;
        this.pool = pool;
        this.createWait = requireNonNull(createWait, "createWait is null");
    }

    /** Whether the jobs directory has a spec file of a job named so (valid or not). */
    public boolean knows(String jobName) {
        return registry.jobs().stream().anyMatch(state -> jobName.equals(state.name()));
    }

    /**
     * Starts a run of job {@code jobName} now, by {@code user}; returns its id once it exists, or empty when it is still
     * waiting for a free slot of the pool after {@code createWait}. Errors found before the run exists are thrown.
     */
    public Optional<Long> trigger(String jobName, String user) throws InterruptedException {
        JobSpec spec = registry.spec(jobName).orElseThrow(() -> new JobSpecException("Cannot run job " + jobName
                + ": its spec in " + registry.directory() + " is invalid (GET /api/jobs shows why); fix the file first"));
        String runKey = Runs.newRunKey();
        CompletableFuture<Long> ended = new CompletableFuture<>();
        Runnable launch = spec.kind() == JobSpec.Kind.RETRAIN
                ? () -> ended.complete(log(runs.retrain(runKey, specFile(jobName)), jobName))
                : () -> ended.complete(log(runs.score(runKey, jobName, spec.scoringAt(Instant.now()), RunTrigger.manual(user)), jobName));
        if (!pool.submit(new Task(runKey, jobName, launch, ended))) {
            throw new RunRequestException("Cannot run job " + jobName + ": this node is stopping and takes no new runs");
        }
        long deadline = System.nanoTime() + createWait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Long> runId = runs.runIdOfKey(runKey);
            if (runId.isPresent()) {
                return runId;
            }
            try {
                return Optional.of(ended.get(POLL_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException stillGoing) {
                // The run is being created, or waiting for a slot: look again.
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        return runs.runIdOfKey(runKey);
    }

    /**
     * Relaunches run {@code runId} on the pool, by {@code user}, with its caps raised to {@code raise} (checked now);
     * refused when it is already queued or running here.
     */
    public void relaunch(long runId, String user, Runs.BudgetRaise raise) {
        runs.checkBudgetRaise(runId, raise);
        String key = "relaunch:" + runId;
        CompletableFuture<Long> ended = new CompletableFuture<>();
        Runnable launch = () -> ended.complete(log(runs.relaunch(runId, RunTrigger.relaunch(user), raise), null));
        if (!pool.submit(new Task(key, null, launch, ended))) {
            throw new RunRequestException("Cannot relaunch run " + runId + ": it is already being relaunched on this node, or the"
                    + " node is stopping");
        }
    }

    private java.nio.file.Path specFile(String jobName) {
        return registry.jobs().stream().filter(state -> jobName.equals(state.name())).map(JobRegistry.JobState::file).findFirst()
                .orElseThrow(() -> new JobSpecException("Cannot run job " + jobName + ": its spec file is gone from "
                        + registry.directory()));
    }

    private static long log(RunOutcome outcome, String jobName) {
        log.info("Run {} of job {} ended {}{}", outcome.runId(), jobName == null ? outcome.jobName() : jobName, outcome.status(),
                outcome.failure() == null ? "" : ": " + outcome.failure());
        return outcome.runId();
    }

    /** A user's run on the pool; its failure goes to {@code ended} (for a caller still waiting) and to the log. */
    private record Task(String key, String jobName, Runnable launch, CompletableFuture<Long> ended) implements RunPool.Task {

        @Override
        public void run() {
            try (MDC.MDCCloseable job = jobName == null ? null : MDC.putCloseable("job", jobName)) {
                launch.run();
            } catch (RuntimeException e) {
                ended.completeExceptionally(e);
                log.error("{} failed: {}", key, e.getMessage());
            }
        }

        @Override
        public void dropped(String reason) {
            ended.completeExceptionally(new RunRequestException("The run was not started: " + reason));
            log.warn("{} dropped: {}", key, reason);
        }
    }
}
