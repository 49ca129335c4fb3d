package io.nightshift.database;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line that starts {@link DatabaseServer} in a child JVM running the same Java and the same classes as
 * this process, whichever way this process was started:
 * <ul>
 * <li>from the executable jar ({@code java -jar nightshift.jar}): the classes are nested jars that only Spring Boot's
 * launcher can read, so the child runs {@code PropertiesLauncher} with {@code loader.main} naming the server;</li>
 * <li>from a plain class path (tests, IDEs): the child gets just the two locations the server needs, ours and H2's
 * (not the whole class path, which may be a temporary manifest-only jar that is deleted when the tests end).</li>
 * </ul>
 * Where {@code setsid} exists the child also gets its own session, so a terminal's Ctrl-C, Ctrl-Z or hang-up reaches
 * the command that started it, never the database other commands are using.
 *
 * @param launcher the program and arguments before the JVM: {@code setsid -w}, or nothing
 * @param java     the {@code java} executable
 * @param launch   class path and main class (and {@code loader.main} for the executable jar)
 */
record ServerCommand(List<String> launcher, Path java, List<String> launch) {

    static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    /**
     * The server needs little: the job repository is small and MVStore's cache is 16 MB by default. A small heap, a
     * serial GC and C1 only (quicker to start; the server's SQL is light) keep a server that lingers between commands
     * cheap; h2.bindAddress keeps its socket on the loopback.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true", "-Dh2.bindAddress=127.0.0.1");

    ServerCommand {
        launcher = List.copyOf(launcher);
        requireNonNull(java, "java is null");
        launch = List.copyOf(launch);
    }

    /** How this JVM starts a server. */
    static ServerCommand forThisProcess() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> launcher = setsid().map(setsid -> List.of(setsid.toString(), "-w")).orElse(List.of());
        String ourLocation = location(DatabaseServer.class.getProtectionDomain().getCodeSource());
        Optional<Path> executableJar = executableJar(ourLocation);
        if (executableJar.isPresent()) {
            return new ServerCommand(launcher, java, List.of("-cp", executableJar.get().toString(),
                    "-Dloader.main=" + DatabaseServer.class.getName(), BOOT_LAUNCHER));
        }
        String classPath = Path.of(ourLocation).toAbsolutePath() + File.pathSeparator
                + Path.of(location(org.h2.Driver.class.getProtectionDomain().getCodeSource())).toAbsolutePath();
        List<String> launch = new ArrayList<>(sharedArchive(Path.of(ourLocation)));
        launch.addAll(List.of("-cp", classPath, DatabaseServer.class.getName()));
        return new ServerCommand(launcher, java, launch);
    }

    /**
     * A class data archive for the server when our classes are a plain jar in a writable directory (the launcher's
     * {@code target/launch/nightshift.jar}): the JVM writes it when the first server exits and maps it in every later
     * one, which about halves the server's start-up, paid by the first command after the server went idle. It is
     * rewritten by itself when the jars change. Nothing for class directories (tests) or the executable jar (whose
     * nested jars a class data archive cannot hold).
     */
    static List<String> sharedArchive(Path ourLocation) {
        Path directory = ourLocation.toAbsolutePath().getParent();
        if (!Files.isRegularFile(ourLocation) || !ourLocation.toString().endsWith(".jar") || directory == null
                || !Files.isWritable(directory)) {
            return List.of();
        }
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + directory.resolve("database-server.jsa"));
    }

    /** The whole command for a server of {@code directory}. */
    List<String> command(Path directory, String name, Duration idleTimeout, Duration lockTimeout) {
        List<String> command = new ArrayList<>(launcher);
        command.add(java.toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(launch);
        command.add(directory.toAbsolutePath().normalize().toString());
        command.add(name);
        command.add(Long.toString(idleTimeout.toMillis()));
        command.add(Long.toString(lockTimeout.toMillis()));
        return command;
    }

    /**
     * The executable jar our classes are nested in, from the location Spring Boot's launcher gives them:
     * {@code jar:nested:/path/nightshift.jar/!BOOT-INF/classes/!/}. Empty for a plain directory or jar.
     */
    static Optional<Path> executableJar(String location) {
        String prefix = "jar:nested:";
        int end = location.indexOf("/!BOOT-INF/");
        if (!location.startsWith(prefix) || end < 0) {
            return Optional.empty();
        }
        // The launcher percent-encodes the path (a space is %20); '+' is literal in a path.
        String path = URLDecoder.decode(location.substring(prefix.length(), end).replace("+", "%2B"), StandardCharsets.UTF_8);
        return Optional.of(Path.of(path).toAbsolutePath());
    }

    private static String location(CodeSource source) {
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("Cannot start the embedded database server: the location of its classes is unknown");
        }
        String location = source.getLocation().toString();
        if (location.startsWith("file:")) {
            try {
                return Path.of(source.getLocation().toURI()).toString();
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new IllegalStateException("Cannot start the embedded database server: cannot read class location " + location, e);
            }
        }
        return location;
    }

    private static Optional<Path> setsid() {
        return List.of(Path.of("/usr/bin/setsid"), Path.of("/bin/setsid")).stream().filter(Files::isExecutable).findFirst();
    }
}
