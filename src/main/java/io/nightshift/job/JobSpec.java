package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import io.nightshift.scoring.ScoringSettings;

/**
 * A job file in {@code jobs/}: a name, what to score (the same settings as {@code nightshift score}), and a
 * schedule that the scheduler will use ({@code cron} in Quartz syntax with a time zone).
 */
public record JobSpec(String name, String description, ScoringSettings scoring, Schedule schedule) {

    public JobSpec {
        requireNonNull(name, "name is null");
        requireNonNull(scoring, "scoring is null");
    }

    /** When a job runs on its own; null in a spec means it only runs when launched. */
    public record Schedule(String cron, String timezone, int maxAttempts) {
        public Schedule {
            requireNonNull(cron, "cron is null");
            timezone = timezone == null ? "UTC" : timezone;
        }
    }
}
