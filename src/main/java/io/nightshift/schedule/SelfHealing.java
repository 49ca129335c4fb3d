package io.nightshift.schedule;

import io.nightshift.job.JobSpec;
import io.nightshift.job.RunRequestException;
import io.nightshift.job.RunTrigger;
import io.nightshift.job.Runs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import io.nightshift.metrics.NightshiftMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The scheduler's self-healing: every heal interval, each unsettled run of a scheduled fire is looked at, and
 * <ul>
 * <li>COMPLETED or ABANDONED: settled, nothing to do;</li>
 * <li>running with a live owner, or queued or running on this node: left alone;</li>
 * <li>running but its owner is gone (lease expired, or its pid dead on this host): marked FAILED with "owner lost"
 *     (host, pid, last heartbeat) and relaunched from its checkpoint while the job's {@code max-attempts} allows;</li>
 * <li>STOPPED (on request: SIGTERM, spot notice): relaunched, whatever its attempts, as a stop is not the run's fault;
 *     but STOPPED by its budget guard: left for an operator, since only raising the cap lets it go on;</li>
 * <li>FAILED: relaunched while attempts remain, unless it failed on its configuration (relaunching cannot help);</li>
 * <li>otherwise left for an operator: logged at ERROR once, counted in {@link Report}, the fire settled GAVE_UP.</li>
 * </ul>
 * Attempts are the run's FAILED executions plus the one being judged; the count lives in the job repository, so any
 * node reaches the same verdict. The takeover itself is {@link Runs#relaunch(long, RunTrigger)}: one conditional,
 * epoch-based lease update, so of two nodes healing the same run only one proceeds.
 */
final class SelfHealing {

    private static final Logger log = LoggerFactory.getLogger(SelfHealing.class);

    /** What the loop did since the node started, for the later metrics and alerts. */
    record Report(long relaunched, long ownersLost, long leftForOperator, Set<Long> runsLeftForOperator) {
        Report {
            runsLeftForOperator = Set.copyOf(runsLeftForOperator);
        }
    }

    private final Fires fires;
    private final Runs runs;
    private final JobRegistry registry;
    private final RunPool pool;
    private final Duration leaseTimeout;
    private final String node = RunTrigger.thisNode();
    private final AtomicLong relaunched = new AtomicLong();
    private final AtomicLong ownersLost = new AtomicLong();
    private final Set<Long> leftForOperator = ConcurrentHashMap.newKeySet();

    SelfHealing(Fires fires, Runs runs, JobRegistry registry, RunPool pool, Duration leaseTimeout, NightshiftMetrics metrics) {
        metrics.runsLeftForOperator(leftForOperator::size);
        this.fires = fires;
        this.runs = runs;
        this.registry = registry;
        this.pool = pool;
        this.leaseTimeout = leaseTimeout;
    }

    Report report() {
        return new Report(relaunched.get(), ownersLost.get(), leftForOperator.size(), leftForOperator);
    }

    /** One pass over the unsettled fires. */
    void heal() {
        leftForOperator.removeIf(this::handledByOperator);
        List<Fires.OpenFire> open = fires.open();
        for (Fires.OpenFire fire : open) {
            try (MDC.MDCCloseable job = MDC.putCloseable("job", fire.jobName())) {
                heal(fire);
            } catch (RuntimeException e) {
                log.warn("Cannot check the run of fire {} of job {}: {}", fire.fireTime(), fire.jobName(), e.getMessage());
            }
        }
    }

    /**
     * Whether an operator has dealt with a run left for them (relaunched it, or it completed or was abandoned), so it
     * no longer counts in the report and the {@code runs left for an operator} alert resolves.
     */
    private boolean handledByOperator(long runId) {
        try {
            Runs.RunView view = runs.describe(runId);
            return view.running() || view.status().equals("COMPLETED") || view.status().equals("ABANDONED");
        } catch (RuntimeException e) {
            log.debug("Cannot check run {} left for an operator: {}", runId, e.getMessage());
            return false;
        }
    }

    private void heal(Fires.OpenFire fire) {
        if (pool.holds(fire.runKey())) {
            return;
        }
        Optional<Long> found = runs.runIdOfKey(fire.runKey());
        if (found.isEmpty()) {
            if (nodeGone(fire.node()) && !pool.holds(fire.runKey())) {
                fires.notStarted(fire.jobName(), fire.fireTime(), Fires.Status.DROPPED, "the node that took it (" + fire.node()
                        + ") is gone and never started its run");
            }
            return;
        }
        long runId = found.get();
        String runKeyOfRelaunch = "run:" + runId;
        if (pool.holds(runKeyOfRelaunch)) {
            return;
        }
        Runs.RunView view = runs.describe(runId);
        if (view.executions().isEmpty()) {
            return;
        }
        switch (view.status()) {
            case "COMPLETED", "ABANDONED" -> {
                fires.settle(fire.jobName(), fire.fireTime(), view.status(), null);
                return;
            }
            default -> {
            }
        }
        if (view.running() && !view.ownerGone()) {
            return;
        }
        if (view.running() && view.owner() == null
                && Optional.ofNullable(fire.recordedAt()).orElse(Instant.EPOCH).plus(leaseTimeout).isAfter(Instant.now())) {
            // Being created: its first execution exists but has not taken its lease yet.
            return;
        }
        int maxAttempts = registry.spec(fire.jobName()).map(JobSpec::schedule).map(JobSpec.Schedule::maxAttempts).orElse(1);
        long failed = view.executions().stream().filter(execution -> execution.status().equals("FAILED")).count();
        String why;
        if (view.running()) {
            long attempt = failed + 1;
            why = "owner lost (" + view.reason() + ")";
            if (attempt >= maxAttempts) {
                ownersLost.incrementAndGet();
                try {
                    runs.recoverLostRun(runId, "the scheduler on " + node);
                } catch (RunRequestException e) {
                    log.debug("Run {}: {}", runId, e.getMessage());
                    return;
                }
                giveUp(fire, runId, why + "; " + attempt + " of " + maxAttempts + " attempt(s) used");
                return;
            }
            ownersLost.incrementAndGet();
            why += "; attempt " + (attempt + 1) + " of " + maxAttempts;
        } else if (view.status().equals("STOPPED") && view.stoppedByBudget()) {
            // Relaunching would spend past the cap the job set: raising it is an operator's decision.
            giveUp(fire, runId, "its budget stopped it (" + view.reason() + "); an operator relaunches it with a raised cap");
            return;
        } else if (view.status().equals("STOPPED")) {
            why = "it was STOPPED (" + view.reason() + "); a stop does not use an attempt";
        } else if (view.status().equals("FAILED")) {
            if ("CONFIGURATION".equals(view.disposition()) || "USAGE".equals(view.disposition())) {
                giveUp(fire, runId, "it failed on its configuration (" + view.reason() + "); a relaunch cannot help");
                return;
            }
            if (failed >= maxAttempts) {
                giveUp(fire, runId, "it FAILED (" + view.reason() + ") and used " + failed + " of " + maxAttempts + " attempt(s)");
                return;
            }
            why = "it FAILED (" + view.reason() + "); attempt " + (failed + 1) + " of " + maxAttempts;
        } else {
            return;
        }
        relaunch(fire, runId, runKeyOfRelaunch, why);
    }

    private void relaunch(Fires.OpenFire fire, long runId, String key, String why) {
        pool.submit(new RunPool.Task() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public void run() {
                try (MDC.MDCCloseable job = MDC.putCloseable("job", fire.jobName())) {
                    log.warn("Relaunching run {} of job {} (fire {}): {}", runId, fire.jobName(), fire.fireTime(), why);
                    var outcome = runs.relaunch(runId, RunTrigger.takeover(node, why));
                    relaunched.incrementAndGet();
                    log.info("Run {} of job {} (relaunched) ended {}", runId, fire.jobName(), outcome.status());
                } catch (RunRequestException e) {
                    // Another node won the takeover, or the run completed meanwhile.
                    log.info("Run {} not relaunched here: {}", runId, e.getMessage());
                }
            }

            @Override
            public void dropped(String reason) {
                log.info("Relaunch of run {} not started: {}", runId, reason);
            }
        });
    }

    private void giveUp(Fires.OpenFire fire, long runId, String why) {
        leftForOperator.add(runId);
        fires.settle(fire.jobName(), fire.fireTime(), "GAVE_UP", "left for an operator: " + why);
        log.error("Run {} of job {} (fire {}) is left for an operator: {}. Relaunch it with `nightshift relaunch {}`, or"
                + " abandon it with `nightshift abandon {}`", runId, fire.jobName(), fire.fireTime(), why, runId, runId);
    }

    /** Whether the node that recorded a fire ({@code host pid N}) is provably gone: on this host, its pid is dead. */
    private static boolean nodeGone(String recorder) {
        String[] parts = recorder.split(" pid ");
        if (parts.length != 2 || !parts[0].equals(io.nightshift.job.RunTrigger.thisNode().split(" pid ")[0])) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1].trim());
            return ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
