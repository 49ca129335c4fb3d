package io.nightshift.job;

import static io.nightshift.testing.RunOutputs.files;
import static io.nightshift.testing.RunOutputs.runId;
import static io.nightshift.testing.RunOutputs.waitForParts;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.NightshiftProcess;
import io.nightshift.testing.RunOutputs;
import io.nightshift.testing.ScoringFixtures;
import io.nightshift.testing.ScoringFixtures.CommittedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output contract as an operator meets it, with the real application in child processes on the embedded
 * database: an input replaced under a killed run, a second run into a location a killed run holds, an overwrite
 * that fails half way, an output inside its own input. Every case ends in a clear refusal (exit 2) or an output
 * identical to an uninterrupted run's; nothing of a changed input and no part of another run ever shows.
 */
class OutputContractIntegrationTests {

    private static final int FILES = 4;
    private static final long ROWS_PER_FILE = 40_000;
    private static final int ROW_GROUP_ROWS = 10_000;
    private static final int BAD_ROWS_PER_FILE = 3;

    @TempDir
    static Path workspace;
    static Path input;
    static Path modelDirectory;
    static CommittedOutput reference;

    @BeforeAll
    static void createInputsModelAndReferenceOutput() throws Exception {
        input = workspace.resolve("input");
        ScoringFixtures.data(input, FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, BAD_ROWS_PER_FILE);
        modelDirectory = workspace.resolve("models");
        ScoringFixtures.logisticModel(modelDirectory, ScoringFixtures.FEATURES);
        Path referenceOutput = workspace.resolve("reference-output");
        NightshiftProcess process = new NightshiftProcess(workspace.resolve("reference-home"), Map.of());
        assertThat(process.run(score(modelDirectory.resolve("churn.onnx"), input, referenceOutput))).as(process.output()).isZero();
        reference = ScoringFixtures.read(referenceOutput, "score");
    }

    @Test
    void aRelaunchRefusesAnInputReplacedSinceThePlanAndCompletesOnceItIsRestoredEvenWithTheModelMoved(TestInfo test)
            throws Exception {
        // given: a run killed part way, with its own copy of the inputs and the model
        Path home = home(test);
        Path ownInput = copy(input, home.resolve("input"));
        Path ownModels = copy(modelDirectory, home.resolve("models"));
        Path output = home.resolve("output");
        NightshiftProcess process = new NightshiftProcess(home, Map.of());
        long runId = killAfterParts(process, score(ownModels.resolve("churn.onnx"), ownInput, output), output, 3);

        // when: an upstream job replaces one input: same name, same row-group layout, other rows
        Path replaced = ownInput.resolve("part-00002.parquet");
        Path original = home.resolve("part-00002.parquet.original");
        Files.move(replaced, original);
        Path other = home.resolve("other");
        ScoringFixtures.data(other, FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, BAD_ROWS_PER_FILE, 99L);
        Files.copy(other.resolve("part-00002.parquet"), replaced);
        int refused = process.run("relaunch", Long.toString(runId));

        // then: refused before anything is scored, naming the run, the file and what to do
        assertThat(refused).as(process.output()).isEqualTo(2);
        assertThat(process.output()).contains("Cannot resume run " + runId + ": " + replaced.toUri()
                + " changed since the run was planned (").contains("Restore it, or start a new run.");
        assertThat(output.resolve("_manifest.json")).doesNotExist();

        // when: the file is restored (a rename keeps its modification time) and the model's location is gone
        Files.move(original, replaced, StandardCopyOption.REPLACE_EXISTING);
        Files.move(ownModels, home.resolve("models-moved"));
        int relaunched = process.run("relaunch", Long.toString(runId));

        // then: the relaunch scores from the model's cached copy, and the output is the uninterrupted run's
        assertThat(relaunched).as(process.output()).isZero();
        assertIdenticalToReference(output);
    }

    @Test
    void aNewRunIntoALocationAKilledRunHoldsIsRefusedUntilThatRunIsAbandoned(TestInfo test) throws Exception {
        // given: a run killed with several parts written
        Path home = home(test);
        Path output = home.resolve("output");
        String[] arguments = score(modelDirectory.resolve("churn.onnx"), input, output);
        NightshiftProcess process = new NightshiftProcess(home, Map.of());
        long killedRun = killAfterParts(process, arguments, output, 4);

        // when: the same score is started again, as a new run
        int refused = process.run(arguments);

        // then: refused, naming the holder and both ways out
        assertThat(refused).as(process.output()).isEqualTo(2);
        assertThat(process.output()).contains("Cannot score into " + output.toUri() + ": run " + killedRun + " (")
                .contains("holds it. Relaunch run " + killedRun + ", or abandon it with nightshift abandon " + killedRun + ".");

        // when: the killed run is abandoned
        int abandoned = process.run("abandon", Long.toString(killedRun));

        // then: its parts and claim are gone, it can never be relaunched, and a new run completes there
        assertThat(abandoned).as(process.output()).isZero();
        assertThat(files(output)).as("nothing of the abandoned run remains").isEmpty();
        assertThat(process.run("relaunch", Long.toString(killedRun))).as(process.output()).isEqualTo(2);
        assertThat(process.output()).contains("abandoned");
        assertThat(process.run(arguments)).as(process.output()).isZero();
        assertIdenticalToReference(output);
    }

    @Test
    void anOverwriteKeepsThePreviousResultReadableUntilItCommitsAndAnAbandonedOneLeavesItStanding(TestInfo test)
            throws Exception {
        // given: a committed result
        Path home = home(test);
        Path output = home.resolve("output");
        NightshiftProcess process = new NightshiftProcess(home, Map.of());
        assertThat(process.run(score(modelDirectory.resolve("churn.onnx"), input, output))).as(process.output()).isZero();
        List<String> committedFiles = files(output);

        // when: an overwrite of it is killed part way
        String[] overwrite = withOverwrite(score(modelDirectory.resolve("churn.onnx"), input, output));
        long overwriteRun = killAfterParts(process, overwrite, output, committedFiles.size() + 3);

        // then: the previous result is still readable through its manifest
        assertIdenticalToReference(output, false);

        // when: the overwrite is abandoned
        assertThat(process.run("abandon", Long.toString(overwriteRun))).as(process.output()).isZero();

        // then: the previous result stands exactly as it was, _SUCCESS included
        assertThat(files(output)).isEqualTo(committedFiles);
        assertIdenticalToReference(output);

        // when: an overwrite runs to the end
        assertThat(process.run(overwrite)).as(process.output()).isZero();

        // then: only the new result remains
        CommittedOutput replaced = assertIdenticalToReference(output);
        assertThat(replaced.manifest().get("runId").asLong()).isNotEqualTo(overwriteRun);
        assertThat(files(output)).doesNotContainAnyElementsOf(committedFiles.stream().filter(name -> name.contains("part-")).toList());
    }

    @Test
    void anOutputTheInputWouldMatchIsRefusedBeforeARunExists(TestInfo test) throws Exception {
        // given: an output inside the input directory a glob reads recursively
        Path home = home(test);
        Path ownInput = copy(input, home.resolve("data"));
        NightshiftProcess process = new NightshiftProcess(home, Map.of());

        // when
        int exitCode = process.run("score", "--model", modelDirectory.resolve("churn.onnx").toString(), "--input",
                ownInput + "/**.parquet", "--output", ownInput.resolve("scores").toString(), "--id-column", ScoringFixtures.ID,
                "--feature-prefix", "f");

        // then
        assertThat(exitCode).as(process.output()).isEqualTo(2);
        assertThat(process.output()).contains("the input would also match the run's own part files");
        assertThat(process.output()).doesNotContain("Run 1 started");
        assertThat(ownInput.resolve("scores")).doesNotExist();
    }

    private static String[] score(Path model, Path input, Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input.toString(), "--output", output.toString(),
                "--id-column", ScoringFixtures.ID, "--feature-prefix", "f", "--commit-interval", "5000", "--batch-size", "2500",
                "--threads", "2"};
    }

    private static String[] withOverwrite(String[] arguments) {
        String[] withFlag = java.util.Arrays.copyOf(arguments, arguments.length + 1);
        withFlag[arguments.length] = "--overwrite";
        return withFlag;
    }

    private static Path home(TestInfo test) throws IOException {
        return Files.createDirectories(workspace.resolve(test.getTestMethod().orElseThrow().getName()));
    }

    /** Starts a run, kills it with SIGKILL once {@code parts} part files exist, and returns its run id. */
    private static long killAfterParts(NightshiftProcess process, String[] arguments, Path output, int parts) throws Exception {
        process.start(arguments);
        waitForParts(process, output, parts);
        process.kill();
        long runId = runId(process.output());
        assertThat(runId).as(process.output()).isPositive();
        return runId;
    }



    private static CommittedOutput assertIdenticalToReference(Path output) throws IOException {
        return assertIdenticalToReference(output, true);
    }

    private static CommittedOutput assertIdenticalToReference(Path output, boolean settled) throws IOException {
        return RunOutputs.assertSameRows(output, reference, settled);
    }



    private static Path copy(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.toList()) {
                Files.copy(file, target.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return target;
    }

}
