package io.nightshift.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of a test's own, for tests that stop and start the database under a running process: a cluster
 * created with {@code initdb} in a temporary directory and run with {@code pg_ctl} on a free port of 127.0.0.1, never
 * the shared server on 5432. Tests run as root and PostgreSQL refuses root, so as root the server runs as the
 * {@code postgres} OS user. {@link #close()} stops the server and deletes the directory, also after a failed test.
 */
public final class PrivatePostgres implements AutoCloseable {

    /** Debian's layout; another one can be named with {@code -Dnightshift.postgres.bin=...}. */
    private static final Path BINARIES = Path.of(System.getProperty("nightshift.postgres.bin", "/usr/lib/postgresql/15/bin"));
    private static final String OS_USER = "postgres";
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path directory;
    private final Path data;
    private final Path socket;
    private final Path serverLog;
    private final int port;
    private boolean running;

    private PrivatePostgres(Path directory, int port) {
        this.directory = directory;
        Path cluster = directory.resolve("cluster");
        this.data = cluster.resolve("data");
        this.socket = cluster.resolve("socket");
        this.serverLog = cluster.resolve("server.log");
        this.port = port;
    }

    /** Why this machine cannot run a private server (for an assumption), or empty if it can. */
    public static Optional<String> unavailable() {
        for (String binary : List.of("initdb", "pg_ctl", "postgres")) {
            if (!Files.isExecutable(BINARIES.resolve(binary))) {
                return Optional.of("no PostgreSQL binaries: " + BINARIES.resolve(binary) + " is missing (install postgresql-15,"
                        + " or point -Dnightshift.postgres.bin at another bin directory)");
            }
        }
        if (ROOT && !Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return Optional.of("running as root, and PostgreSQL refuses root, but there is no runuser to run it as " + OS_USER);
        }
        return Optional.empty();
    }

    /** Creates a cluster (trust authentication, superuser {@code postgres}) in a new temporary directory and starts it. */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        // Not a JUnit @TempDir: those are 0700 root, and the server's OS user must traverse the parent of its cluster.
        Path directory = Files.createTempDirectory("nightshift-pg-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        PrivatePostgres server = new PrivatePostgres(directory, freePort());
        try {
            server.create();
            server.startAgain();
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void create() throws IOException, InterruptedException {
        Path cluster = data.getParent();
        Files.createDirectories(socket);
        if (ROOT) {
            UserPrincipal owner = cluster.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
            for (Path path : List.of(cluster, socket)) {
                Files.setOwner(path, owner);
            }
        }
        run(List.of(BINARIES.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                "--no-sync", "-E", "UTF8", "--locale=C"));
    }

    /** JDBC URL of the server's {@code postgres} database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    /**
     * Stops the server: {@code fast} ends every session (rolling back its transaction) and shuts down cleanly,
     * {@code immediate} kills the server as a crash would (recovery from WAL on the next start).
     */
    public void stop(String mode) throws IOException, InterruptedException {
        run(List.of(BINARIES.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", mode, "-w"));
        running = false;
    }

    /** Starts the (stopped) server again on the same port; returns once it accepts connections. */
    public void startAgain() throws IOException, InterruptedException {
        // fsync off: the test stops the server, never the machine, so the page cache keeps every write, and a shared
        // two-core machine is spared the flushes.
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + socket + " -c fsync=off";
        run(List.of(BINARIES.resolve("pg_ctl").toString(), "start", "-D", data.toString(), "-l", serverLog.toString(), "-w",
                "-t", "60", "-o", options));
        running = true;
    }

    /** What the server logged, for assertion messages. */
    public String log() {
        try {
            return Files.exists(serverLog) ? Files.readString(serverLog, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + serverLog + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (running || Files.exists(data.resolve("postmaster.pid"))) {
                stop("immediate");
            }
        } finally {
            try (Stream<Path> paths = Files.walk(directory)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException("Cannot delete " + path + " of a private PostgreSQL", e);
                    }
                });
            }
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (ROOT) {
            full.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile(directory, "command-", ".log");
        // Output to a file, not a pipe: pg_ctl start leaves a server behind that must not hold this process's pipes.
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(output.toFile())
                .directory(directory.toFile()).start();
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("Cannot run " + String.join(" ", full) + ": no answer in " + COMMAND_TIMEOUT_SECONDS
                    + " s; output:\n" + Files.readString(output) + "\nserver log:\n" + log());
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("Cannot run " + String.join(" ", full) + ": exit " + process.exitValue()
                    + "; output:\n" + Files.readString(output) + "\nserver log:\n" + log());
        }
    }

    private static int freePort() throws IOException {
        // Bound and released: another process could take it before the server does, which pg_ctl start would report.
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
