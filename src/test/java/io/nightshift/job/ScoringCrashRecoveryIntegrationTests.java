package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's promise, tested the hard way: the real application scores 500,000 rows in a child process, is
 * killed with SIGKILL at random points (during start-up, mid-chunk, between chunks, during the commit), relaunched
 * each time, and its final output must equal an uninterrupted run's row for row: no row lost, none duplicated, no
 * orphan left.
 */
class ScoringCrashRecoveryIntegrationTests {

    private static final int FILES = 5;
    private static final long ROWS_PER_FILE = 100_000;
    private static final int BAD_ROWS_PER_FILE = 4;
    private static final int KILLS = 5;
    private static final Pattern RUN_STARTED = Pattern.compile("Run (\\d+) started");
    private static final Pattern RUN_COMPLETED = Pattern.compile("^run \\d+ execution \\d+: COMPLETED", Pattern.MULTILINE);

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, 25_000, BAD_ROWS_PER_FILE);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
    }

    private static String[] scoreArguments(Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "10000", "--batch-size", "2500",
                "--threads", "2"};
    }

    @Test
    void runKilledWithSigkillAtRandomPointsEndsIdenticalToAnUninterruptedRun() throws Exception {
        // given: the output of an uninterrupted run
        Path referenceOutput = workspace.resolve("reference-output");
        NightshiftProcess reference = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(reference.run(scoreArguments(referenceOutput))).as(reference.output()).isZero();
        CommittedOutput expected = ScoringFixtures.read(referenceOutput, "score");
        assertThat(expected.scores()).hasSize((int) (FILES * (ROWS_PER_FILE - BAD_ROWS_PER_FILE)));

        // when: the same run is killed with SIGKILL at random points and relaunched after each kill
        Path output = workspace.resolve("crashed-output");
        NightshiftProcess crashing = new NightshiftProcess(workspace.resolve("crash-home"), Map.of());
        long seed = Long.getLong("nightshift.crash.seed", System.nanoTime());
        System.out.printf("crash test: kill points from seed %d (rerun with -Dnightshift.crash.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        crashing.start(scoreArguments(output));
        long runId = -1;
        int kills = 0;
        boolean completedBeforeItsKill = false;
        while (kills < KILLS) {
            boolean killed = killAtRandomPoint(crashing, output, random);
            if (runId < 0) {
                runId = runId(crashing.output());
            }
            if (!killed) {
                break;
            }
            if (RUN_COMPLETED.matcher(crashing.output()).find()) {
                // Killed while exiting, after the run had completed: nothing is left to relaunch.
                completedBeforeItsKill = true;
                break;
            }
            kills++;
            if (runId < 0) {
                // Killed during start-up, before the run existed: nothing to relaunch, so start it again.
                crashing.start(scoreArguments(output));
            } else {
                crashing.start("relaunch", Long.toString(runId));
            }
        }
        int exitCode = completedBeforeItsKill ? 0 : crashing.waitFor(300);

        // then: it completes, and its committed output is exactly the reference's
        assertThat(exitCode).as(crashing.output()).isZero();
        assertThat(kills).as("kills that landed before the run finished").isGreaterThanOrEqualTo(3);
        CommittedOutput actual = ScoringFixtures.read(output, "score");
        assertThat(actual.duplicates()).isZero();
        assertThat(actual.scores()).hasSameSizeAs(expected.scores());
        assertThat(actual.scores()).isEqualTo(expected.scores());
        assertThat(actual.rejects()).isEqualTo(expected.rejects());
        assertThat(actual.manifest().get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE);
        assertThat(actual.files()).as("no orphan part files remain").isEqualTo(ScoringFixtures.expectedFiles(actual.manifest()));
        System.out.printf("crash test: %d SIGKILLs survived, %,d rows identical to the uninterrupted run%n", kills,
                actual.scores().size() + actual.rejects().size());
    }

    @Test
    void runStoppedBySigtermFinishesItsChunkExitsOneAndCompletesOnRelaunch() throws Exception {
        // given: a run well under way
        Path output = workspace.resolve("terminated-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("terminate-home"), Map.of());
        process.start(scoreArguments(output));
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (process.isAlive() && partFiles(output) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(process.isAlive()).as("still running after 3 parts:\n" + process.output()).isTrue();

        // when: it receives SIGTERM, as a pod does on a spot interruption
        process.terminate();
        int stoppedExitCode = process.waitFor(120);

        // then: it stops cleanly (exit 1, STOPPED, relaunchable) and a relaunch completes the same output
        assertThat(stoppedExitCode).as(process.output()).isEqualTo(1);
        long runId = runId(process.output());
        assertThat(process.run("status", Long.toString(runId))).isZero();
        assertThat(process.output()).contains("STOPPED");
        assertThat(Files.exists(output.resolve("_SUCCESS"))).isFalse();
        assertThat(process.run("relaunch", Long.toString(runId))).as(process.output()).isZero();
        CommittedOutput actual = ScoringFixtures.read(output, "score");
        assertThat(actual.duplicates()).isZero();
        assertThat(actual.scores().size() + actual.rejects().size()).isEqualTo((int) (FILES * ROWS_PER_FILE));
        assertThat(actual.files()).isEqualTo(ScoringFixtures.expectedFiles(actual.manifest()));
    }

    /**
     * Kills the process at a random point: a random delay after start (often during start-up or planning), or once
     * a random number of part files exist (mid-run, between or inside chunks). A delay kill also fires at that number
     * of parts if it comes first: on a fast machine a relaunch can finish within the delay, and the test would run
     * out of kills (it needs at least 3). Returns false if it finished first.
     */
    private static boolean killAtRandomPoint(NightshiftProcess process, Path output, Random random) throws Exception {
        boolean byParts = random.nextInt(4) != 0;
        long deadline = System.nanoTime() + 120_000_000_000L;
        long delayMillis = 500 + random.nextInt(7_000);
        long started = System.nanoTime();
        int baseline = partFiles(output);
        int targetParts = baseline + 1 + random.nextInt(12);
        while (process.isAlive() && System.nanoTime() < deadline) {
            boolean due = partFiles(output) >= targetParts || !byParts && (System.nanoTime() - started) / 1_000_000 >= delayMillis;
            if (due) {
                process.kill();
                return true;
            }
            Thread.sleep(random.nextInt(20));
        }
        return false;
    }

    private static int partFiles(Path output) throws IOException {
        if (!Files.isDirectory(output)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(output)) {
            return (int) files.filter(file -> file.getFileName().toString().startsWith("part-")).count();
        }
    }

    private static long runId(String output) {
        Matcher matcher = RUN_STARTED.matcher(output);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
