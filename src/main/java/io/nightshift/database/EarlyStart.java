package io.nightshift.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Opening the embedded database ahead of the Spring context: starting its server (a JVM of its own, most of a second
 * when none is running) then overlaps with the start of the command's context instead of adding to it. At most one
 * session is pending per process; the data source's session bean takes it over ({@link EmbeddedDatabase#open()} with
 * the same settings), and anything else (other settings, a context that failed before asking) closes it.
 */
public final class EarlyStart {

    /**
     * Set by the brief commands themselves (status, the registry's records), not a user setting: finding no
     * server, such a command opens the database in its own process (see {@link EmbeddedDatabase.Settings#brief()}).
     */
    public static final String BRIEF_COMMAND = "nightshift.database.brief-command";

    private static EmbeddedDatabase.Settings pendingSettings;
    private static CompletableFuture<EmbeddedDatabase.Session> pending;

    private EarlyStart() {
    }

    /** Begins opening the embedded database of {@code home} on a background thread, with the settings the bean will use. */
    public static void openEarly(Path home, String user, String password, Duration waitTimeout, Duration serverIdleTimeout,
            boolean brief) {
        EmbeddedDatabase.Settings settings = new EmbeddedDatabase.Settings(home.resolve("db"), EmbeddedDatabaseConfiguration.DATABASE_NAME,
                user == null || user.isBlank() ? "sa" : user, password, waitTimeout, serverIdleTimeout, brief);
        begin(settings, () -> EmbeddedDatabase.forThisProcess(settings).openNow());
    }

    static synchronized void begin(EmbeddedDatabase.Settings settings, Supplier<EmbeddedDatabase.Session> open) {
        discard();
        pendingSettings = settings;
        pending = new CompletableFuture<>();
        CompletableFuture<EmbeddedDatabase.Session> future = pending;
        Thread thread = new Thread(() -> {
            try {
                future.complete(open.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        }, "database-start");
        thread.setDaemon(true);
        thread.start();
    }

    /** The early session for these settings, waiting for it if it is still being opened; its failure is rethrown. */
    static Optional<EmbeddedDatabase.Session> take(EmbeddedDatabase.Settings settings) {
        CompletableFuture<EmbeddedDatabase.Session> future;
        synchronized (EarlyStart.class) {
            if (pending == null || !pendingSettings.equals(settings)) {
                discard();
                return Optional.empty();
            }
            future = pending;
            pending = null;
            pendingSettings = null;
        }
        try {
            return Optional.of(future.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Closes a session begun early that nobody took over. */
    public static synchronized void discard() {
        if (pending != null) {
            CompletableFuture<EmbeddedDatabase.Session> future = pending;
            pending = null;
            pendingSettings = null;
            future.thenAccept(EmbeddedDatabase.Session::close);
        }
    }
}
