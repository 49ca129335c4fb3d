package io.nightshift.job;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who is executing a job execution, and whether they are alive. The executing process inserts a lease and renews its
 * heartbeat; a relaunch may take over a RUNNING execution only when the owner is provably gone: its pid no longer
 * exists on this host, or its heartbeat is older than the lease timeout. Spring Batch's own recover() marks an
 * execution FAILED without any liveness check (batch#4876), so it is only called after this says so.
 */
public final class RunLeases implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);

    /** The state of an execution's owner as a relaunch sees it. */
    public record Owner(String host, long pid, Instant heartbeatAt, boolean alive) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private final Duration timeout;
    private final String host = hostName();
    private final long pid = ProcessHandle.current().pid();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lease-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<Long, ScheduledFuture<?>> held = new ConcurrentHashMap<>();

    public RunLeases(JdbcTemplate jdbc, Clock clock, Duration heartbeatInterval, Duration timeout) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
        this.timeout = timeout;
    }

    void acquire(long jobExecutionId) {
        jdbc.update("DELETE FROM NS_RUN_LEASE WHERE JOB_EXECUTION_ID = ?", jobExecutionId);
        jdbc.update("INSERT INTO NS_RUN_LEASE (JOB_EXECUTION_ID, OWNER_HOST, OWNER_PID, HEARTBEAT_AT) VALUES (?, ?, ?, ?)",
                jobExecutionId, host, pid, Timestamp.from(clock.instant()));
        long millis = heartbeatInterval.toMillis();
        held.put(jobExecutionId, heartbeats.scheduleAtFixedRate(() -> renew(jobExecutionId), millis, millis, TimeUnit.MILLISECONDS));
    }

    void release(long jobExecutionId) {
        ScheduledFuture<?> future = held.remove(jobExecutionId);
        if (future != null) {
            future.cancel(false);
        }
        jdbc.update("DELETE FROM NS_RUN_LEASE WHERE JOB_EXECUTION_ID = ?", jobExecutionId);
    }

    /** Executions this process holds leases for: the ones it is running. */
    java.util.Set<Long> held() {
        return java.util.Set.copyOf(held.keySet());
    }

    /** The owner of an execution, or empty if it holds no lease (it ended, or died before taking one). */
    java.util.Optional<Owner> owner(long jobExecutionId) {
        List<Owner> owners = jdbc.query("SELECT OWNER_HOST, OWNER_PID, HEARTBEAT_AT FROM NS_RUN_LEASE WHERE JOB_EXECUTION_ID = ?",
                (row, index) -> {
                    String ownerHost = row.getString(1);
                    long ownerPid = row.getLong(2);
                    Instant heartbeat = row.getTimestamp(3).toInstant();
                    return new Owner(ownerHost, ownerPid, heartbeat, isAlive(ownerHost, ownerPid, heartbeat));
                }, jobExecutionId);
        return owners.stream().findFirst();
    }

    private boolean isAlive(String ownerHost, long ownerPid, Instant heartbeat) {
        boolean fresh = Duration.between(heartbeat, clock.instant()).compareTo(timeout) < 0;
        if (ownerHost.equals(host)) {
            // Same machine: the process table is the truth, and lets a relaunch follow a kill -9 at once.
            return fresh && ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
        }
        return fresh;
    }

    private void renew(long jobExecutionId) {
        try {
            jdbc.update("UPDATE NS_RUN_LEASE SET HEARTBEAT_AT = ? WHERE JOB_EXECUTION_ID = ?", Timestamp.from(clock.instant()),
                    jobExecutionId);
        } catch (RuntimeException e) {
            log.warn("Cannot renew the lease of job execution {}: {}", jobExecutionId, e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
