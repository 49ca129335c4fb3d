package io.nightshift.job;

import io.nightshift.scoring.RunFence;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who executes a partition of a remote run, fenced by an epoch: {@link RunLeases}' protocol one level down. A worker
 * takes a partition with one conditional insert (epoch 1) or update (epoch + 1, only while the epoch is the one it saw
 * and the holder is provably gone), so of two workers handed the same message (a redelivery while the first still runs,
 * after its broker connection broke) exactly one executes it and the other waits. Every chunk commit proves, inside its
 * transaction, that the partition's epoch is still this worker's ({@code FOR UPDATE}) and that the run was not
 * relaunched since the partition was taken ({@code FOR SHARE} on the run's lease, so a relaunch's takeover waits for the
 * chunk to end): a superseded worker stops at its next chunk without committing it.
 *
 * <p>As the {@link RunFence} of a worker's scoring steps, {@link #epoch} is the RUN's epoch at which the partition was
 * taken: part files are named with it, so the manager's commit deletes a killed worker's orphans exactly as it deletes a
 * local run's, and never those of a later relaunch. One worker process executes one partition of a run at a time.
 */
public final class PartitionLeases implements RunFence, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionLeases.class);
    private static final long TAKEOVER_TIMEOUT_MILLIS = 15_000;

    /** A partition this process holds: its lease epoch, and the run's lease epoch when it was taken. */
    public record Held(long runId, int partition, long epoch, long runEpoch) {
    }

    /** A partition's lease as stored. */
    public record Lease(long runId, int partition, long epoch, Long stepExecutionId, String host, long pid, Instant heartbeatAt,
            boolean released, boolean alive) {
    }

    private final JdbcTemplate jdbc;
    private final LockBreaker lockBreaker;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private final Duration timeout;
    private final String host = RunLeases.hostName();
    private final long pid = ProcessHandle.current().pid();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "partition-lease-heartbeat");
        thread.setDaemon(true);
        return thread;
    });
    /** By run id: a worker holds at most one partition of a run. */
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    private final Map<Long, ScheduledFuture<?>> renewals = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> lost = new ConcurrentHashMap<>();

    public PartitionLeases(JdbcTemplate jdbc, Clock clock, Duration heartbeatInterval, Duration timeout) {
        this.jdbc = jdbc;
        this.lockBreaker = new LockBreaker(jdbc.getDataSource());
        this.clock = clock;
        this.heartbeatInterval = heartbeatInterval;
        this.timeout = timeout;
    }

    /**
     * Takes a partition, or returns empty when another live process holds it (or won the same takeover first). Also
     * empty when the run has no live lease epoch to fence with (the manager never attached: not a run to execute).
     */
    public Optional<Held> tryTake(long runId, int partition) {
        if (held.containsKey(runId)) {
            throw new IllegalStateException("This process already executes partition " + held.get(runId).partition() + " of run " + runId);
        }
        List<Long> runEpochs = jdbc.queryForList("SELECT EPOCH FROM NS_RUN_LEASE WHERE RUN_ID = ?", Long.class, runId);
        if (runEpochs.isEmpty()) {
            return Optional.empty();
        }
        Optional<Lease> current = lease(runId, partition);
        if (current.isPresent() && !current.get().released() && current.get().alive()) {
            return Optional.empty();
        }
        Timestamp now = Timestamp.from(clock.instant());
        long epoch;
        try {
            if (current.isEmpty()) {
                epoch = 1;
                jdbc.update("INSERT INTO NS_PARTITION_LEASE (RUN_ID, PARTITION_INDEX, EPOCH, STEP_EXECUTION_ID, OWNER_HOST, OWNER_PID,"
                        + " HEARTBEAT_AT, RELEASED) VALUES (?, ?, ?, NULL, ?, ?, ?, FALSE)", runId, partition, epoch, host, pid, now);
            } else {
                epoch = current.get().epoch() + 1;
                int updated = lockBreaker.update("UPDATE NS_PARTITION_LEASE SET EPOCH = ?, STEP_EXECUTION_ID = NULL, OWNER_HOST = ?,"
                        + " OWNER_PID = ?, HEARTBEAT_AT = ?, RELEASED = FALSE WHERE RUN_ID = ? AND PARTITION_INDEX = ? AND EPOCH = ?",
                        TAKEOVER_TIMEOUT_MILLIS, epoch, host, pid, now, runId, partition, current.get().epoch());
                if (updated != 1) {
                    return Optional.empty();
                }
            }
        } catch (DuplicateKeyException | org.springframework.dao.ConcurrencyFailureException e) {
            return Optional.empty();
        } catch (java.sql.SQLException | java.util.concurrent.TimeoutException e) {
            log.info("Cannot take partition {} of run {} now ({}); it stays with its holder", partition, runId, e.getMessage());
            return Optional.empty();
        }
        Held taken = new Held(runId, partition, epoch, runEpochs.getFirst());
        held.put(runId, taken);
        lost.remove(runId);
        long millis = heartbeatInterval.toMillis();
        renewals.put(runId, heartbeats.scheduleAtFixedRate(() -> renew(taken), millis, millis, TimeUnit.MILLISECONDS));
        return Optional.of(taken);
    }

    /** Records which step execution the holder runs the partition as (for operators and the test's audit). */
    public void attach(Held partition, long stepExecutionId) {
        jdbc.update("UPDATE NS_PARTITION_LEASE SET STEP_EXECUTION_ID = ? WHERE RUN_ID = ? AND PARTITION_INDEX = ? AND EPOCH = ?",
                stepExecutionId, partition.runId(), partition.partition(), partition.epoch());
    }

    /** Gives a partition up, so the next worker handed its message takes it at once. */
    public void release(Held partition) {
        if (!held.remove(partition.runId(), partition)) {
            return;
        }
        ScheduledFuture<?> renewal = renewals.remove(partition.runId());
        if (renewal != null) {
            renewal.cancel(false);
        }
        lost.remove(partition.runId());
        jdbc.update("UPDATE NS_PARTITION_LEASE SET RELEASED = TRUE, HEARTBEAT_AT = ? WHERE RUN_ID = ? AND PARTITION_INDEX = ? AND EPOCH = ?",
                Timestamp.from(clock.instant()), partition.runId(), partition.partition(), partition.epoch());
    }

    /** A partition's lease, or empty if no worker ever took it. */
    public Optional<Lease> lease(long runId, int partition) {
        return jdbc.query("SELECT EPOCH, STEP_EXECUTION_ID, OWNER_HOST, OWNER_PID, HEARTBEAT_AT, RELEASED FROM NS_PARTITION_LEASE"
                + " WHERE RUN_ID = ? AND PARTITION_INDEX = ?", (row, index) -> {
                    long epoch = row.getLong(1);
                    long step = row.getLong(2);
                    Long stepExecutionId = row.wasNull() ? null : step;
                    String ownerHost = row.getString(3);
                    long ownerPid = row.getLong(4);
                    Instant heartbeat = row.getTimestamp(5).toInstant();
                    boolean released = row.getBoolean(6);
                    return new Lease(runId, partition, epoch, stepExecutionId, ownerHost, ownerPid, heartbeat, released,
                            !released && RunLeases.holderAlive(host, ownerHost, ownerPid, heartbeat, clock.instant(), timeout));
                }, runId, partition).stream().findFirst();
    }

    @Override
    public long epoch(long runId) {
        return heldOf(runId).runEpoch();
    }

    @Override
    public void check(long runId) {
        Held partition = heldOf(runId);
        List<Long> epochs = jdbc.queryForList("SELECT EPOCH FROM NS_PARTITION_LEASE WHERE RUN_ID = ? AND PARTITION_INDEX = ? FOR UPDATE",
                Long.class, runId, partition.partition());
        if (lost.containsKey(runId) || epochs.isEmpty() || epochs.getFirst() != partition.epoch()) {
            lost.put(runId, true);
            throw new RunTakenOverException("Partition " + partition.partition() + " of run " + runId + " was taken over by another"
                    + " worker while this one (pid " + pid + ", partition epoch " + partition.epoch() + ") was executing it;"
                    + " stopping without committing this chunk.");
        }
        List<Long> runEpochs = jdbc.queryForList("SELECT EPOCH FROM NS_RUN_LEASE WHERE RUN_ID = ? FOR SHARE", Long.class, runId);
        if (runEpochs.isEmpty() || runEpochs.getFirst() != partition.runEpoch()) {
            lost.put(runId, true);
            throw new RunTakenOverException("Run " + runId + " was relaunched (lease epoch " + (runEpochs.isEmpty() ? "gone"
                    : runEpochs.getFirst()) + ", taken at " + partition.runEpoch() + ") while this worker was executing its partition "
                    + partition.partition() + "; stopping without committing this chunk.");
        }
    }

    private Held heldOf(long runId) {
        Held partition = held.get(runId);
        if (partition == null) {
            throw new IllegalStateException("This process holds no partition of run " + runId);
        }
        return partition;
    }

    private void renew(Held partition) {
        try {
            int updated = jdbc.update("UPDATE NS_PARTITION_LEASE SET HEARTBEAT_AT = ? WHERE RUN_ID = ? AND PARTITION_INDEX = ?"
                    + " AND EPOCH = ? AND RELEASED = FALSE", Timestamp.from(clock.instant()), partition.runId(), partition.partition(),
                    partition.epoch());
            if (updated == 0 && lost.putIfAbsent(partition.runId(), true) == null) {
                log.warn("Partition {} of run {} was taken over by another worker (partition epoch {} superseded); this worker"
                        + " stops it at the next chunk without committing", partition.partition(), partition.runId(), partition.epoch());
            }
        } catch (RuntimeException e) {
            log.warn("Cannot renew the lease of partition {} of run {}: {}", partition.partition(), partition.runId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
    }
}
