package io.nightshift.cli;

import io.nightshift.NightshiftException;
import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * A command could not start because the job repository set with {@code spring.datasource.url} (PostgreSQL, or an H2
 * URL of one's own) refused or did not answer: one line naming the URL and the database's reason, instead of Spring's
 * report of the failed start-up. A database that refuses the login or does not exist, or a host that does not
 * exist, is a configuration error (exit 2: fix the URL, user or password); a server that does not answer is down
 * for now (exit 1: the same command can succeed later, and a run it interrupted can be relaunched).
 */
final class JobRepositoryUnavailableException extends NightshiftException {

    private JobRepositoryUnavailableException(Disposition disposition, String message, Throwable cause) {
        super(disposition, message, cause);
    }

    /** The exception for a start-up failure caused by the database at {@code url}, or null when it is not one. */
    static JobRepositoryUnavailableException of(String url, Throwable failure) {
        SQLException sql = null;
        boolean unknownHost = false;
        for (Throwable cause = failure; cause != null && cause.getCause() != cause; cause = cause.getCause()) {
            if (cause instanceof SQLException found && sql == null) {
                sql = found;
            }
            unknownHost |= cause instanceof UnknownHostException;
        }
        if (sql == null) {
            return null;
        }
        String state = sql.getSQLState() == null ? "" : sql.getSQLState();
        // SQLSTATE class 08: the connection could not be made or broke; 28: the login was refused; 3D: no such database.
        // Anything else (a migration refused a permission, a checksum mismatch) happened on a database that did
        // connect: Spring's own report of it stays.
        if (!state.startsWith("08") && !state.startsWith("28") && !state.startsWith("3D") && !unknownHost) {
            return null;
        }
        boolean unreachable = state.startsWith("08") && !unknownHost;
        String reason = sql.getMessage() == null ? sql.toString() : sql.getMessage().strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        String advice = unreachable ? "is the database up? The same command works once it answers"
                : "check spring.datasource.url, username and password (SPRING_DATASOURCE_URL, ...)";
        return new JobRepositoryUnavailableException(unreachable ? Disposition.RELAUNCHABLE : Disposition.CONFIGURATION,
                "Cannot connect to the job repository at " + url + ": " + reason + " -- " + advice, failure);
    }
}
