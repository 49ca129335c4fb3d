package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightshift gc} through the real command line on a home of its own: a completed and a failed run, leftovers
 * aged by the test, then a dry run (lists, changes nothing) and a real one (deletes exactly what the rules say).
 * The rules one by one are {@code HomeCleanerTests}'.
 */
class GcIntegrationTests {

    private static final Instant LONG_AGO = Instant.now().minus(Duration.ofDays(60));

    @TempDir
    Path workspace;

    @Test
    void gcDeletesOldCachesAndFinishedRunsLogsKeepsWhatARelaunchNeedsAndADryRunChangesNothing() throws Exception {
        // given: run 1 completes; run 2 fails (too many rejects: exit 2) and is not abandoned, so what it pinned stays;
        // both pin the same model
        Path input = workspace.resolve("input");
        ScoringFixtures.data(input, 1, 4_000, 1_000, 3);
        Path model = ScoringFixtures.logisticModel(workspace.resolve("model"), ScoringFixtures.FEATURES);
        NightshiftProcess nightshift = new NightshiftProcess(workspace.resolve("process"), Map.of());
        Path home = workspace.resolve("process").resolve("var");
        assertThat(nightshift.run(score(model, input, workspace.resolve("out-1")))).as(nightshift.output()).isZero();
        assertThat(nightshift.run(append(score(model, input, workspace.resolve("out-2")), "--max-reject-fraction", "0")))
                .as(nightshift.output()).isEqualTo(2);
        Path pinned = onlyModelDirectory(home);

        // and: what two months leave behind
        Path unused = aged(Files.createDirectories(home.resolve("models").resolve("ab".repeat(32))));
        aged(Files.write(unused.resolve("model.onnx"), new byte[3000]));
        aged(unused);
        Path temporary = aged(Files.write(pinned.resolve(".model-4242.tmp"), new byte[1000]));
        Path completedLog = aged(Files.writeString(Files.createDirectories(home.resolve("logs")).resolve("run-1.log"), "done\n"));
        Path failedLog = aged(Files.writeString(home.resolve("logs").resolve("run-2.log"), "failed\n"));
        Path strangerLog = aged(Files.writeString(home.resolve("logs").resolve("run-77.log"), "no such run\n"));
        Path notOurs = aged(Files.writeString(home.resolve("logs").resolve("notes.txt"), "mine\n"));
        aged(pinned);

        // when
        int dryRun = nightshift.run("gc", "--dry-run");
        String dryOutput = nightshift.output();

        // then: listed with their sizes, nothing changed
        assertThat(dryRun).as(dryOutput).isZero();
        assertThat(dryOutput).contains("home " + home.toAbsolutePath().normalize() + ": listing what was last used more than 30d ago")
                .contains("would delete model models/" + unused.getFileName() + "/ (2.9 KiB)")
                .contains("would delete temporary models/" + pinned.getFileName() + "/.model-4242.tmp (1000 B)")
                .contains("would delete log logs/run-1.log (5 B): run 1 COMPLETED")
                .contains("would delete log logs/run-77.log (12 B): no such run in the job repository")
                .contains("keep log logs/run-2.log: run 2 is FAILED and not abandoned")
                .contains("dry run: would delete 4 file(s), 3.9 KiB (4,017 bytes); nothing changed");
        assertThat(List.of(unused, temporary, completedLog, strangerLog)).allSatisfy(path -> assertThat(path).exists());

        // when
        int gc = nightshift.run("gc");
        String output = nightshift.output();

        // then
        assertThat(gc).as(output).isZero();
        assertThat(output).contains("deleted 4 file(s), 3.9 KiB (4,017 bytes) freed");
        assertThat(List.of(unused, temporary, completedLog, strangerLog)).allSatisfy(path -> assertThat(path).doesNotExist());
        assertThat(List.of(pinned.resolve("model.onnx"), failedLog, notOurs, home.resolve("db")))
                .allSatisfy(path -> assertThat(path).exists());

        // and: the failed run still relaunches from the cache gc kept (and fails the same way: its rejects did not change)
        assertThat(nightshift.run("relaunch", "2")).as(nightshift.output()).isEqualTo(2);
        assertThat(nightshift.output()).contains("run 2 execution");
    }

    @Test
    void anAgeThatIsNotDaysHoursOrMinutesIsAUsageError() throws Exception {
        // given
        NightshiftProcess nightshift = new NightshiftProcess(workspace.resolve("process"), Map.of());

        // when
        int exitCode = nightshift.run("gc", "--older-than", "3w");

        // then
        assertThat(exitCode).as(nightshift.output()).isEqualTo(2);
        assertThat(nightshift.output()).contains("Invalid value for option '--older-than': '3w' is not an age: give a whole "
                + "number of days, hours or minutes, at least 1, such as 30d, 12h or 90m");
        assertThat(workspace.resolve("process").resolve("var")).as("nothing started, no database created").doesNotExist();
    }

    private static String[] score(Path model, Path input, Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--threads", "1"};
    }

    private static String[] append(String[] arguments, String... more) {
        return Stream.concat(Stream.of(arguments), Stream.of(more)).toArray(String[]::new);
    }

    private static Path onlyModelDirectory(Path home) throws IOException {
        try (Stream<Path> models = Files.list(home.resolve("models"))) {
            List<Path> all = models.toList();
            assertThat(all).as("the model cache after two runs of one model").hasSize(1);
            return all.getFirst();
        }
    }

    private static Path aged(Path path) throws IOException {
        Files.setLastModifiedTime(path, FileTime.from(LONG_AGO));
        return path;
    }
}
