package io.nightshift.schedule;

import io.nightshift.job.DuplicateFireException;
import io.nightshift.job.JobSpec;
import io.nightshift.job.RunOutcome;
import io.nightshift.job.RunTrigger;
import io.nightshift.job.Runs;
import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.scoring.ScoringSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What a fire of a job's schedule does: records the fire once ({@link Fires}), applies the job's concurrency rule, and
 * hands the run to the node's pool, which launches the same scoring job as {@code nightshift run} with the job name
 * and the fire time as identifying parameters. Whatever path a fire takes, it ends as one row of NS_FIRE.
 */
final class ScheduledFires {

    private static final Logger log = LoggerFactory.getLogger(ScheduledFires.class);

    private final JobRegistry registry;
    private final Fires fires;
    private final Runs runs;
    private final RunPool pool;
    private final Duration leaseTimeout;
    private final NightshiftMetrics metrics;
    private final String node = RunTrigger.thisNode();

    ScheduledFires(JobRegistry registry, Fires fires, Runs runs, RunPool pool, Duration leaseTimeout, NightshiftMetrics metrics) {
        this.metrics = metrics;
        this.registry = registry;
        this.fires = fires;
        this.runs = runs;
        this.pool = pool;
        this.leaseTimeout = leaseTimeout;
    }

    /** One fire of job {@code jobName} at its scheduled fire time (Quartz's, to the millisecond). */
    void fire(String jobName, Instant scheduledFireTime) {
        Instant fireTime = scheduledFireTime.truncatedTo(ChronoUnit.MILLIS);
        try (MDC.MDCCloseable job = MDC.putCloseable("job", jobName)) {
            Optional<JobSpec> found = registry.scheduled(jobName);
            if (found.isEmpty()) {
                log.warn("Fire {} of job {} ignored: no valid, enabled spec of that name in {}", fireTime, jobName,
                        registry.directory());
                return;
            }
            JobSpec spec = found.get();
            if (spec.schedule().concurrency() == JobSpec.Concurrency.FORBID) {
                Optional<String> going = stillGoing(jobName);
                if (going.isPresent()) {
                    String reason = "concurrency: forbid, and " + going.get() + "; this fire is skipped";
                    if (fires.record(jobName, fireTime, Fires.Status.SKIPPED, null, reason, node)) {
                        log.info("Fire {} of job {} SKIPPED: {}", fireTime, jobName, reason);
                        metrics.fire(jobName, NightshiftMetrics.FireKind.SKIPPED);
                    }
                    return;
                }
            }
            String runKey = Runs.scheduledRunKey(jobName, fireTime);
            if (!fires.record(jobName, fireTime, Fires.Status.LAUNCHED, runKey, null, node)) {
                log.warn("Fire {} of job {} was already taken by another node (or a recovered fire); not run twice", fireTime,
                        jobName);
                return;
            }
            metrics.fire(jobName, NightshiftMetrics.FireKind.FIRED);
            ScoringSettings settings = spec.scoringAt(fireTime);
            log.info("Fire {} of job {}: run queued (output {})", fireTime.atZone(spec.zone()), jobName, settings.output());
            pool.submit(new FireTask(spec, fireTime, settings));
        }
    }

    /**
     * Why the job counts as still running, if it does: an open fire whose run is running with a live owner, or that is
     * still waiting in this node's pool, or whose run is being created elsewhere (recorded within the lease timeout).
     */
    private Optional<String> stillGoing(String jobName) {
        List<Fires.OpenFire> open = fires.open(jobName);
        for (Fires.OpenFire fire : open) {
            Optional<Long> runId = runs.runIdOfKey(fire.runKey());
            if (runId.isEmpty()) {
                if (pool.holds(fire.runKey()) || fire.recordedAt().plus(leaseTimeout).isAfter(Instant.now())) {
                    return Optional.of("the run of fire " + fire.fireTime() + " is still waiting to start on " + fire.node());
                }
                continue;
            }
            Runs.RunView view = runs.describe(runId.get());
            if (view.running() && !view.ownerGone()) {
                return Optional.of("run " + runId.get() + " (fire " + fire.fireTime() + ") is still " + view.status()
                        + (view.owner() == null ? "" : " on " + view.owner().host() + " pid " + view.owner().pid()));
            }
        }
        return Optional.empty();
    }

    /** A fire's run, on the pool. */
    private final class FireTask implements RunPool.Task {
        private final JobSpec spec;
        private final Instant fireTime;
        private final ScoringSettings settings;
        private final String key;

        FireTask(JobSpec spec, Instant fireTime, ScoringSettings settings) {
            this.spec = spec;
            this.fireTime = fireTime;
            this.settings = settings;
            this.key = Runs.scheduledRunKey(spec.name(), fireTime);
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public void run() {
            try (MDC.MDCCloseable job = MDC.putCloseable("job", spec.name())) {
                RunOutcome outcome = runs.score(spec.name(), settings, RunTrigger.schedule(fireTime, spec.zone(), node));
                log.info("Run {} of job {} (fire {}) ended {}{}", outcome.runId(), spec.name(), fireTime, outcome.status(),
                        outcome.failure() == null ? "" : ": " + outcome.failure());
            } catch (DuplicateFireException e) {
                log.warn("{}", e.getMessage());
            } catch (RuntimeException e) {
                if (runs.runIdOfKey(key).isEmpty()) {
                    fires.notStarted(spec.name(), fireTime, Fires.Status.FAILED_TO_START, e.getMessage());
                    log.error("Fire {} of job {} could not start its run: {}", fireTime, spec.name(), e.getMessage());
                } else {
                    log.error("Run of job {} (fire {}) failed: {}", spec.name(), fireTime, e.getMessage(), e);
                }
            }
        }

        @Override
        public void dropped(String reason) {
            fires.notStarted(spec.name(), fireTime, Fires.Status.DROPPED, reason);
            log.warn("Fire {} of job {} DROPPED: {}", fireTime, spec.name(), reason);
        }
    }
}
