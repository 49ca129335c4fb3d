package io.nightshift.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.h2.tools.Server;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process that serves the embedded H2 database to every Nightshift command using one home: started on demand by
 * {@link EmbeddedDatabase}, detached from the command that started it, listening on 127.0.0.1 only, and gone by
 * itself once no command has used it for the idle timeout. It is the only process that opens the database file, so
 * no command ever meets a stale lock, and a command that exits (or is killed) takes nobody's database with it.
 *
 * <p>Run as {@code DatabaseServer DIRECTORY NAME IDLE_MILLIS WAIT_MILLIS}, with the database user and password in
 * the environment ({@value #USER_VARIABLE}, {@value #PASSWORD_VARIABLE}) rather than on the command line, where any
 * local user could read them. What it prints goes to {@code DIRECTORY/server.log}.
 *
 * <p>Files in the database directory: {@code server.lock} (held for the server's whole life: at most one server),
 * {@code server.properties} (port and key, owner-only, see {@link ServerAddress}) and {@code connect.lock} (held by a
 * command while it connects or starts a server, and by the server while it decides to stop, so no command can
 * connect to a server in the middle of stopping).
 */
public final class DatabaseServer {

    static final String USER_VARIABLE = "NIGHTSHIFT_DATABASE_USER";
    static final String PASSWORD_VARIABLE = "NIGHTSHIFT_DATABASE_PASSWORD";
    static final String SERVER_LOCK = "server.lock";
    static final String CONNECT_LOCK = "connect.lock";
    static final String ADDRESS_FILE = "server.properties";
    static final String LOG_FILE = "server.log";
    /** Exit code of a server that could not open the database; the command that started it reports server.log. */
    static final int CANNOT_SERVE = 1;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final Path directory;
    private final String name;
    private final Duration idleTimeout;
    private final Duration lockTimeout;
    private final long pid = ProcessHandle.current().pid();

    DatabaseServer(Path directory, String name, Duration idleTimeout, Duration lockTimeout) {
        this.directory = directory.toAbsolutePath().normalize();
        this.name = name;
        this.idleTimeout = idleTimeout;
        this.lockTimeout = lockTimeout;
    }

    public static void main(String[] arguments) {
        if (arguments.length != 4) {
            System.err.println("usage: DatabaseServer DIRECTORY NAME IDLE_MILLIS WAIT_MILLIS");
            System.exit(2);
        }
        // Started from a terminal, the server shares its process group unless setsid detached it: Ctrl-C or closing
        // the terminal must end the command there, not the database every other command is using.
        ignore("INT");
        ignore("HUP");
        DatabaseServer server = new DatabaseServer(Path.of(arguments[0]), arguments[1], Duration.ofMillis(Long.parseLong(arguments[2])),
                Duration.ofMillis(Long.parseLong(arguments[3])));
        System.exit(server.serve(System.getenv().getOrDefault(USER_VARIABLE, "sa"), System.getenv().getOrDefault(PASSWORD_VARIABLE, "")));
    }

    /** Serves until idle; returns the process exit code. */
    int serve(String user, String password) {
        try {
            Optional<ProcessFileLock> serverLock = awaitServerLock();
            if (serverLock.isEmpty()) {
                return 0;
            }
            try (ProcessFileLock held = serverLock.get()) {
                // An address left by a server that died is stale from now on: with it gone, an address a command finds
                // while the server lock is held is this server's.
                Files.deleteIfExists(directory.resolve(ADDRESS_FILE));
                return serveWhileHolding(user, password);
            }
        } catch (IOException | SQLException | RuntimeException e) {
            log("cannot serve " + databasePath() + ": " + oneLine(e));
            e.printStackTrace(System.out);
            return CANNOT_SERVE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CANNOT_SERVE;
        }
    }

    /**
     * The server lock, waiting for a previous server that is still closing the database. Empty when another server
     * is serving (it published its address), or when the lock stays held past the timeout: either way this one is
     * not needed.
     */
    private Optional<ProcessFileLock> awaitServerLock() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        while (true) {
            Optional<ProcessFileLock> lock = ProcessFileLock.tryAcquire(directory.resolve(SERVER_LOCK));
            if (lock.isPresent()) {
                return lock;
            }
            Optional<ServerAddress> other = ServerAddress.read(directory.resolve(ADDRESS_FILE));
            if (other.isPresent() && other.get().pid() != pid && ProcessHandle.of(other.get().pid()).map(ProcessHandle::isAlive).orElse(false)) {
                log("another server already serves " + databasePath() + " at " + other.get() + "; exiting");
                return Optional.empty();
            }
            if (System.nanoTime() - deadline >= 0) {
                log("the server lock stayed held for " + lockTimeout.toSeconds() + " s; exiting");
                return Optional.empty();
            }
            Thread.sleep(50);
        }
    }

    private int serveWhileHolding(String user, String password) throws IOException, SQLException, InterruptedException {
        Properties credentials = new Properties();
        credentials.setProperty("user", user);
        credentials.setProperty("password", password);
        String url = fileUrl(Path.of(databasePath()));
        try (Connection own = new org.h2.Driver().connect(url, credentials)) {
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            String key = HexFormat.of().formatHex(secret);
            // -key: the only database a client can open is the one named by the secret key, mapped to ours;
            // -ifExists (the default): no client can create a database. h2.bindAddress (set by the launcher) keeps the
            // socket on 127.0.0.1, and without -tcpAllowOthers H2 refuses non-local peers as well.
            Server tcp = Server.createTcpServer("-tcpPort", "0", "-tcpDaemon", "-key", key, "file:" + databasePath()).start();
            ServerAddress address = new ServerAddress(tcp.getPort(), key, pid);
            Path addressFile = directory.resolve(ADDRESS_FILE);
            // On SIGTERM: H2's own hook closes the database; the address must not outlive the server.
            Thread unpublish = new Thread(() -> deleteQuietly(address, addressFile), "unpublish-address");
            Runtime.getRuntime().addShutdownHook(unpublish);
            address.write(addressFile);
            log("serving " + databasePath() + " at " + address + "; stops after " + idleTimeout.toSeconds() + " s without sessions");
            awaitIdle(own, address, addressFile, tcp);
            Runtime.getRuntime().removeShutdownHook(unpublish);
        }
        log("stopped: no session for " + idleTimeout.toSeconds() + " s");
        return 0;
    }

    /**
     * Returns once the database has had no session but this server's own for the idle timeout, with the address
     * unpublished and the TCP server stopped. The final check is made holding the connect lock, which every command
     * holds while it connects: a command either connected before (its session counts, the server stays) or connects
     * after (it finds no address and starts a new server, which waits for this one to close the database).
     */
    private void awaitIdle(Connection own, ServerAddress address, Path addressFile, Server tcp) throws IOException, SQLException,
            InterruptedException {
        long pollMillis = Math.max(50, Math.min(1_000, idleTimeout.toMillis() / 4));
        long idleSince = System.nanoTime();
        while (true) {
            Thread.sleep(pollMillis);
            if (sessions(own) > 1) {
                idleSince = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - idleSince < idleTimeout.toNanos()) {
                continue;
            }
            Optional<ProcessFileLock> connectLock = ProcessFileLock.tryAcquire(directory.resolve(CONNECT_LOCK));
            if (connectLock.isEmpty()) {
                continue;
            }
            try (ProcessFileLock held = connectLock.get()) {
                if (sessions(own) > 1) {
                    idleSince = System.nanoTime();
                    continue;
                }
                address.deleteIfCurrent(addressFile);
                tcp.stop();
                return;
            }
        }
    }

    /** Sessions open on the database, this server's own included. */
    private static int sessions(Connection own) throws SQLException {
        try (Statement statement = own.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            result.next();
            return result.getInt(1);
        }
    }

    /**
     * How the database file is opened, by the server and by a brief command that found none. FILE_LOCK=FS: H2's
     * OS-level lock, which the kernel releases if the process dies (the default FILE method leaves a lock file that
     * blocks the next open for seconds). WRITE_DELAY=0: a commit is written before a chunk's checkpoint is acknowledged.
     */
    static String fileUrl(Path database) {
        return "jdbc:h2:file:" + database + ";FILE_LOCK=FS;WRITE_DELAY=0";
    }

    private String databasePath() {
        return directory.resolve(name).toString();
    }

    private void log(String message) {
        System.out.println(LocalDateTime.now().format(TIME) + " database server pid " + pid + ": " + message);
        System.out.flush();
    }

    private static void deleteQuietly(ServerAddress address, Path addressFile) {
        try {
            address.deleteIfCurrent(addressFile);
        } catch (IOException e) {
            // A stale address is harmless: commands check that a server holds the server lock before using one.
        }
    }

    private static void ignore(String signal) {
        try {
            Signal.handle(new Signal(signal), SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException e) {
            // Not a signal on this platform, or reserved by the JVM (-Xrs): nothing to ignore.
        }
    }

    static String oneLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        return message.replace('\n', ' ').trim();
    }
}
