package io.nightshift.job;

import static io.nightshift.testing.RunOutputs.files;
import static io.nightshift.testing.RunOutputs.runId;
import static io.nightshift.testing.RunOutputs.waitForParts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.PrivatePostgres;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job repository's database restarts under a running run: a private PostgreSQL (not the shared one) is stopped
 * while the real application scores into it, kept down longer than a chunk takes, and started again. The run either
 * rides through by itself or ends cleanly (exit 1, or exits leaving its run to a relaunch), without hanging or a flood of
 * stack traces; either way {@code status} answers, and a relaunch ends it with output identical to an uninterrupted
 * run's, or an abandon ends it for good.
 */
class DatabaseRestartIntegrationTests {

    private static final int FILES = 6;
    private static final long ROWS_PER_FILE = 100_000;
    private static final int BAD_ROWS_PER_FILE = 3;
    /** Of 120 chunks of 5,000 rows: a few seconds into scoring, with most of the run still to come. */
    private static final int PARTS_BEFORE_STOP = 24;
    /** A chunk takes well under a second; the database stays away for several of them. */
    private static final long DOWN_MILLIS = 3_000;
    /**
     * Log events with a stack trace: a few per thread that met the outage and one per step it failed, about ten; a
     * retry loop logging every attempt would print hundreds.
     */
    private static final int MOST_STACK_TRACES = 50;
    /** How long the run may take to end once its database is back before it counts as hung. */
    private static final long EXIT_SECONDS_AFTER_RESTART = 120;

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;
    static CommittedOutput reference;

    @BeforeAll
    static void createInputsModelAndReferenceOutput() throws Exception {
        Optional<String> unavailable = PrivatePostgres.unavailable();
        assumeTrue(unavailable.isEmpty(), () -> "Cannot start a private PostgreSQL to restart: " + unavailable.orElseThrow());
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, 25_000, BAD_ROWS_PER_FILE);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        Path referenceOutput = workspace.resolve("reference-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(process.run(score(referenceOutput))).as(process.output()).isZero();
        reference = ScoringFixtures.read(referenceOutput, "score");
    }

    @ParameterizedTest(name = "stopped with pg_ctl -m {0}")
    @ValueSource(strings = {"fast", "immediate"})
    void aRunWhoseDatabaseRestartsMidRunEndsWithExactOutputByItselfOrAfterARelaunch(String stopMode) throws Exception {
        Path home = Files.createDirectories(workspace.resolve("relaunch-" + stopMode));
        Path output = home.resolve("output");
        try (PrivatePostgres database = PrivatePostgres.start()) {
            NightshiftProcess process = new NightshiftProcess(home, environment(database), "run");
            try {
                // given: a run several chunks into scoring, its job repository on the private server
                process.start(score(output));

                // when: the server stops, stays away for a few chunks' time, and comes back
                Interrupted run = restartUnder(process, database, stopMode, output);

                // then: the run ended by itself or cleanly, status answers, and a relaunch (if needed) ends it exactly
                String status = status(process, run);
                String path;
                if (run.exit() == 0) {
                    path = "rode through (exit 0)";
                    assertThat(status).contains("COMPLETED");
                } else {
                    assertThat(Files.exists(output.resolve("_SUCCESS"))).as("committed by a run that did not complete")
                            .isFalse();
                    int relaunch = process.run("relaunch", Long.toString(run.runId()));
                    assertThat(relaunch).as("relaunch:%n%s%nafter the run (exit %d):%n%s", process.output(), run.exit(), run.output())
                            .isZero();
                    path = "failed cleanly (exit " + run.exit() + ", " + statusLine(status) + ") and the relaunch completed it";
                }
                assertIdenticalToReference(output);
                System.out.printf("database restart test (pg_ctl stop -m %s): run %d %s; its output had %d lines, %d with a"
                        + " stack trace%n", stopMode, run.runId(), path, run.output().lines().count(), stackTraces(run.output()));
            } finally {
                if (process.isAlive()) {
                    process.kill();
                }
            }
        }
    }

    @Test
    void aRunTheRestartLeftUnfinishedCanBeAbandonedForGood() throws Exception {
        Path home = Files.createDirectories(workspace.resolve("abandon"));
        Path output = home.resolve("output");
        try (PrivatePostgres database = PrivatePostgres.start()) {
            NightshiftProcess process = new NightshiftProcess(home, environment(database), "run");
            try {
                // given: a run that did not finish because its database restarted under it (Spring Batch records it
                // UNKNOWN, a status that ranks above ABANDONED)
                process.start(score(output));
                Interrupted run = restartUnder(process, database, "fast", output);
                assumeTrue(run.exit() != 0, "the run rode through the restart, so there is nothing to abandon");
                status(process, run);

                // when: it is abandoned
                int abandoned = process.run("abandon", Long.toString(run.runId()));

                // then: it is ABANDONED, nothing of it remains, and it can never be relaunched
                assertThat(abandoned).as(process.output()).isZero();
                assertThat(files(output)).as("nothing of the abandoned run remains").isEmpty();
                assertThat(process.run("status", Long.toString(run.runId()))).as(process.output()).isZero();
                assertThat(process.output()).contains("ABANDONED");
                assertThat(process.run("relaunch", Long.toString(run.runId()))).as(process.output()).isEqualTo(2);
                assertThat(process.output()).contains("was abandoned");
            } finally {
                if (process.isAlive()) {
                    process.kill();
                }
            }
        }
    }

    /** How a run ended after its database restarted: exit code, run id, everything it printed. */
    private record Interrupted(int exit, long runId, String output) {
    }

    /**
     * Once the started run has written a few parts, stops the server ({@code fast}: every session ended, a clean
     * shutdown; {@code immediate}: as a crash), keeps it away for several chunks' time, starts it again, and waits for
     * the run to end: by itself or cleanly, never hanging.
     */
    private static Interrupted restartUnder(NightshiftProcess process, PrivatePostgres database, String stopMode, Path output)
            throws Exception {
        waitForParts(process, output, PARTS_BEFORE_STOP);
        database.stop(stopMode);
        Thread.sleep(DOWN_MILLIS);
        database.startAgain();
        int exit = process.waitFor(EXIT_SECONDS_AFTER_RESTART);
        String runOutput = process.output();
        long runId = runId(runOutput);
        assertThat(runId).as("the run id is printed when the run starts:%n%s", runOutput).isPositive();
        assertThat(stackTraces(runOutput)).as("log events with a stack trace:%n%s", runOutput).isLessThan(MOST_STACK_TRACES);
        return new Interrupted(exit, runId, runOutput);
    }

    /**
     * {@code nightshift status RUN_ID} after the restart: it answers, and the run ended by itself or cleanly (exit 0 or
     * 1, or its process gone and the run left STARTED with its owner gone). Returns what status printed.
     */
    private static String status(NightshiftProcess process, Interrupted run) throws Exception {
        assertThat(process.run("status", Long.toString(run.runId()))).as("status after the restart:%n%s", process.output())
                .isZero();
        String status = process.output();
        assertThat(run.exit() == 0 || run.exit() == 1 || status.contains("owner gone"))
                .as("exit 0 or 1, or the run left to a relaunch with its owner gone; exit %d, status:%n%s%nrun:%n%s",
                        run.exit(), status, run.output()).isTrue();
        return status;
    }

    /** The environment of a child process whose job repository is the private server's {@code postgres} database. */
    private static Map<String, String> environment(PrivatePostgres database) {
        return Map.of("SPRING_PROFILES_ACTIVE", "prod",
                "SPRING_DATASOURCE_URL", database.url(),
                "SPRING_DATASOURCE_USERNAME", database.user());
    }

    private static String[] score(Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "5000", "--batch-size", "2500",
                "--threads", "2"};
    }


    private static void assertIdenticalToReference(Path output) throws IOException {
        RunOutputs.assertSameRows(output, reference, true);
    }

    private static long stackTraces(String output) {
        return output.lines().filter(line -> line.contains("\"stack_trace\"") || line.startsWith("\tat ")).count();
    }

    private static String statusLine(String status) {
        return status.lines().filter(line -> line.contains("STARTED") || line.contains("FAILED") || line.contains("STOPPED")
                || line.contains("UNKNOWN")).findFirst().orElse("status unknown").strip();
    }



}
