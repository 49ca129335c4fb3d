package io.nightshift.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the launcher {@code ./nightshift} does for users, done once per build for the processes the tests start: the
 * jar extracted (plain jars instead of Spring Boot's nested-jar class loader) and an AOT cache (JEP 483/514/515)
 * recorded from a {@code status} on a throwaway home. A child process then starts in about 1.8 s instead of 5.4 s on
 * this 2-core machine, and the integration tests start a few hundred of them. The cache lives beside the jar
 * ({@code target/it-launch/}) and is made again when the jar is newer; when it cannot be made, processes run from the
 * jar as before (the reason goes to the test's output once). Set {@code -Dnightshift.it.aot=false} to compare.
 */
final class LaunchCache {

    /** The JVM options every child process gets (NightshiftProcess adds the heap and the test's own). */
    static final List<String> COMMON_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
            "-Dai.djl.offline=true");

    private static List<String> launch;

    private LaunchCache() {
    }

    /** The arguments that run the application: {@code -XX:AOTCache=… -jar extracted.jar}, or {@code -jar nightshift.jar}. */
    static synchronized List<String> launchArguments(Path jar) {
        if (launch == null) {
            launch = prepare(jar.toAbsolutePath());
        }
        return launch;
    }

    private static List<String> prepare(Path jar) {
        List<String> fallback = List.of("-jar", jar.toString());
        if (!Boolean.parseBoolean(System.getProperty("nightshift.it.aot", "true"))) {
            return fallback;
        }
        Path directory = jar.resolveSibling("it-launch");
        Path extracted = directory.resolve("app").resolve("nightshift.jar");
        Path cache = directory.resolve("nightshift.aot");
        try {
            Files.createDirectories(jar.getParent());
            // Surefire's and failsafe's JVMs, or two builds of one checkout, take turns.
            try (FileChannel channel = FileChannel.open(jar.resolveSibling("it-launch.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.lock()) {
                if (!Files.isRegularFile(cache) || Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                    record(jar, directory, extracted, cache);
                }
            }
            return List.of("-XX:AOTCache=" + cache, "-jar", extracted.toString());
        } catch (IOException | RuntimeException e) {
            System.out.println("LaunchCache: child processes run from " + jar + " without a start-up cache: " + e.getMessage());
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        }
    }

    private static void record(Path jar, Path directory, Path extracted, Path cache) throws IOException, InterruptedException {
        deleteTree(directory);
        Files.createDirectories(directory);
        String java = ProcessHandle.current().info().command().orElse("java");
        // The extract tool wants a destination that does not exist yet.
        run(directory.resolve("extract.log"), List.of(java, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
                extracted.getParent().toString()));
        List<String> training = new ArrayList<>(List.of(java, "-Xmx512m"));
        training.addAll(COMMON_OPTIONS);
        Path recording = directory.resolve("nightshift.aot.tmp");
        training.addAll(List.of("-XX:AOTCacheOutput=" + recording, "-Dnightshift.home=" + directory.resolve("training-home"),
                "-Dnightshift.database.server-idle-timeout=1s", "-jar", extracted.toString(), "status"));
        run(directory.resolve("training.log"), training);
        Files.move(recording, cache, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void run(Path log, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The throwaway home's embedded database, whatever the test JVM is set up for.
        List.of("SPRING_PROFILES_ACTIVE", "SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "NIGHTSHIFT_HOME")
                .forEach(builder.environment()::remove);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s (see " + log + ")");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + " (see " + log + ")");
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
