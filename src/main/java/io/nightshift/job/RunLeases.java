package io.nightshift.job;

import io.nightshift.metrics.NightshiftMetrics;
import io.nightshift.scoring.RunFence;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who holds a run, fenced by an epoch. A run's lease row names the holder (host, pid, execution) and carries an epoch
 * that only grows: a fresh run inserts epoch 1; a relaunch takes over with one conditional update (epoch + 1, only if
 * the epoch is still the one it saw and the holder is provably gone: released, pid dead on this host, or heartbeat
 * older than the timeout), so of two relaunches started at the same instant exactly one wins. Heartbeats and chunk
 * commits are conditional on the epoch too: a holder that finds its epoch superseded (a "zombie" that was paused,
 * partitioned away, or slow) stops at its next chunk without committing it. Spring Batch's own recover() marks an
 * execution FAILED without any liveness check (batch#4876), so it is called only after a takeover won here.
 */
public final class RunLeases implements RunFence, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunLeases.class);
    /** A takeover waits at most this long for the row lock a holder keeps while it commits a chunk. */
    private static final long TAKEOVER_TIMEOUT_MILLIS = 15_000;

    /** A run's lease as stored, and whether its holder counts as alive. */
    public record Lease(long runId, long epoch, Long jobExecutionId, String host, long pid, Instant heartbeatAt, boolean released,
            boolean alive) {
    }

    /** What this process holds: the epoch, the execution once it exists, the heartbeat task. */
    private record Held(long epoch, Long jobExecutionId, ScheduledFuture<?> heartbeat) {
    }

    private final JdbcTemplate jdbc;
    private final LockBreaker lockBreaker;
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
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final Set<Long> lost = ConcurrentHashMap.newKeySet();
    private final NightshiftMetrics metrics;
    /** Each held run's log context ({@link RunLogContext}), for the heartbeat thread's lines about that run. */
    private final Map<Long, Map<String, String>> logContexts = new ConcurrentHashMap<>();

    public RunLeases(JdbcTemplate jdbc, Clock clock, Duration heartbeatInterval, Duration timeout, NightshiftMetrics metrics) {
        this.metrics = metrics;
        this.jdbc = jdbc;
        this.lockBreaker = new LockBreaker(jdbc.getDataSource());
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
        this.timeout = timeout;
    }

    /**
     * Takes a run over for a relaunch, before its new execution exists. Throws {@link RunRequestException} when the
     * holder is alive, or when another process won the same takeover first. Returns the new epoch.
     */
    long takeOver(long runId) {
        Optional<Lease> current = lease(runId);
        if (current.isPresent() && !current.get().released() && current.get().alive()) {
            Lease lease = current.get();
            throw new RunRequestException("Run " + runId + " is still running (execution " + lease.jobExecutionId() + " on "
                    + lease.host() + ", pid " + lease.pid() + ", heartbeat " + lease.heartbeatAt()
                    + "). Stop it first, or wait for it to end.");
        }
        Timestamp now = Timestamp.from(clock.instant());
        long epoch;
        try {
            if (current.isEmpty()) {
                epoch = 1;
                jdbc.update("INSERT INTO NS_RUN_LEASE (RUN_ID, EPOCH, JOB_EXECUTION_ID, OWNER_HOST, OWNER_PID, HEARTBEAT_AT, RELEASED)"
                        + " VALUES (?, ?, NULL, ?, ?, ?, FALSE)", runId, epoch, host, pid, now);
            } else {
                epoch = current.get().epoch() + 1;
                int updated = lockBreaker.update("UPDATE NS_RUN_LEASE SET EPOCH = ?, JOB_EXECUTION_ID = NULL, OWNER_HOST = ?,"
                        + " OWNER_PID = ?, HEARTBEAT_AT = ?, RELEASED = FALSE WHERE RUN_ID = ? AND EPOCH = ?",
                        TAKEOVER_TIMEOUT_MILLIS, epoch, host, pid, now, runId, current.get().epoch());
                if (updated != 1) {
                    throw lostRace(runId);
                }
            }
        } catch (DuplicateKeyException | ConcurrencyFailureException e) {
            throw lostRace(runId);
        } catch (java.sql.SQLException e) {
            if (e instanceof java.sql.SQLTransientException || e instanceof java.sql.SQLIntegrityConstraintViolationException
                    || "40001".equals(e.getSQLState()) || "HYT00".equals(e.getSQLState())) {
                throw lostRace(runId);
            }
            throw new org.springframework.dao.DataAccessResourceFailureException("Cannot take over run " + runId + ": "
                    + e.getMessage(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            Lease lease = current.orElseThrow();
            throw new RunRequestException("Cannot take over run " + runId + ": its lease is locked by the holder (" + lease.host()
                    + ", pid " + lease.pid() + "), which stopped answering in the middle of committing a chunk. Try again in a "
                    + "minute; if it stays so, make sure that process is gone.");
        }
        hold(runId, epoch, null);
        if (current.isPresent()) {
            metrics.leaseTakenOver();
        }
        log.info("Took over run {} at lease epoch {}", runId, epoch);
        return epoch;
    }

    private RunRequestException lostRace(long runId) {
        Optional<Lease> winner = lease(runId);
        return new RunRequestException("Run " + runId + " is being relaunched by another process"
                + winner.map(lease -> " (" + lease.host() + ", pid " + lease.pid() + ", epoch " + lease.epoch() + ")").orElse("")
                + "; nothing to do here. `nightshift status " + runId + "` shows how it goes.");
    }

    /**
     * Binds an execution to this process's lease of its run: the one a relaunch took over, or a new lease (epoch 1)
     * for a run's first execution.
     */
    void attach(long runId, long jobExecutionId) {
        Held current = held.get(runId);
        if (current == null) {
            takeOver(runId);
            current = held.get(runId);
        }
        int updated = jdbc.update("UPDATE NS_RUN_LEASE SET JOB_EXECUTION_ID = ?, HEARTBEAT_AT = ? WHERE RUN_ID = ? AND EPOCH = ?",
                jobExecutionId, Timestamp.from(clock.instant()), runId, current.epoch());
        if (updated != 1) {
            lost.add(runId);
        }
        held.put(runId, new Held(current.epoch(), jobExecutionId, current.heartbeat()));
    }

    /** Gives a run's lease up (if this process still holds it), so a relaunch may take it at once. */
    void release(long runId) {
        Held current = held.remove(runId);
        logContexts.remove(runId);
        lost.remove(runId);
        if (current == null) {
            return;
        }
        current.heartbeat().cancel(false);
        jdbc.update("UPDATE NS_RUN_LEASE SET RELEASED = TRUE, HEARTBEAT_AT = ? WHERE RUN_ID = ? AND EPOCH = ?",
                Timestamp.from(clock.instant()), runId, current.epoch());
    }

    /** Executions this process is running (holds the lease of). */
    Set<Long> heldExecutions() {
        return held.values().stream().map(Held::jobExecutionId).filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Runs this process holds the lease of. */
    Set<Long> heldRuns() {
        return Set.copyOf(held.keySet());
    }

    /** A run's lease, or empty if it never had one (its first execution died before taking it). */
    Optional<Lease> lease(long runId) {
        List<Lease> leases = jdbc.query("SELECT EPOCH, JOB_EXECUTION_ID, OWNER_HOST, OWNER_PID, HEARTBEAT_AT, RELEASED"
                + " FROM NS_RUN_LEASE WHERE RUN_ID = ?", (row, index) -> {
                    long epoch = row.getLong(1);
                    long execution = row.getLong(2);
                    Long jobExecutionId = row.wasNull() ? null : execution;
                    String ownerHost = row.getString(3);
                    long ownerPid = row.getLong(4);
                    Instant heartbeat = row.getTimestamp(5).toInstant();
                    boolean released = row.getBoolean(6);
                    return new Lease(runId, epoch, jobExecutionId, ownerHost, ownerPid, heartbeat, released,
                            !released && isAlive(ownerHost, ownerPid, heartbeat));
                }, runId);
        return leases.stream().findFirst();
    }

    @Override
    public long epoch(long runId) {
        Held current = held.get(runId);
        if (current == null) {
            throw new IllegalStateException("This process holds no lease of run " + runId);
        }
        return current.epoch();
    }

    @Override
    public void check(long runId) {
        long epoch = epoch(runId);
        // FOR UPDATE inside the caller's transaction: a takeover's conditional update waits until this commit ends.
        List<Long> epochs = jdbc.queryForList("SELECT EPOCH FROM NS_RUN_LEASE WHERE RUN_ID = ? FOR UPDATE", Long.class, runId);
        if (lost.contains(runId) || epochs.isEmpty() || epochs.getFirst() != epoch) {
            lost.add(runId);
            Optional<Lease> now = lease(runId);
            throw new RunTakenOverException("Run " + runId + " was taken over" + now.map(lease -> " by " + lease.host() + " pid "
                    + lease.pid() + " (lease epoch " + lease.epoch() + ")").orElse("") + " while this process (pid " + pid
                    + ", epoch " + epoch + ") was executing it; stopping without committing this chunk.");
        }
    }

    /** The log context the heartbeat's lines about a run carry (set again once the run is planned: the model). */
    void logContext(long runId, Map<String, String> context) {
        logContexts.put(runId, Map.copyOf(context));
    }

    /** Whether this process lost a run's lease (a heartbeat found it taken). */
    boolean lost(long runId) {
        return lost.contains(runId);
    }

    private void hold(long runId, long epoch, Long jobExecutionId) {
        long millis = heartbeatInterval.toMillis();
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renew(runId, epoch), millis, millis, TimeUnit.MILLISECONDS);
        Held previous = held.put(runId, new Held(epoch, jobExecutionId, heartbeat));
        if (previous != null) {
            previous.heartbeat().cancel(false);
        }
    }

    private boolean isAlive(String ownerHost, long ownerPid, Instant heartbeat) {
        return holderAlive(host, ownerHost, ownerPid, heartbeat, clock.instant(), timeout);
    }

    /**
     * Whether a lease's holder counts as alive: its heartbeat is fresh and, on this machine ({@code localHost}), its pid
     * still runs. Shared by run and partition leases ({@link PartitionLeases}).
     */
    static boolean holderAlive(String localHost, String ownerHost, long ownerPid, Instant heartbeat, Instant now, Duration timeout) {
        boolean fresh = Duration.between(heartbeat, now).compareTo(timeout) < 0;
        if (ownerHost.equals(localHost)) {
            // Same machine: the process table is the truth, and lets a relaunch follow a kill -9 at once.
            return fresh && ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
        }
        return fresh;
    }

    private void renew(long runId, long epoch) {
        RunLogContext.put(logContexts.getOrDefault(runId, Map.of(RunLogContext.RUN_ID, Long.toString(runId))));
        try {
            int updated = jdbc.update("UPDATE NS_RUN_LEASE SET HEARTBEAT_AT = ? WHERE RUN_ID = ? AND EPOCH = ? AND RELEASED = FALSE",
                    Timestamp.from(clock.instant()), runId, epoch);
            if (updated == 0 && lost.add(runId)) {
                log.warn("Run {} was taken over by another process (lease epoch {} superseded); this process stops it at the"
                        + " next chunk without committing", runId, epoch);
            }
        } catch (RuntimeException e) {
            log.warn("Cannot renew the lease of run {}: {}", runId, e.getMessage());
        } finally {
            RunLogContext.remove();
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }

    /** This machine's name as leases and claims record it. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
