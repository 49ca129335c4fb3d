package io.nightshift.schedule;

import io.nightshift.job.Runs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scheduler node, what {@code nightshift serve} runs (and what the REST API will call): the job registry and its
 * reload, Quartz's clustered scheduler, the bounded run pool, and the self-healing loop. {@link #start} loads the
 * specs, applies them to Quartz and starts firing; {@link #shutdown} stops taking fires, stops the node's runs at their
 * next chunk boundary (STOPPED, leases released) and waits for them within the grace.
 */
public final class Scheduling {

    private static final Logger log = LoggerFactory.getLogger(Scheduling.class);

    private final JobRegistry registry;
    private final Schedules schedules;
    private final Scheduler scheduler;
    private final RunPool pool;
    private final SelfHealing healing;
    private final Runs runs;
    private final Duration healInterval;
    private final Duration reloadInterval;
    private final ScheduledExecutorService loops = Executors.newScheduledThreadPool(1, runnable -> {
        Thread thread = new Thread(runnable, "scheduler-loops");
        thread.setDaemon(true);
        return thread;
    });

    Scheduling(JobRegistry registry, Schedules schedules, Scheduler scheduler, RunPool pool, SelfHealing healing, Runs runs,
            Duration healInterval, Duration reloadInterval) {
        this.registry = registry;
        this.schedules = schedules;
        this.scheduler = scheduler;
        this.pool = pool;
        this.healing = healing;
        this.runs = runs;
        this.healInterval = healInterval;
        this.reloadInterval = reloadInterval;
    }

    /** Loads and applies the job specs, then starts firing, healing and watching the jobs directory. */
    public List<JobRegistry.JobState> start() {
        List<JobRegistry.JobState> jobs = reload();
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("Cannot start the scheduler: " + e.getMessage(), e);
        }
        loops.scheduleWithFixedDelay(this::healQuietly, Math.min(1_000, healInterval.toMillis()), healInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(this::reloadIfChanged, reloadInterval.toMillis(), reloadInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        return jobs;
    }

    /**
     * Reads the jobs directory again and applies it: valid specs are (re)scheduled, removed ones unscheduled; an invalid
     * file is kept with its error and never disables another (see {@link JobRegistry}). Returns every file's state.
     */
    public synchronized List<JobRegistry.JobState> reload() {
        List<JobRegistry.JobState> jobs = registry.reload();
        schedules.apply(jobs.stream().filter(JobRegistry.JobState::scheduled).map(JobRegistry.JobState::spec).toList());
        return jobs;
    }

    /** Every spec file's state: valid or invalid with its error, next fire times. */
    public List<JobRegistry.JobState> jobs() {
        return registry.jobs();
    }

    /** What the self-healing loop did (relaunches, owners lost, runs left for an operator). */
    public SelfHealing.Report healing() {
        return healing.report();
    }

    /**
     * Stops the node: no more fires (Quartz standby), no more heals, waiting runs dropped, running ones asked to stop
     * after their current chunk; waits at most {@code grace} for them. Returns whether they all ended in time.
     */
    public boolean shutdown(String reason, Duration grace) throws InterruptedException {
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            log.warn("Cannot put the scheduler in standby: {}", e.getMessage());
        }
        loops.shutdownNow();
        pool.stopTakingWork("the node stopped (" + reason + ") before the run started");
        long deadline = System.nanoTime() + grace.toNanos();
        int active = pool.size();
        if (active > 0) {
            log.info("Stopping {} run(s) of this node after their current chunk ({})", active, reason);
        }
        // Asked again every second: a run whose execution was being created at the first ask has its lease only now.
        while (System.nanoTime() < deadline) {
            runs.stopRunsOfThisProcess(reason);
            if (pool.awaitIdle(Duration.ofMillis(Math.min(1_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))))) {
                return true;
            }
        }
        return false;
    }

    private void healQuietly() {
        try {
            healing.heal();
        } catch (RuntimeException e) {
            log.warn("Self-healing pass failed: {}", e.getMessage());
        }
    }

    private void reloadIfChanged() {
        try {
            if (registry.changed()) {
                log.info("Job specs in {} changed; reloading", registry.directory());
                reload();
            }
        } catch (RuntimeException e) {
            log.warn("Cannot reload the job specs: {}", e.getMessage());
        }
    }
}
