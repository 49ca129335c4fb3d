package io.nightshift.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One case in its own JVM, so memory and GC are per case: the child's stdout+stderr go to a log file, its peak RSS
 * is sampled from {@code /proc/<pid>/status} (VmHWM, the kernel's own high-water mark, read until the process
 * exits) and its GC pause time is summed from {@code -Xlog:gc} output that the harness adds to the command line.
 */
final class ChildProcess {

    private static final Pattern PAUSE = Pattern.compile("Pause.*?([0-9]+(?:\\.[0-9]+)?)ms\\s*$");

    /** What a finished child did. */
    record Outcome(int exitCode, double wallSeconds, long peakRssKb, double gcPauseMillis, int gcPauses, String output) {
    }

    private final Process process;
    private final long startNanos;
    private final Path log;
    private final Path gcLog;
    private final Thread sampler;
    private volatile long peakRssKb;
    /** RSS over time: (seconds since start, VmRSS in KiB), one sample a second. */
    private final List<double[]> rssTimeline = java.util.Collections.synchronizedList(new ArrayList<>());

    private ChildProcess(Process process, long startNanos, Path log, Path gcLog) {
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
        this.gcLog = gcLog;
        this.sampler = Thread.ofPlatform().daemon().name("rss-sampler-" + process.pid()).start(this::sample);
    }

    /**
     * Starts {@code java -Xlog:gc:file=... jvmOptions... arguments...}.
     *
     * @param java the java executable
     */
    static ChildProcess start(String java, List<String> jvmOptions, List<String> arguments, Map<String, String> environment,
            Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Path gcLog = log.resolveSibling(log.getFileName() + ".gc");
        Files.deleteIfExists(gcLog);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xlog:gc:file=" + gcLog);
        command.addAll(jvmOptions);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Files.writeString(log.resolveSibling(log.getFileName() + ".cmd"), String.join(" ", command) + "\n");
        return new ChildProcess(builder.start(), System.nanoTime(), log, gcLog);
    }

    /** Starts a command as is (no GC log): for the {@code ./nightshift} launcher, which picks its own JVM options. */
    static ChildProcess startCommand(List<String> command, Map<String, String> environment, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Path gcLog = log.resolveSibling(log.getFileName() + ".gc");
        Files.deleteIfExists(gcLog);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Files.writeString(log.resolveSibling(log.getFileName() + ".cmd"), String.join(" ", command) + "\n");
        return new ChildProcess(builder.start(), System.nanoTime(), log, gcLog);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The output so far. */
    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** Waits until the output matches, the process exits, or the timeout passes; true if it matched. */
    boolean awaitOutput(Predicate<String> condition, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.test(output())) {
                return true;
            }
            if (!process.isAlive()) {
                return condition.test(output());
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** SIGKILL: the JVM gets no chance to run shutdown hooks. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    Outcome await(long timeoutSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        double wall = (System.nanoTime() - startNanos) / 1e9;
        sampler.join(1000);
        double pauseMillis = 0;
        int pauses = 0;
        if (Files.exists(gcLog)) {
            for (String line : Files.readAllLines(gcLog)) {
                Matcher matcher = PAUSE.matcher(line);
                if (matcher.find()) {
                    pauseMillis += Double.parseDouble(matcher.group(1));
                    pauses++;
                }
            }
        }
        return new Outcome(process.exitValue(), wall, peakRssKb, pauseMillis, pauses, output());
    }

    /** The child's RSS sampled once a second: (seconds since start, KiB) pairs, oldest first. */
    List<double[]> rssTimeline() {
        synchronized (rssTimeline) {
            return List.copyOf(rssTimeline);
        }
    }

    private void sample() {
        Path status = Path.of("/proc/" + process.pid() + "/status");
        long nextTimelineSample = System.nanoTime();
        while (process.isAlive()) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:") || line.startsWith("VmRSS:")) {
                        long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                        peakRssKb = Math.max(peakRssKb, kb);
                        long now = System.nanoTime();
                        if (line.startsWith("VmRSS:") && now >= nextTimelineSample) {
                            rssTimeline.add(new double[] {(now - startNanos) / 1e9, kb});
                            nextTimelineSample = now + 1_000_000_000L;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process exited between isAlive() and the read: the last sample stands
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
