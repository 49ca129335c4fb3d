package io.nightshift.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What tests of whole runs in child processes ask of a run and its output: the run id it printed, how many parts it
 * wrote so far, waiting for either, and whether its committed output is an uninterrupted run's, row for row.
 */
public final class RunOutputs {

    private static final Pattern RUN_STARTED = Pattern.compile("Run (\\d+) started");
    private static final long PATIENCE_NANOS = 120_000_000_000L;

    private RunOutputs() {
    }

    /** The run id a process printed when its run started ({@code Run 12 started}), or -1 if it printed none. */
    public static long runId(String processOutput) {
        Matcher matcher = RUN_STARTED.matcher(processOutput);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** Part files directly in an output location (committed or not). */
    public static int partFiles(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(output)) {
            return (int) files.filter(file -> file.getFileName().toString().startsWith("part-")).count();
        }
    }

    /** Every file under an output location, relative to it, sorted. */
    public static List<String> files(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(Files::isRegularFile).map(file -> output.relativize(file).toString()).sorted().toList();
        }
    }

    /** Waits (at most 120 s) until the output holds {@code parts} part files; fails if the process ends first. */
    public static void waitForParts(NightshiftProcess process, Path output, int parts) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (partFiles(output) < parts) {
            assertThat(process.isAlive()).as("still running before %d parts:%n%s", parts, process.output()).isTrue();
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for %d parts after 120 s (a hang guard, not a speed check):%n%s", parts, process.output());
            }
            Thread.sleep(5);
        }
    }

    /** Waits (at most 120 s) until the process printed {@code text}; fails if it ends first. */
    public static void waitForOutput(NightshiftProcess process, String text) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (!process.output().contains(text)) {
            assertThat(process.isAlive()).as("still running before printing %s:%n%s", text, process.output()).isTrue();
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for %s after 120 s (a hang guard, not a speed check):%n%s", text, process.output());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for a whole line of the output (its newline written) to contain a match of {@code pattern}, and returns the
     * match: a process's output file can be read while a line is half written.
     */
    public static java.util.regex.MatchResult waitForLine(NightshiftProcess process, java.util.regex.Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (true) {
            String output = process.output();
            java.util.regex.Matcher matcher = pattern.matcher(output);
            if (matcher.find() && output.indexOf('\n', matcher.end()) >= 0) {
                return matcher.toMatchResult();
            }
            assertThat(process.isAlive()).as("still running before printing %s:%n%s", pattern, output).isTrue();
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for %s after 120 s (a hang guard, not a speed check):%n%s", pattern, output);
            }
            Thread.sleep(20);
        }
    }

    /**
     * The committed output holds exactly the reference's rows, none twice; {@code settled}: and the location holds
     * nothing but the manifest's parts, the markers and the rejects.
     */
    public static CommittedOutput assertSameRows(Path output, CommittedOutput reference, boolean settled) throws IOException {
        CommittedOutput actual = ScoringFixtures.read(output, "score");
        assertThat(actual.duplicates()).isZero();
        assertThat(actual.scores()).hasSameSizeAs(reference.scores());
        assertThat(actual.scores()).isEqualTo(reference.scores());
        assertThat(actual.rejects()).isEqualTo(reference.rejects());
        if (settled) {
            assertThat(actual.files()).as("the location holds exactly the manifest's parts, the markers and the rejects")
                    .isEqualTo(ScoringFixtures.expectedFiles(actual.manifest()));
        }
        return actual;
    }
}
