package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import io.nightshift.budget.Budget;
import io.nightshift.scoring.ScoringSettings;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A job file in {@code jobs/}: a name, what to score (the same settings as {@code nightshift score}, whose
 * {@code input}, {@code output} and {@code rejects} may name the fire time, see {@link FireTimeTemplate}), and a
 * schedule that {@code nightshift serve} fires ({@code cron} in Quartz syntax with a time zone), and a per-run budget
 * ({@link Budget#NONE} without a {@code budget:} block).
 */
public record JobSpec(String name, String description, Kind kind, ScoringSettings scoring, RetrainSettings retrain, Schedule schedule,
        Budget budget) {

    /** What a job does: {@code kind: score} (the default) or {@code kind: retrain}. */
    public enum Kind {
        SCORE, RETRAIN;

        public String specName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public JobSpec {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        if ((kind == Kind.SCORE) != (scoring != null) || (kind == Kind.RETRAIN) != (retrain != null)) {
            throw new IllegalArgumentException("a " + kind.specName() + " job has the settings of its kind only");
        }
        budget = budget == null ? Budget.NONE : budget;
    }

    /** A job without a budget block. */
    public JobSpec(String name, String description, Kind kind, ScoringSettings scoring, RetrainSettings retrain, Schedule schedule) {
        this(name, description, kind, scoring, retrain, schedule, Budget.NONE);
    }

    /** A scoring job. */
    public JobSpec(String name, String description, ScoringSettings scoring, Schedule schedule) {
        this(name, description, Kind.SCORE, scoring, null, schedule);
    }

    /** The zone fire-time placeholders are written in: the schedule's, or UTC for a job without one. */
    public ZoneId zone() {
        return schedule == null ? ZoneId.of("UTC") : ZoneId.of(schedule.timezone());
    }

    /** The settings of a run for {@code time} (its fire time, or now for a manual run): placeholders resolved. */
    public ScoringSettings scoringAt(Instant time) {
        ZonedDateTime at = time.atZone(zone());
        ScoringSettings s = scoring;
        return new ScoringSettings(s.model(), FireTimeTemplate.resolve(s.input(), at, "input"),
                FireTimeTemplate.resolve(s.output(), at, "output"), FireTimeTemplate.resolve(s.rejects(), at, "rejects"),
                s.idColumn(), s.features(), s.featurePrefix(), s.passthrough(), s.batchSize(), s.commitInterval(), s.threads(),
                s.maxRejectFraction(), s.overwrite(), s.device(), s.partitions());
    }

    /** What a fire that finds the job's last run unfinished does. */
    public enum Misfire {
        /** Fires missed while no scheduler ran become one run, at once (Quartz's fire-once-now). */
        RUN_ONCE_NOW,
        /** Fires missed while no scheduler ran are dropped; the next one on the calendar runs (Quartz's do-nothing). */
        SKIP
    }

    /** Whether a fire may start while an earlier run of the same job is still running. */
    public enum Concurrency {
        /** The fire is recorded SKIPPED, with the run it found still going as its reason. */
        FORBID,
        /** The fire starts its run beside the running one (its output must differ: use a fire-time placeholder). */
        ALLOW
    }

    /**
     * When a job runs on its own; null in a spec means it only runs when launched.
     *
     * @param maxAttempts executions the scheduler gives one run in all, the first included, before leaving a failed
     *                    run (or one whose owner was lost) to an operator; a run stopped on request (SIGTERM) does not
     *                    use one up
     * @param enabled     false keeps the spec valid and runnable by hand, but never fired
     */
    public record Schedule(String cron, String timezone, Misfire misfire, Concurrency concurrency, int maxAttempts,
            boolean enabled) {
        public Schedule {
            requireNonNull(cron, "cron is null");
            timezone = timezone == null ? "UTC" : timezone;
            misfire = misfire == null ? Misfire.RUN_ONCE_NOW : misfire;
            concurrency = concurrency == null ? Concurrency.FORBID : concurrency;
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("'schedule.max-attempts' must be at least 1, was " + maxAttempts);
            }
        }

        /** A schedule with the defaults: run-once-now, forbid, enabled. */
        public Schedule(String cron, String timezone, int maxAttempts) {
            this(cron, timezone, Misfire.RUN_ONCE_NOW, Concurrency.FORBID, maxAttempts, true);
        }
    }
}
