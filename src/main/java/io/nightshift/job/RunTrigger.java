package io.nightshift.job;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneId;

/**
 * What set an execution of a run going, as {@code status} shows it: a schedule's fire (with its fire time), a user's
 * {@code nightshift run}/{@code score}, a user's {@code nightshift relaunch}, or a scheduler node's automatic takeover
 * of a run whose owner was lost, or that stopped or failed while its job allows more attempts.
 *
 * @param by       who: the OS user for MANUAL and RELAUNCH, the node ({@code host pid N}) for SCHEDULE and TAKEOVER
 * @param fireTime the fire time of a SCHEDULE trigger; null otherwise
 * @param detail   more in words (the job's time zone, why a takeover happened); may be null
 * @param at       when it happened
 */
public record RunTrigger(Kind kind, String by, Instant fireTime, String detail, Instant at) {

    public enum Kind { SCHEDULE, MANUAL, RELAUNCH, TAKEOVER }

    public RunTrigger {
        requireNonNull(kind, "kind is null");
        requireNonNull(by, "by is null");
        requireNonNull(at, "at is null");
        if (kind == Kind.SCHEDULE) {
            requireNonNull(fireTime, "fireTime is null");
        }
    }

    /** A run started by a user now, e.g. with {@code nightshift run}. */
    public static RunTrigger manual(String user) {
        return new RunTrigger(Kind.MANUAL, user, null, null, Instant.now());
    }

    /** A run a schedule's fire started on node {@code node}. */
    public static RunTrigger schedule(Instant fireTime, ZoneId zone, String node) {
        return new RunTrigger(Kind.SCHEDULE, node, fireTime, "fire time " + fireTime.atZone(zone) + " by the job's schedule",
                Instant.now());
    }

    /** A run relaunched by a user with {@code nightshift relaunch}. */
    public static RunTrigger relaunch(String user) {
        return new RunTrigger(Kind.RELAUNCH, user, null, null, Instant.now());
    }

    /** A run relaunched automatically by scheduler node {@code node}; {@code why} says what it found. */
    public static RunTrigger takeover(String node, String why) {
        return new RunTrigger(Kind.TAKEOVER, node, null, why, Instant.now());
    }

    /** This process as a trigger's {@code by}: {@code host pid N}. */
    public static String thisNode() {
        return RunLeases.hostName() + " pid " + ProcessHandle.current().pid();
    }

    /** The OS user running this command. */
    public static String currentUser() {
        return System.getProperty("user.name", "unknown");
    }
}
