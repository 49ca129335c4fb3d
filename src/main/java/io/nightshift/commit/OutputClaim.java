package io.nightshift.commit;

import static java.util.Objects.requireNonNull;

/**
 * {@code _claim.json}: which run holds an output location while it is being written. Created with a conditional
 * create when the run is planned, deleted when the run commits or is abandoned, so two runs never write one location.
 *
 * @param runId the run holding the location
 * @param runKey the run's unique key (tells two job repositories' run 11 apart)
 * @param jobName the job that started it
 * @param host where it was planned
 * @param claimedAt when, ISO-8601
 */
public record OutputClaim(long runId, String runKey, String jobName, String host, String claimedAt) {
    public OutputClaim {
        requireNonNull(runKey, "runKey is null");
        requireNonNull(jobName, "jobName is null");
        requireNonNull(host, "host is null");
        requireNonNull(claimedAt, "claimedAt is null");
    }
}
