package io.nightshift.job;

import static io.nightshift.testing.RunOutputs.partFiles;
import static io.nightshift.testing.RunOutputs.runId;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.FakeInstanceMetadata;
import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The graceful stop of a foreground run, end to end with the real jar: SIGTERM mid-run, and an EC2 spot interruption
 * notice from a fake instance metadata service, each end the run STOPPED at a chunk boundary; `relaunch` completes it
 * with output identical row by row to an uninterrupted run's.
 */
class GracefulStopIntegrationTests {

    private static final int FILES = 5;
    private static final long ROWS_PER_FILE = 60_000;

    @TempDir
    static Path workspace;
    static Path input;
    static Path model;
    static CommittedOutput reference;

    @BeforeAll
    static void scoreAnUninterruptedReference() throws Exception {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, 25_000, 4);
        model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        Path output = workspace.resolve("reference-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(process.run(scoreArguments(output))).as(process.output()).isZero();
        reference = ScoringFixtures.read(output, "score");
    }

    private static String[] scoreArguments(Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "10000", "--batch-size", "2500",
                "--threads", "2"};
    }

    @Test
    void aRunStoppedBySigtermIsRelaunchedToTheUninterruptedOutput() throws Exception {
        // given: a run well under way
        Path output = workspace.resolve("sigterm-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("sigterm-home"), Map.of());
        process.start(scoreArguments(output));
        awaitParts(process, output);

        // when
        process.signal("TERM");

        // then
        assertStoppedThenRelaunchedIdentical(process, output, "SIGTERM");
    }

    @Test
    void aRunStoppedByASpotInterruptionNoticeIsRelaunchedToTheUninterruptedOutput() throws Exception {
        try (FakeInstanceMetadata metadata = new FakeInstanceMetadata()) {
            // given: a run well under way on a spot instance
            Path output = workspace.resolve("spot-output");
            NightshiftProcess process = new NightshiftProcess(workspace.resolve("spot-home"), Map.of(), List.of(
                    "-Dnightshift.spot.endpoint=" + metadata.endpoint(), "-Dnightshift.spot.enabled=true",
                    "-Dnightshift.spot.interval=200ms"));
            process.start(scoreArguments(output));
            awaitParts(process, output);

            // when: EC2 announces the instance's termination
            metadata.interrupt("terminate", "2026-12-02T12:34:56Z");

            // then
            assertStoppedThenRelaunchedIdentical(process, output, "spot interruption notice (terminate at 12:34:56Z)");
        }
    }

    private static void awaitParts(NightshiftProcess process, Path output) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (process.isAlive() && partFiles(output) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(process.isAlive()).as("still running after 3 parts:\n" + process.output()).isTrue();
    }

    private static void assertStoppedThenRelaunchedIdentical(NightshiftProcess process, Path output, String reason)
            throws Exception {
        assertThat(process.waitFor(120)).as(process.output()).isEqualTo(1);
        long runId = runId(process.output());
        assertThat(process.output()).contains("stopped on request (" + reason + ") after its current chunk; relaunch with "
                + "./nightshift relaunch " + runId);
        assertThat(Files.exists(output.resolve("_SUCCESS"))).isFalse();
        assertThat(process.run("status", Long.toString(runId))).isZero();
        assertThat(process.output()).contains("STOPPED");
        assertThat(process.run("relaunch", Long.toString(runId))).as(process.output()).isZero();
        CommittedOutput relaunched = RunOutputs.assertSameRows(output, reference, true);
        assertThat(relaunched.manifest().get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE);
    }
}
