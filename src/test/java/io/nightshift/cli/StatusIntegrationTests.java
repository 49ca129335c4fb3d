package io.nightshift.cli;

import static io.nightshift.testing.InProcessCommand.nightshift;

import static io.nightshift.testing.RunOutputs.runId;
import static io.nightshift.testing.RunOutputs.waitForParts;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code nightshift status} for a run in each state it can be in — completed, failed while planning, failed while
 * scoring, failed to commit, stopped, running, its owner killed, relaunched — and what {@code score} and
 * {@code relaunch} print: the reason, owner and executions in the text, the same as JSON on stdout with {@code --json}
 * and nothing else there, logs on stderr. Runs in this JVM where that suffices; in a child process where the run must
 * be signalled, killed or watched while it runs.
 */
class StatusIntegrationTests {

    private static final int FILES = 2;
    private static final long ROWS_PER_FILE = 20_000;
    private static final long TOTAL_ROWS = FILES * ROWS_PER_FILE;
    private static final int ROW_GROUP_ROWS = 5_000;
    private static final int BAD_ROWS_PER_FILE = 4;
    private static final Pattern RUN_LINE = Pattern.compile("^run (\\d+) execution (\\d+): (\\w+)", Pattern.MULTILINE);
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ", Pattern.MULTILINE);
    private static final Pattern THROUGHPUT = Pattern.compile("throughput +([0-9,]+) rows/s \\(([0-9,]+) rows this execution / its ([0-9.]+) s\\)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path shared;
    static Path input;
    static Path model;

    private Path home;
    private Path output;

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        input = shared.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, BAD_ROWS_PER_FILE);
        model = ScoringFixtures.logisticModel(shared.resolve("model"), ScoringFixtures.FEATURES);
    }

    @BeforeEach
    void isolateState(TestInfo test) throws IOException {
        home = Files.createDirectories(shared.resolve(test.getTestMethod().orElseThrow().getName()));
        output = home.resolve("output");
        // The home a child process gets from NightshiftProcess: both see the same runs.
        System.setProperty("nightshift.home", home.resolve("var").toString());
    }

    @AfterEach
    void clearState() {
        System.clearProperty("nightshift.home");
    }

    // --- each state of a run -------------------------------------------------------------------------------------

    @Test
    void aCompletedRunShowsItsCommittedRowsOwnerAndExecutionAndScorePrintsOnlyItsSummaryOnStdout() throws IOException {
        // when
        Result score = nightshift(scoreArguments(input, output));
        long runId = score.runId();
        Result status = nightshift("status", Long.toString(runId));
        JsonNode json = json(nightshift("status", Long.toString(runId), "--json"));

        // then: stdout is the summary, nothing else; logs went to stderr
        assertThat(score.exitCode()).as(score.all()).isZero();
        assertThat(score.out()).as(score.all()).startsWith("run " + runId + " execution ");
        assertThat(LOG_LINE.matcher(score.out()).find()).as("a log line on stdout:%n%s", score.out()).isFalse();
        assertThat(score.err()).contains("Run " + runId + " started");
        assertThat(score.out()).contains("  output        " + output + "/ (read through _manifest.json)");
        // and status explains it
        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out()).doesNotContain("null")
                .contains("run " + runId + " (score): COMPLETED")
                .contains("  trigger     manual by " + System.getProperty("user.name") + " at ")
                .contains("  rows        %,d / %,d committed".formatted(TOTAL_ROWS, TOTAL_ROWS))
                .contains("  output      " + output + "/")
                .contains("pid " + ProcessHandle.current().pid() + " (released the run at ")
                .contains("  executions  1");
        assertThat(status.out()).doesNotContain("reason");
        assertThat(status.err()).isEqualTo("home: " + home.resolve("var") + System.lineSeparator());
        assertThat(json.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(json.get("reason").isNull()).isTrue();
        assertThat(json.get("rows").get("committed").asLong()).isEqualTo(TOTAL_ROWS);
        assertThat(json.get("rows").get("rejected").asLong()).isEqualTo(FILES * BAD_ROWS_PER_FILE);
        assertThat(json.get("output").asString()).isEqualTo(output + "/");
        assertThat(json.get("outputUri").asString()).startsWith("file:");
        assertThat(json.get("owner").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(json.get("executions")).hasSize(1);
        assertThat(json.get("executions").get(0).get("rows").asLong()).isEqualTo(TOTAL_ROWS);
        assertThat(json.get("executions").get(0).get("seconds").asDouble()).isPositive();
    }

    @Test
    void aRunThatFailedWhilePlanningShowsItsReasonAndDashesForWhatItNeverHad() throws IOException {
        // when: the second input file is truncated (the checks before the run read only the first file's footer)
        Result score = nightshift(scoreArguments(inputWithATruncatedSecondFile(), output));
        long runId = score.runId();
        Result status = nightshift("status", Long.toString(runId));
        JsonNode json = json(nightshift("status", Long.toString(runId), "--json"));

        // then: relaunchable (nothing was planned, so a relaunch plans again once the file is fixed)
        assertThat(score.exitCode()).as(score.all()).isEqualTo(1);
        assertThat(status.out()).doesNotContain("null")
                .contains("run " + runId + " (score): FAILED")
                .containsPattern("  reason      .*part-00001\\.parquet")
                .contains("  rows        - (not planned)")
                .contains("  model       -")
                .contains("  output      -");
        assertThat(json.get("reason").asString()).contains("part-00001.parquet");
        assertThat(json.get("model").isNull()).isTrue();
        assertThat(json.get("output").isNull()).isTrue();
        assertThat(json.get("executions").get(0).get("reason").asString()).isEqualTo(json.get("reason").asString());
    }

    @Test
    void aRunThatFailedWhileScoringShowsTheReasonNamingTheFile() throws IOException {
        // given: the second file's data pages corrupt, its footer intact, so the plan reads it and a partition fails
        Path ownInput = Files.createDirectories(home.resolve("input"));
        try (Stream<Path> files = Files.list(input)) {
            for (Path file : files.sorted().toList()) {
                Files.copy(file, ownInput.resolve(file.getFileName()));
            }
        }
        Path corrupt = ownInput.resolve("part-00001.parquet");
        corruptTheMiddle(corrupt);

        // when
        Result score = nightshift(scoreArguments(ownInput, output));
        long runId = score.runId();
        Result status = nightshift("status", Long.toString(runId));

        // then: corrupt bytes are a configuration error (a relaunch reads the same pinned bytes)
        assertThat(score.exitCode()).as(score.all()).isEqualTo(2);
        assertThat(status.out()).doesNotContain("null")
                .containsPattern("  reason      Cannot read .*part-00001\\.parquet")
                .containsPattern("  rows        [0-9,]+ / %,d scored or rejected, not committed".formatted(TOTAL_ROWS))
                .containsPattern("FAILED .* [0-9,]+\\R");
    }

    @Test
    void aRunWhoseCommitFailedIsNotShownAsCommitted() throws IOException {
        // when: more rejects than allowed: every row is scored, and the commit refuses
        Result score = nightshift(append(scoreArguments(input, output), "--max-reject-fraction", "0"));
        long runId = score.runId();
        Result status = nightshift("status", Long.toString(runId));
        JsonNode json = json(nightshift("status", Long.toString(runId), "--json"));

        // then: too many rejects is a configuration error (a relaunch reads the same rows with the same limit)
        assertThat(score.exitCode()).as(score.all()).isEqualTo(2);
        assertThat(status.out()).contains("  rows        %,d / %,d scored or rejected, not committed".formatted(TOTAL_ROWS, TOTAL_ROWS))
                .doesNotContain("%,d committed".formatted(TOTAL_ROWS))
                .contains("above max-reject-fraction");
        assertThat(json.get("rows").get("done").asLong()).isEqualTo(TOTAL_ROWS);
        assertThat(json.get("rows").get("committed").asLong()).isZero();
        assertThat(json.get("disposition").asString()).isEqualTo("CONFIGURATION");
        assertThat(json.get("relaunchable").asBoolean()).isFalse();
    }

    @Test
    void aStoppedRunShowsWhyAndTheSignalNoticeGoesToStderr() throws Exception {
        // given
        NightshiftProcess process = new NightshiftProcess(home, Map.of()).withStderrApart();
        process.start(slowScoreArguments(output));
        waitForParts(process, output, 2);

        // when
        process.terminate();
        int exitCode = process.waitFor(120);
        long runId = runLine(process.output()).runId();
        Result status = nightshift("status", Long.toString(runId));

        // then
        assertThat(exitCode).as(process.output() + process.errors()).isEqualTo(1);
        assertThat(process.output()).contains(": STOPPED in ").doesNotContain("SIGTERM received");
        assertThat(LOG_LINE.matcher(process.output()).find()).as("a log line on stdout:%n%s", process.output()).isFalse();
        assertThat(process.errors()).contains("nightshift: SIGTERM received; stopping after the current chunk");
        assertThat(status.out()).doesNotContain("null")
                .contains("run " + runId + " (score): STOPPED")
                .contains("  reason      stopped on request (SIGTERM) after its current chunk")
                .contains("pid " + process.pid() + " (released the run at ")
                .containsPattern("STOPPED .* [0-9,]+\\R");
    }

    @Test
    void aRunningRunShowsItsLiveOwnerThenOwnerGoneOnceKilledAndItsRelaunchCountsOnlyItsOwnRows() throws Exception {
        // given: a run in a child process, part way, logging its progress every second
        NightshiftProcess process = new NightshiftProcess(home, Map.of("NIGHTSHIFT_PROGRESS_INTERVAL", "1s")).withStderrApart();
        process.start(slowScoreArguments(output));
        waitForParts(process, output, 2);
        long runId = runId(process.errors());
        long pid = process.pid();

        // when: status while it runs
        Result running = nightshift("status", Long.toString(runId));
        JsonNode runningJson = json(nightshift("status", Long.toString(runId), "--json"));

        // then
        assertThat(running.out()).as(running.all()).doesNotContain("null")
                .contains("run " + runId + " (score): STARTED")
                .contains("  ended       - (running for ")
                .contains("pid " + pid + " (alive, last heartbeat ")
                .contains("scored or rejected so far, not committed yet")
                .doesNotContain("reason");
        assertThat(runningJson.get("running").asBoolean()).isTrue();
        assertThat(runningJson.get("ended").isNull()).isTrue();
        assertThat(runningJson.get("owner").get("alive").asBoolean()).isTrue();
        assertThat(runningJson.get("relaunchable").asBoolean()).isFalse();
        // and its progress lines (stderr is no terminal) carry the run id like its other lines
        waitForErrors(process, "RunListener: run " + runId + " [");
        assertThat(process.errors()).containsPattern("INFO  \\[run " + runId + " \\S+ - \\S+@\\S+] RunListener: run " + runId + " \\[")
                .doesNotContain("[run - - - -] RunListener: run ");

        // when: its process is killed
        process.kill();
        Result gone = nightshift("status", Long.toString(runId));
        JsonNode goneJson = json(nightshift("status", Long.toString(runId), "--json"));
        long doneBefore = goneJson.get("rows").get("done").asLong();

        // then
        assertThat(gone.out()).contains("STARTED (owner gone: relaunch it)")
                .contains("  reason      its process (pid " + pid + " on ")
                .contains("relaunch it: nightshift relaunch " + runId)
                .contains("pid " + pid + " (gone, last heartbeat ");
        assertThat(goneJson.get("ownerGone").asBoolean()).isTrue();
        assertThat(goneJson.get("relaunchable").asBoolean()).isTrue();
        assertThat(doneBefore).isPositive().isLessThan(TOTAL_ROWS);

        // when: relaunched, text, then the same run's status as JSON
        Result relaunch = nightshift("relaunch", Long.toString(runId));
        Result after = nightshift("status", Long.toString(runId));
        JsonNode afterJson = json(nightshift("status", Long.toString(runId), "--json"));

        // then: its throughput counts the rows it scored, not the run's
        assertThat(relaunch.exitCode()).as(relaunch.all()).isZero();
        Matcher throughput = THROUGHPUT.matcher(relaunch.out());
        assertThat(throughput.find()).as(relaunch.out()).isTrue();
        long rowsThisExecution = Long.parseLong(throughput.group(2).replace(",", ""));
        assertThat(rowsThisExecution).isEqualTo(TOTAL_ROWS - doneBefore);
        assertThat(relaunch.out()).contains("rows read     %,d".formatted(TOTAL_ROWS));
        System.out.printf("relaunch: %s rows/s over %,d of %,d rows in %s s%n", throughput.group(1), rowsThisExecution, TOTAL_ROWS,
                throughput.group(3));
        // and status shows both executions, the killed one FAILED with why, their rows adding up to the run's
        assertThat(after.out()).contains("  executions  2").contains("%,d / %,d committed".formatted(TOTAL_ROWS, TOTAL_ROWS));
        JsonNode executions = afterJson.get("executions");
        assertThat(executions).hasSize(2);
        assertThat(executions.get(0).get("status").asString()).isEqualTo("FAILED");
        assertThat(executions.get(0).get("reason").asString()).contains("its process (pid " + pid).contains("marked FAILED by a relaunch");
        assertThat(executions.get(0).get("rows").asLong()).isEqualTo(doneBefore);
        assertThat(executions.get(1).get("rows").asLong()).isEqualTo(rowsThisExecution);
        assertThat(executions.get(1).get("reason").isNull()).isTrue();
    }

    @Test
    void relaunchAndScoreWithJsonPrintOneJsonDocumentOnStdout() throws Exception {
        // given: a run killed part way
        NightshiftProcess process = new NightshiftProcess(home, Map.of()).withStderrApart();
        process.start(slowScoreArguments(output));
        waitForParts(process, output, 2);
        long runId = runId(process.errors());
        process.kill();

        // when
        Result relaunch = nightshift("relaunch", Long.toString(runId), "--json");
        Result score = nightshift(append(scoreArguments(input, home.resolve("second-output")), "--json"));

        // then: all of stdout is the document
        JsonNode relaunched = json(relaunch);
        assertThat(relaunched.get("runId").asLong()).isEqualTo(runId);
        assertThat(relaunched.get("status").asString()).isEqualTo("COMPLETED");
        long thisExecution = relaunched.get("rows").get("thisExecution").asLong();
        assertThat(thisExecution).isPositive().isLessThan(relaunched.get("rows").get("read").asLong());
        assertThat(relaunched.get("rowsPerSecond").asLong())
                .isCloseTo(Math.round(thisExecution / relaunched.get("seconds").asDouble()), org.assertj.core.data.Offset.offset(1L));
        JsonNode scored = json(score);
        for (String field : List.of("runId", "executionId", "job", "status", "completed", "reason", "configurationError", "relaunch",
                "seconds", "rows", "rowsPerSecond", "rejectReasons", "phases", "parts", "output", "outputUri")) {
            assertThat(scored.has(field)).as("field %s in %s", field, scored).isTrue();
        }
        assertThat(scored.get("rows").get("thisExecution").asLong()).isEqualTo(TOTAL_ROWS);
        assertThat(scored.get("output").asString()).isEqualTo(home.resolve("second-output") + "/");
    }

    // --- the list ------------------------------------------------------------------------------------------------

    @Test
    void theListAlignsItsColumnsAndLimitAndAllDoWhatTheySay() throws IOException {
        // given: three runs, two failed while planning, one completed
        Path truncated = inputWithATruncatedSecondFile();
        for (int i = 0; i < 2; i++) {
            nightshift(scoreArguments(truncated, home.resolve("output-" + i)));
        }
        long completed = nightshift(scoreArguments(input, output)).runId();

        // when
        Result list = nightshift("status");
        Result limited = nightshift("status", "--limit", "2");
        Result unlimited = nightshift("status", "--limit", "0");
        Result all = nightshift("status", "--all", "--limit", "1");
        Result negative = nightshift("status", "--limit", "-1");
        Result json = nightshift("status", "--json", "--limit", "2");

        // then
        List<String> lines = list.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(1).strip()).startsWith(completed + "  score  COMPLETED");
        String header = lines.getFirst();
        for (String column : List.of("JOB", "STATUS", "STARTED", "OUTPUT")) {
            int start = header.indexOf(column);
            assertThat(lines.subList(1, 4)).as("column %s starts at %d:%n%s", column, start, list.out())
                    .allSatisfy(line -> assertThat(line.charAt(start - 1)).isEqualTo(' '))
                    .allSatisfy(line -> assertThat(line.charAt(start)).isNotEqualTo(' '));
        }
        assertThat(list.out()).doesNotContain("null").doesNotContain("file:").doesNotContain("home:");
        assertThat(list.err()).isEqualTo("home: " + home.resolve("var") + System.lineSeparator());
        assertThat(limited.out().lines()).hasSize(3);
        assertThat(unlimited.out().lines()).hasSize(4);
        assertThat(all.out().lines()).hasSize(4);
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("--limit must be 0 (every run) or more");
        JsonNode document = json(json);
        assertThat(document.get("home").asString()).isEqualTo(home.resolve("var").toString());
        assertThat(document.get("runs")).hasSize(2);
        assertThat(document.get("runs").get(0).get("runId").asLong()).isEqualTo(completed);
    }

    // --- helpers -------------------------------------------------------------------------------------------------


    private record RunLine(long runId, long executionId, String status) {
    }

    private static RunLine runLine(String out) {
        Matcher matcher = RUN_LINE.matcher(out);
        if (!matcher.find()) {
            throw new AssertionError("no run line in:\n" + out);
        }
        return new RunLine(Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2)), matcher.group(3));
    }

    /** The whole of stdout as one JSON document: it fails if anything else was printed there. */
    private static JsonNode json(Result result) {
        assertThat(result.exitCode()).as(result.all()).isZero();
        return JSON.readTree(result.out());
    }


    private static String[] scoreArguments(Path input, Path output) {
        return append(common(input, output), "--threads", "2");
    }

    /** A run that takes a while: small chunks on one thread, so it can be watched, signalled and killed part way. */
    private static String[] slowScoreArguments(Path output) {
        return append(common(input, output), "--threads", "1", "--batch-size", "50", "--commit-interval", "500");
    }

    private static String[] common(Path input, Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f"};
    }

    private static String[] append(String[] arguments, String... more) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Waits (at most 120 s) until a process with stderr apart printed {@code text} there; fails if it ends first. */
    private static void waitForErrors(NightshiftProcess process, String text) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!process.errors().contains(text)) {
            assertThat(process.isAlive()).as("still running before printing %s:%n%s", text, process.errors()).isTrue();
            assertThat(System.nanoTime() - deadline).as("waiting for %s (a hang guard, not a speed check)", text).isNegative();
            Thread.sleep(20);
        }
    }

    /** Random bytes over the middle third of a file: its data pages, not its footer. */
    /** A copy of the input whose second file is cut in half: its footer is gone, so planning fails on it. */
    private Path inputWithATruncatedSecondFile() throws IOException {
        Path copy = Files.createDirectories(home.resolve("truncated-input"));
        try (Stream<Path> files = Files.list(input)) {
            for (Path file : files.sorted().toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path second = copy.resolve("part-00001.parquet");
        try (RandomAccessFile file = new RandomAccessFile(second.toFile(), "rw")) {
            file.setLength(file.length() / 2);
        }
        return copy;
    }

    private static void corruptTheMiddle(Path file) throws IOException {
        try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
            long size = access.length();
            byte[] noise = new byte[(int) (size / 3)];
            new Random(size).nextBytes(noise);
            access.seek(size / 3);
            access.write(noise);
        }
    }
}
