package io.nightshift.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a takeover's conditional update and, if it waits on a row lock held by the run's previous holder, ends that
 * holder's database session. The holder keeps the lease row locked for the instant between proving its epoch and
 * committing a chunk; a holder frozen in that instant (SIGSTOP, a stuck node that still answers TCP) would block every
 * takeover for as long as its connection lives. The caller has already proven the holder gone (released, dead pid, or
 * heartbeat past the timeout), so breaking its session is the fence doing its job: its chunk fails to commit.
 * PostgreSQL: {@code pg_blocking_pids} + {@code pg_terminate_backend}; H2: {@code INFORMATION_SCHEMA.SESSIONS.BLOCKER_ID}
 * + {@code ABORT_SESSION}. Other databases: the update just waits, up to the timeout.
 */
final class LockBreaker {

    private static final Logger log = LoggerFactory.getLogger(LockBreaker.class);
    private static final long PATIENCE_MILLIS = 1_000;

    private final DataSource dataSource;

    LockBreaker(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Executes {@code sql} with {@code arguments} in autocommit, breaking a blocking session; returns rows updated. */
    int update(String sql, long timeoutMillis, Object... arguments) throws SQLException, TimeoutException {
        try (Connection waiting = dataSource.getConnection()) {
            waiting.setAutoCommit(true);
            Vendor vendor = Vendor.of(waiting);
            long sessionId = vendor.sessionId(waiting);
            CompletableFuture<Integer> update = CompletableFuture.supplyAsync(() -> {
                try (PreparedStatement statement = waiting.prepareStatement(sql)) {
                    statement.setQueryTimeout((int) Math.max(1, timeoutMillis / 1000));
                    for (int i = 0; i < arguments.length; i++) {
                        statement.setObject(i + 1, arguments[i]);
                    }
                    return statement.executeUpdate();
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            boolean broken = false;
            while (true) {
                try {
                    return update.get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    if (!broken && vendor != Vendor.OTHER) {
                        broken = breakBlockers(vendor, sessionId);
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() != null && e.getCause().getCause() instanceof SQLException failure) {
                        throw failure;
                    }
                    throw new SQLException("Cannot run " + sql + ": " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("Interrupted while taking a run over", e);
                }
            }
        }
    }

    private boolean breakBlockers(Vendor vendor, long waitingSession) {
        try (Connection connection = dataSource.getConnection()) {
            List<Long> blockers = vendor.blockers(connection, waitingSession);
            for (long blocker : blockers) {
                log.warn("Ending database session {} of the run's previous holder: it holds the lease row and does not answer",
                        blocker);
                vendor.end(connection, blocker);
            }
            return !blockers.isEmpty();
        } catch (SQLException e) {
            log.warn("Cannot end the previous holder's database session: {}", e.getMessage());
            return false;
        }
    }

    private enum Vendor {
        POSTGRESQL("SELECT pg_backend_pid()", "SELECT unnest(pg_blocking_pids(?))", "SELECT pg_terminate_backend(?)"),
        H2("SELECT SESSION_ID()", "SELECT BLOCKER_ID FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = ? AND BLOCKER_ID IS NOT NULL",
                "SELECT ABORT_SESSION(?)"),
        OTHER(null, null, null);

        private final String sessionIdSql;
        private final String blockersSql;
        private final String endSql;

        Vendor(String sessionIdSql, String blockersSql, String endSql) {
            this.sessionIdSql = sessionIdSql;
            this.blockersSql = blockersSql;
            this.endSql = endSql;
        }

        static Vendor of(Connection connection) throws SQLException {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            return product.contains("postgres") ? POSTGRESQL : product.contains("h2") ? H2 : OTHER;
        }

        long sessionId(Connection connection) throws SQLException {
            if (sessionIdSql == null) {
                return -1;
            }
            try (PreparedStatement statement = connection.prepareStatement(sessionIdSql); ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }

        List<Long> blockers(Connection connection, long session) throws SQLException {
            List<Long> blockers = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(blockersSql)) {
                statement.setInt(1, (int) session);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        blockers.add(rows.getLong(1));
                    }
                }
            }
            return blockers;
        }

        void end(Connection connection, long session) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(endSql)) {
                statement.setInt(1, (int) session);
                statement.execute();
            }
        }
    }
}
