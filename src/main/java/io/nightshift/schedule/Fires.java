package io.nightshift.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fires table ({@code NS_FIRE}): one row per fire of a schedule, whichever node took it. Its primary key is the
 * fire (job, fire time), so a fire recorded twice (two nodes, a recovered Quartz job) is refused here and counted as a
 * duplicate rather than run again.
 */
final class Fires {

    /** What became of a fire. */
    enum Status {
        /** A run was created for it (or is being created: the node's pool may still hold it). */
        LAUNCHED,
        /** Not run: {@code concurrency: forbid} found the job's previous run still going (the reason names it). */
        SKIPPED,
        /** Not run: the node stopped (SIGTERM) or died before starting it. */
        DROPPED,
        /** Not run: refused before its run existed (no input files yet, output claimed by another run...). */
        FAILED_TO_START
    }

    /** A fire whose run the self-healing loop still watches. */
    record OpenFire(String jobName, Instant fireTime, String runKey, String node, Instant recordedAt) {
    }

    private final JdbcTemplate jdbc;

    Fires(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a fire; false when the fire is already recorded (its duplicate is counted there, and it must not run).
     */
    boolean record(String jobName, Instant fireTime, Status status, String runKey, String reason, String node) {
        try {
            jdbc.update("INSERT INTO NS_FIRE (JOB_NAME, FIRE_TIME, STATUS, RUN_KEY, REASON, NODE, RECORDED_AT, DUPLICATES)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, 0)", jobName, utc(fireTime), status.name(), runKey, reason, node,
                    utc(Instant.now()));
            return true;
        } catch (DuplicateKeyException e) {
            jdbc.update("UPDATE NS_FIRE SET DUPLICATES = DUPLICATES + 1 WHERE JOB_NAME = ? AND FIRE_TIME = ?", jobName,
                    utc(fireTime));
            return false;
        }
    }

    /** A launched fire that never got its run: DROPPED or FAILED_TO_START, with why; nothing left to watch. */
    void notStarted(String jobName, Instant fireTime, Status status, String reason) {
        jdbc.update("UPDATE NS_FIRE SET STATUS = ?, REASON = ?, SETTLED_AT = ?, OUTCOME = ? WHERE JOB_NAME = ? AND FIRE_TIME = ?",
                status.name(), reason, utc(Instant.now()), status.name(), jobName, utc(fireTime));
    }

    /** The self-healing loop is done with a fire's run: COMPLETED, ABANDONED or GAVE_UP (left for an operator). */
    void settle(String jobName, Instant fireTime, String outcome, String reason) {
        jdbc.update("UPDATE NS_FIRE SET SETTLED_AT = ?, OUTCOME = ?, REASON = COALESCE(?, REASON) WHERE JOB_NAME = ?"
                + " AND FIRE_TIME = ? AND SETTLED_AT IS NULL", utc(Instant.now()), outcome, reason, jobName, utc(fireTime));
    }

    /** Launched fires whose runs are not settled, oldest first. */
    List<OpenFire> open() {
        return jdbc.query("SELECT JOB_NAME, FIRE_TIME, RUN_KEY, NODE, RECORDED_AT FROM NS_FIRE WHERE STATUS = ? AND SETTLED_AT IS NULL"
                + " ORDER BY FIRE_TIME", (row, index) -> new OpenFire(row.getString(1), instant(row.getObject(2, OffsetDateTime.class)),
                        row.getString(3), row.getString(4), instant(row.getObject(5, OffsetDateTime.class))), Status.LAUNCHED.name());
    }

    /** The open fires of one job (for {@code concurrency: forbid}). */
    List<OpenFire> open(String jobName) {
        return open().stream().filter(fire -> fire.jobName().equals(jobName)).toList();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
