package io.nightshift.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real application ({@code target/nightshift.jar}) as a child process, for tests that kill it, signal it or
 * check its exit codes. Its state lives under {@code home}; its output goes to a log file the test can read.
 */
public final class NightshiftProcess {

    private final Path home;
    private final Map<String, String> environment;
    private final String name;
    private final List<String> jvmOptions;
    private Process process;
    private Path log;
    private Path errors;
    private boolean stderrApart;
    private int launches;

    public NightshiftProcess(Path home, Map<String, String> environment) {
        this(home, environment, "process", List.of());
    }

    /** {@code name} tells the log files of several processes sharing one home apart ({@code NAME-1.log}, …). */
    public NightshiftProcess(Path home, Map<String, String> environment, String name) {
        this(home, environment, name, List.of());
    }

    /** With JVM options after the defaults (a later {@code -Xmx} wins over the default one). */
    public NightshiftProcess(Path home, Map<String, String> environment, List<String> jvmOptions) {
        this(home, environment, "process", jvmOptions);
    }

    public NightshiftProcess(Path home, Map<String, String> environment, String name, List<String> jvmOptions) {
        this.home = home;
        this.environment = Map.copyOf(environment);
        this.name = name;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Keeps stderr apart from stdout from the next launch on: {@link #output()} is then stdout alone (what a script
     * reads), {@link #errors()} stderr (logs, progress).
     */
    public NightshiftProcess withStderrApart() {
        stderrApart = true;
        return this;
    }

    public static Path jar() {
        String jar = System.getProperty("nightshift.jar", "target/nightshift.jar");
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("No " + path + ": integration tests run after `package` (./mvnw verify)");
        }
        return path;
    }

    /**
     * The command line that starts the application, before its arguments: this JVM's java, a 512 MB heap, then
     * {@code jvmOptions}, from the build's start-up cache when there is one ({@link LaunchCache}).
     */
    public static List<String> command(List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(LaunchCache.COMMON_OPTIONS);
        command.add("-Xmx512m");
        command.addAll(jvmOptions);
        command.addAll(LaunchCache.launchArguments(jar()));
        return command;
    }

    /** Starts {@code nightshift ARGS...} without waiting. */
    public NightshiftProcess start(String... arguments) throws IOException {
        List<String> command = command(jvmOptions);
        command.addAll(List.of(arguments));
        Files.createDirectories(home);
        log = home.resolve(name + "-" + (++launches) + ".log");
        errors = home.resolve(name + "-" + launches + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(!stderrApart)
                .redirectOutput(log.toFile());
        if (stderrApart) {
            builder.redirectError(errors.toFile());
        }
        builder.environment().put("NIGHTSHIFT_HOME", home.resolve("var").toString());
        builder.environment().put("CI", "true");
        builder.environment().putAll(environment);
        process = builder.start();
        return this;
    }

    /** Runs {@code nightshift ARGS...} to the end and returns its exit code. */
    public int run(String... arguments) throws IOException, InterruptedException {
        start(arguments);
        return waitFor(300);
    }

    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("nightshift did not finish in " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no finally block, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the process freezes (a long GC pause, a node cut off) and keeps whatever it holds. */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}: the process goes on as if nothing happened. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** Sends a signal by name ({@code TERM}, {@code HUP}, {@code INT}). */
    public void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed with " + exit);
        }
    }

    /** SIGTERM, as Kubernetes sends on a spot interruption. */
    public void terminate() {
        process.destroy();
    }

    /** Everything the last launch printed so far (stdout alone {@link #withStderrApart() with stderr apart}). */
    public String output() {
        return read(log);
    }

    /** What the last launch printed on stderr so far, {@link #withStderrApart() with stderr apart}; else "". */
    public String errors() {
        return stderrApart ? read(errors) : "";
    }

    private static String read(Path file) {
        try {
            return file == null || !Files.exists(file) ? "" : Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }
}
