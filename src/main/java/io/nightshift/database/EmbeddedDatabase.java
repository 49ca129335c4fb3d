package io.nightshift.database;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.h2.api.ErrorCode;

/**
 * The embedded job repository: one H2 database under {@code ${nightshift.home}/db}, which every command on this
 * machine reaches through a small local server process ({@link DatabaseServer}) started on demand.
 *
 * <p>Why a server process: H2 lets only one process open a database file. Its {@code AUTO_SERVER} mode makes the
 * first process host a server for the others, but when that process exits every other process's connections break
 * mid-run, and two processes opening at the same instant race each other ("Locked by another process"); its default
 * lock file outlives a kill -9 ("Lock file recently modified"). Opening and closing the file per transaction
 * (FILE_LOCK=FS without a server) would serialise every chunk of concurrent runs on one file lock. A process that
 * belongs to no command has none of these problems: a command that exits, or is killed, closes only its own
 * sessions; the server outlives it and stops by itself after an idle period, so no stray JVM is left.
 *
 * <p>How a command connects, all of it bounded by the wait timeout: it takes the connect lock (an OS file lock, see
 * {@link ProcessFileLock}, so a killed holder never blocks anyone), reads the server's address, and if a server holds
 * the server lock, connects and keeps one session open for its whole life (the server counts sessions to know it is
 * in use). Otherwise it starts a server, detached, and waits for it to publish its address. The start-up race of
 * several commands at once is thereby resolved by the connect lock: exactly one of them starts the server, the
 * others find it. A command says so on stderr, in one line, when it has to wait for another one.
 */
final class EmbeddedDatabase {

    /** How long a command waits for another command's connect or migration before it says it is waiting. */
    private static final Duration NOTICE_AFTER = Duration.ofSeconds(1);
    /** A server this command started is normally up in well under a second; say so only if it is far slower. */
    private static final Duration NOTICE_AFTER_OWN_START = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;
    private static final long MAX_LOG_BYTES = 1 << 20;
    private static final int MAX_STARTS = 3;
    static final String MIGRATE_LOCK = "migrate.lock";

    /**
     * @param directory         the database directory, {@code ${nightshift.home}/db}
     * @param name              the database name within it (files {@code NAME.mv.db}, ...)
     * @param user              database user ({@code spring.datasource.username})
     * @param password          its password ({@code spring.datasource.password})
     * @param waitTimeout       the longest a command waits for the database
     * @param serverIdleTimeout how long the server stays without sessions before it stops
     * @param brief             whether the command is a brief one (status, registry records): finding no server, it
     *                          opens the database in its own process for its short life instead of starting one
     */
    record Settings(Path directory, String name, String user, String password, Duration waitTimeout, Duration serverIdleTimeout,
            boolean brief) {
        Settings {
            directory = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
            requireNonNull(name, "name is null");
            requireNonNull(user, "user is null");
            password = password == null ? "" : password;
            requireNonNull(waitTimeout, "waitTimeout is null");
            requireNonNull(serverIdleTimeout, "serverIdleTimeout is null");
            if (waitTimeout.isNegative() || waitTimeout.isZero()) {
                throw new IllegalArgumentException("nightshift.database.wait-timeout must be positive, not " + waitTimeout);
            }
            if (serverIdleTimeout.isNegative() || serverIdleTimeout.isZero()) {
                throw new IllegalArgumentException("nightshift.database.server-idle-timeout must be positive, not " + serverIdleTimeout);
            }
        }

        /** A command that may run long (a run, a gate): it always goes through the server. */
        Settings(Path directory, String name, String user, String password, Duration waitTimeout, Duration serverIdleTimeout) {
            this(directory, name, user, password, waitTimeout, serverIdleTimeout, false);
        }
    }

    private final Settings settings;
    private final ServerCommand serverCommand;
    private final Consumer<String> stderr;

    EmbeddedDatabase(Settings settings, ServerCommand serverCommand, Consumer<String> stderr) {
        this.settings = requireNonNull(settings, "settings is null");
        this.serverCommand = requireNonNull(serverCommand, "serverCommand is null");
        this.stderr = requireNonNull(stderr, "stderr is null");
    }

    /** For the application: the server started from this JVM's own classes, waits reported on stderr. */
    static EmbeddedDatabase forThisProcess(Settings settings) {
        return new EmbeddedDatabase(settings, ServerCommand.forThisProcess(), System.err::println);
    }

    /**
     * Connects, starting the server if none is running; the session keeps the server in use until closed. A session
     * that {@link EarlyStart#openEarly} began for the same settings is taken over instead (its failure is this call's failure).
     */
    Session open() {
        Optional<Session> early = EarlyStart.take(settings);
        if (early.isPresent()) {
            return early.get();
        }
        return openNow();
    }

    Session openNow() {
        Wait wait = new Wait();
        createDirectory();
        Optional<ProcessFileLock> connectLock;
        try {
            connectLock = ProcessFileLock.acquire(file(DatabaseServer.CONNECT_LOCK), settings.waitTimeout(),
                    () -> wait.notice("another command is connecting to it or starting its server", NOTICE_AFTER));
        } catch (IOException e) {
            throw unavailable("cannot lock " + file(DatabaseServer.CONNECT_LOCK) + " (" + DatabaseServer.oneLine(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for another command", e);
        }
        if (connectLock.isEmpty()) {
            throw unavailable("another command held " + file(DatabaseServer.CONNECT_LOCK) + " for " + settings.waitTimeout().toSeconds()
                    + " s. If it hangs, stop it; on a very busy machine, raise nightshift.database.wait-timeout");
        }
        ProcessFileLock held = connectLock.get();
        try {
            if (settings.brief()) {
                Optional<Session> inProcess = openInProcess(held);
                if (inProcess.isPresent()) {
                    return inProcess.get();
                }
            }
            try (held) {
                return connect(wait);
            }
        } catch (IOException e) {
            held.close();
            throw unavailable(DatabaseServer.oneLine(e), e);
        } catch (InterruptedException e) {
            held.close();
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for its server", e);
        } catch (RuntimeException e) {
            held.close();
            throw e;
        }
    }

    /**
     * For a brief command, holding the connect lock: when no server is running, opens the database file in this process
     * and keeps both the server lock and the connect lock until the session closes, so that no server and no other
     * command opens the file meanwhile (one that arrives waits for the connect lock, about a second). Starting a server
     * JVM for one query cost a cold {@code status} most of a second on 2 cores. Every lock is the kernel's, so a brief
     * command killed with kill -9 blocks nobody. Empty when a server is running or the file cannot be opened here
     * (then the command connects to a server as usual).
     */
    private Optional<Session> openInProcess(ProcessFileLock connectLock) throws IOException {
        Optional<ProcessFileLock> serverLock = ProcessFileLock.tryAcquire(file(DatabaseServer.SERVER_LOCK));
        if (serverLock.isEmpty()) {
            return Optional.empty();
        }
        String url = DatabaseServer.fileUrl(settings.directory().resolve(settings.name()));
        try {
            return Optional.of(new Session(url, "this process", connect(url), List.of(serverLock.get(), connectLock)));
        } catch (SQLException e) {
            serverLock.get().close();
            if (e.getErrorCode() == ErrorCode.WRONG_USER_OR_PASSWORD) {
                connectLock.close();
                throw unavailable("it rejected user '" + settings.user() + "'. spring.datasource.username and "
                        + "spring.datasource.password must be the ones the database was created with", e);
            }
            return Optional.empty();
        }
    }

    /** Holding the connect lock: connects to the running server, or starts one and connects once it is up. */
    private Session connect(Wait wait) throws IOException, InterruptedException {
        long deadline = wait.started + settings.waitTimeout().toNanos();
        Process started = null;
        int starts = 0;
        ServerAddress rejectedOnce = null;
        String problem = "no server answered";
        while (true) {
            boolean serverAlive = ProcessFileLock.isHeld(file(DatabaseServer.SERVER_LOCK));
            // Read after the lock: a starting server deletes a dead one's address as soon as it holds the lock.
            Optional<ServerAddress> address = ServerAddress.read(file(DatabaseServer.ADDRESS_FILE))
                    .filter(published -> ProcessHandle.of(published.pid()).map(ProcessHandle::isAlive).orElse(false));
            if (address.isPresent() && serverAlive) {
                try {
                    return new Session(address.get().jdbcUrl(), address.get().toString(), connect(address.get().jdbcUrl()), List.of());
                } catch (SQLException e) {
                    problem = address.get() + " refused the connection: " + DatabaseServer.oneLine(e);
                    if (e.getErrorCode() == ErrorCode.WRONG_USER_OR_PASSWORD) {
                        // Once may be a server that replaced the address between our read and our connect.
                        if (address.get().equals(rejectedOnce)) {
                            throw unavailable("the server rejected user '" + settings.user() + "'. spring.datasource.username and "
                                    + "spring.datasource.password must be the ones the database was created with", e);
                        }
                        rejectedOnce = address.get();
                    }
                }
            } else if (serverAlive) {
                problem = "a server holds " + file(DatabaseServer.SERVER_LOCK) + " but has not published its address; if it "
                        + "hangs, stop it (its pid is in " + file(DatabaseServer.LOG_FILE) + ")";
            } else {
                if (started != null && !started.isAlive() && started.exitValue() == DatabaseServer.CANNOT_SERVE) {
                    throw unavailable("its server could not open it: " + lastLogLine() + ". If another program (an older "
                            + "nightshift, an H2 console) has the database open, stop it and try again; details in " + file(DatabaseServer.LOG_FILE),
                            null);
                }
                if ((started == null || !started.isAlive()) && starts < MAX_STARTS) {
                    started = startServer();
                    starts++;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                throw unavailable("no server was ready within " + settings.waitTimeout().toSeconds() + " s (" + problem + "). See "
                        + file(DatabaseServer.LOG_FILE) + "; on a very busy machine, raise nightshift.database.wait-timeout", null);
            }
            wait.notice(started == null ? "its server is starting" : "starting its server", started == null ? NOTICE_AFTER : NOTICE_AFTER_OWN_START);
            Thread.sleep(POLL_MILLIS);
        }
    }

    private Connection connect(String jdbcUrl) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", settings.user());
        credentials.setProperty("password", settings.password());
        return new org.h2.Driver().connect(jdbcUrl, credentials);
    }

    private Process startServer() throws IOException {
        Path log = file(DatabaseServer.LOG_FILE);
        if (Files.exists(log) && Files.size(log) > MAX_LOG_BYTES) {
            Files.delete(log);
        }
        List<String> command = serverCommand.command(settings.directory(), settings.name(), settings.serverIdleTimeout(),
                settings.waitTimeout());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(settings.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        // The server's JVM options are its own: a debugger agent or heap setting meant for the command must not
        // follow it into a process that outlives the command.
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().put(DatabaseServer.USER_VARIABLE, settings.user());
        builder.environment().put(DatabaseServer.PASSWORD_VARIABLE, settings.password());
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /**
     * Runs {@code action} while no other command of this home runs one: Flyway's own lock on H2 does not keep two
     * commands from migrating a fresh database at once.
     */
    void exclusively(String what, Runnable action) {
        Wait wait = new Wait();
        Path lockFile = file(MIGRATE_LOCK);
        Optional<ProcessFileLock> lock;
        try {
            lock = ProcessFileLock.acquire(lockFile, settings.waitTimeout(), () -> wait.notice("another command is " + what, NOTICE_AFTER));
        } catch (IOException e) {
            throw unavailable("cannot lock " + lockFile + " (" + DatabaseServer.oneLine(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while another command was " + what, e);
        }
        if (lock.isEmpty()) {
            throw unavailable("another command was " + what + " for " + settings.waitTimeout().toSeconds()
                    + " s. If it hangs, stop it; on a very busy machine, raise nightshift.database.wait-timeout", null);
        }
        try (ProcessFileLock held = lock.get()) {
            action.run();
        }
    }

    private void createDirectory() {
        try {
            Files.createDirectories(settings.directory());
        } catch (IOException e) {
            throw unavailable("cannot create the directory (" + DatabaseServer.oneLine(e) + "). Set nightshift.home "
                    + "(NIGHTSHIFT_HOME) to a writable directory", e);
        }
    }

    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(file(DatabaseServer.LOG_FILE), StandardCharsets.UTF_8);
            return lines.reversed().stream().filter(line -> line.contains("cannot serve")).findFirst()
                    .map(line -> withoutH2Advice(line.substring(line.indexOf("cannot serve"))))
                    .orElse(lines.isEmpty() ? "it printed nothing" : lines.getLast());
        } catch (IOException | UncheckedIOException e) {
            return "its log cannot be read (" + DatabaseServer.oneLine(e) + ")";
        }
    }

    /** H2's message without its advice for other setups ("use the server mode") and its error code. */
    static String withoutH2Advice(String message) {
        int advice = message.indexOf(" Possible solutions:");
        String trimmed = advice < 0 ? message : message.substring(0, advice);
        return trimmed.replaceFirst("\\s*\\[\\d+-\\d+]$", "").replaceFirst("\\.$", "");
    }

    private Path file(String name) {
        return settings.directory().resolve(name);
    }

    private DatabaseUnavailableException unavailable(String why, Throwable cause) {
        return new DatabaseUnavailableException("Cannot open the embedded database at " + settings.directory() + ": " + why, cause);
    }

    private DatabaseUnavailableException unavailable(String why) {
        return unavailable(why, null);
    }

    /** One wait of one command: when it began, and whether it has said so. */
    private final class Wait {
        private final long started = System.nanoTime();
        private boolean noticed;

        void notice(String reason, Duration after) {
            if (!noticed && System.nanoTime() - started >= after.toNanos()) {
                noticed = true;
                stderr.accept("nightshift: waiting for the embedded database at " + settings.directory() + " (" + reason + "; up to "
                        + settings.waitTimeout().toSeconds() + " s)");
            }
        }
    }

    /**
     * A command's connection to the embedded database: the URL its pool connects with, and one session held open until
     * {@link #close()}, which keeps the server from stopping while the command lives (or, opened in this process, keeps
     * the database open, with the locks that keep everybody else out until then).
     */
    static final class Session implements AutoCloseable {
        private final String jdbcUrl;
        private final String description;
        private final Connection keepAlive;
        private final List<ProcessFileLock> locks;

        private Session(String jdbcUrl, String description, Connection keepAlive, List<ProcessFileLock> locks) {
            this.jdbcUrl = jdbcUrl;
            this.description = description;
            this.keepAlive = keepAlive;
            this.locks = locks;
        }

        String jdbcUrl() {
            return jdbcUrl;
        }

        /** Whether the database is open in this process (a brief command that found no server). */
        boolean inProcess() {
            return !locks.isEmpty();
        }

        @Override
        public void close() {
            try {
                keepAlive.close();
            } catch (SQLException e) {
                // The server went away first: nothing of ours is left open.
            }
            locks.forEach(ProcessFileLock::close);
        }

        @Override
        public String toString() {
            return inProcess() ? "embedded database opened in this process" : "embedded database session via " + description;
        }
    }
}
