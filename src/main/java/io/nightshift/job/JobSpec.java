package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import io.nightshift.scoring.ScoringSettings;

/**
 * A job file in {@code jobs/}: a name, what to score (the same settings as {@code nightshift score}), and a
 * schedule that the scheduler will use ({@code cron} in Quartz syntax with a time zone).
 */
public record JobSpec(String name, String description, Kind kind, ScoringSettings scoring, RetrainSettings retrain, Schedule schedule) {

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
    }

    /** A scoring job. */
    public JobSpec(String name, String description, ScoringSettings scoring, Schedule schedule) {
        this(name, description, Kind.SCORE, scoring, null, schedule);
    }

    /** When a job runs on its own; null in a spec means it only runs when launched. */
    public record Schedule(String cron, String timezone, int maxAttempts) {
        public Schedule {
            requireNonNull(cron, "cron is null");
            timezone = timezone == null ? "UTC" : timezone;
        }
    }
}
