package io.nightshift.cli;

import static io.nightshift.testing.InProcessCommand.nightshift;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.testing.InProcessCommand.Result;
import io.nightshift.demo.SyntheticData;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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
 * Bad input, end to end through the command line: every case must end with a clear message that names the file,
 * column or setting and says what to do, a non-zero exit code (1 for a failed run, 2 for bad usage or configuration),
 * and an output location where nothing became visible and nothing committed was lost.
 */
class BadInputIntegrationTests {

    private static final int FILES = 2;
    private static final long ROWS_PER_FILE = 2_000;
    private static final int ROW_GROUP_ROWS = 500;
    private static final int BAD_ROWS_PER_FILE = 4;

    @TempDir
    static Path shared;
    static Path goodInput;
    static List<Path> goodFiles;
    static Path model;

    private Path workspace;
    private Path output;

    @BeforeAll
    static void createInputsAndModel() throws IOException {
        goodInput = shared.resolve("input");
        goodFiles = ScoringFixtures.data(goodInput, FILES, ROWS_PER_FILE, ROW_GROUP_ROWS, BAD_ROWS_PER_FILE);
        model = ScoringFixtures.logisticModel(shared.resolve("model"), ScoringFixtures.FEATURES);
    }

    @BeforeEach
    void isolateState(TestInfo test) throws IOException {
        workspace = Files.createDirectories(shared.resolve(test.getTestMethod().orElseThrow().getName()));
        output = workspace.resolve("output");
        System.setProperty("nightshift.home", workspace.resolve("home").toString());
    }

    @AfterEach
    void clearState() {
        System.clearProperty("nightshift.home");
    }

    // --- input files ---------------------------------------------------------------------------------------------

    @Test
    void corruptParquetFileAmongGoodOnesFailsTheRunNamingThatFile() throws IOException {
        // given
        Path input = copyOfGoodInput();
        Path corrupt = Files.write(input.resolve("part-00002.parquet"), randomBytes(4096));

        // when
        Result result = score(input);

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.reason()).contains(corrupt.getFileName().toString()).contains("Fix or remove the file");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void truncatedParquetFileFailsTheRunNamingThatFile() throws IOException {
        // given
        Path input = copyOfGoodInput();
        Path truncated = input.resolve(goodFiles.getLast().getFileName());
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));

        // when
        Result result = score(input);

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.reason()).contains(truncated.getFileName().toString()).contains("Fix or remove the file");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void emptyInputFileFailsTheRunNamingThatFile() throws IOException {
        // given
        Path input = copyOfGoodInput();
        Path empty = Files.createFile(input.resolve("part-00002.parquet"));

        // when
        Result result = score(input);

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.reason()).contains(empty.getFileName().toString()).contains("Fix or remove the file");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void missingFeatureColumnFailsTheRunNamingTheColumnAndTheOption() throws IOException {
        // given
        Path smallModel = ScoringFixtures.logisticModel(workspace.resolve("model"), 2);

        // when
        Result result = nightshift("score", "--model", smallModel.toString(), "--input", goodInput.toString(), "--output",
                output.toString(), "--id-column", ScoringFixtures.ID, "--features", "f00,nope", "--threads", "2");

        // then: found before the run exists, and no relaunch advice
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.message()).contains("feature column 'nope' is missing").contains("part-00000.parquet")
                .contains("--features");
        assertThat(result.out()).doesNotContain("run ");
        assertThat(result.all()).doesNotContain("relaunch");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void stringColumnUsedAsAFeatureFailsTheRunNamingTheColumnAndItsType() throws IOException {
        // given
        Path smallModel = ScoringFixtures.logisticModel(workspace.resolve("model"), 2);

        // when
        Result result = nightshift("score", "--model", smallModel.toString(), "--input", goodInput.toString(), "--output",
                output.toString(), "--id-column", ScoringFixtures.ID, "--features", SyntheticData.REGION_COLUMN + ",f00",
                "--threads", "2");

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.message()).contains("feature column '" + SyntheticData.REGION_COLUMN + "'").contains("binary")
                .contains("features must be numeric");
        assertThat(result.all()).doesNotContain("relaunch");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void missingIdColumnIsAConfigurationErrorNamingTheOptionBeforeARunExists() {
        // when
        Result result = nightshift("score", "--model", model.toString(), "--input", goodInput.toString(), "--output",
                output.toString(), "--id-column", "nope", "--feature-prefix", "f");

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("id column 'nope' is missing").contains("Check --id-column.");
        assertThat(result.out()).doesNotContain("run ");
        assertThat(result.all()).doesNotContain("relaunch");
    }

    @Test
    void missingPassthroughColumnIsAConfigurationErrorNamingOnlyThatOption() {
        // when
        Result result = nightshift(append(scoreArguments(goodInput.toString(), output), "--passthrough", "nope"));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("passthrough column 'nope' is missing").contains("Check --passthrough.")
                .doesNotContain("Check --features/--id-column");
        assertThat(result.all()).doesNotContain("relaunch");
    }

    @Test
    void aFileThatIsNotParquetGivenAsInputIsAConfigurationErrorBeforeARunExists() throws IOException {
        // given: a README given as --input
        Path readme = Files.writeString(workspace.resolve("README.md"), "# Not Parquet\n");

        // when
        Result result = nightshift(scoreArguments(readme.toString(), output));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("README.md").contains("not a Parquet file").contains("Give Parquet files as input");
        assertThat(result.out()).doesNotContain("run ");
        assertThat(result.all()).doesNotContain("relaunch");
    }

    @Test
    void anUnknownUriSchemeIsAConfigurationErrorNamingTheSchemesThatWork() {
        // when
        Result result = nightshift(scoreArguments("gs://bucket/data/*.parquet", output));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("gs://bucket/data/*.parquet").contains("file://").contains("s3://");
        assertThat(result.all()).doesNotContain("relaunch");
    }

    @Test
    void aCorruptDataPageFailsTheRunNamingTheFileAndItsLogKeepsTheTrace() throws IOException {
        // given: a good footer over data pages overwritten with garbage
        Path input = copyOfGoodInput();
        Path corrupt = input.resolve(goodFiles.getFirst().getFileName());
        byte[] bytes = Files.readAllBytes(corrupt);
        for (int i = 4; i < bytes.length / 2; i++) {
            bytes[i] = (byte) (bytes[i] * 7 + 13);
        }
        Files.write(corrupt, bytes);

        // when
        Result result = score(input);

        // then: the summary names the file and the run's log file; the console has no stack trace, the log file has it
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.reason()).contains(corrupt.getFileName().toString()).contains("replace the file, then start a new run")
                .contains("nightshift abandon " + result.runId());
        assertThat(result.out()).doesNotContain("relaunch with");
        Path log = workspace.resolve("home").resolve("logs").resolve("run-" + result.runId() + ".log");
        assertThat(result.out()).contains("  log           " + log);
        assertThat(result.all()).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(Files.readString(log)).contains("Run " + result.runId() + " started").contains("\tat ");
        // (other partitions may have written parts; nothing is committed)
        assertThat(output.resolve("_manifest.json")).doesNotExist();
        assertThat(output.resolve("_SUCCESS")).doesNotExist();
    }

    @Test
    void globMatchingNoFileIsAConfigurationErrorNamingTheGlobBeforeARunExists() throws IOException {
        // given
        String glob = goodInput + "/*.nothing-matches";

        // when
        Result result = nightshift(scoreArguments(glob, output));

        // then: exit 2 and no relaunch advice: relaunching cannot make files appear
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.message()).contains("No input files match " + glob).contains("Check the path or glob");
        assertThat(result.all()).doesNotContain("relaunch");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void filesWithDifferentSchemasFailTheRunNamingTheOddFileAndColumn() throws IOException {
        // given: a third file with 6 instead of 12 features, sorted after the good ones
        Path input = copyOfGoodInput();
        Path other = SyntheticData.write(SyntheticData.Spec.anonymous(1, 500, 6, 3L), workspace.resolve("other")).getFirst();
        Path odd = Files.copy(other, input.resolve("part-00002.parquet"));

        // when
        Result result = score(input);

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.reason()).contains(odd.getFileName().toString()).contains("feature column 'f06' is missing")
                .contains("must share one schema");
        assertNothingVisibleAndNoPartWritten();
    }

    // --- model ---------------------------------------------------------------------------------------------------

    @Test
    void missingModelIsAConfigurationErrorNamingThePath() throws IOException {
        // given
        Path missing = workspace.resolve("no-such-model.onnx");

        // when
        Result result = nightshift(scoreArguments(missing, goodInput.toString(), output));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot load model " + missing).contains("no such file")
                .contains("Pass a .onnx file or a model directory");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void corruptModelIsAConfigurationErrorNamingTheModel() throws IOException {
        // given
        Path corrupt = Files.write(workspace.resolve("corrupt.onnx"), randomBytes(2048));

        // when
        Result result = nightshift(scoreArguments(corrupt, goodInput.toString(), output));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.message()).contains("Cannot load model").contains(corrupt.toString())
                .contains("Is it a complete, valid ONNX model");
        assertThat(result.out()).contains("start a new run").doesNotContain("relaunch with");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void modelWhoseInputWidthDiffersFromTheFeatureCountIsAConfigurationError() throws IOException {
        // when: the 12-feature model gets two features
        Result result = nightshift("score", "--model", model.toString(), "--input", goodInput.toString(), "--output",
                output.toString(), "--id-column", ScoringFixtures.ID, "--features", "f00,f01", "--threads", "2");

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.message()).contains(model.toString()).contains("expects 12 input features but 2")
                .contains("Check --features");
        assertThat(result.out()).contains("start a new run").doesNotContain("relaunch with");
        assertNothingVisibleAndNoPartWritten();
    }

    // --- output --------------------------------------------------------------------------------------------------

    @Test
    void secondRunToACommittedOutputIsRefusedAndLeavesTheFirstResultUntouched() throws IOException {
        // given
        Result first = score(goodInput);
        assertThat(first.exitCode()).as(first.all()).isZero();
        byte[] manifest = Files.readAllBytes(output.resolve("_manifest.json"));
        List<String> files = filesUnder(output);

        // when
        Result second = score(goodInput);

        // then
        assertThat(second.exitCode()).as(second.all()).isEqualTo(2);
        assertThat(second.err()).contains("already holds a committed result").contains("--overwrite");
        assertThat(Files.readAllBytes(output.resolve("_manifest.json"))).isEqualTo(manifest);
        assertThat(filesUnder(output)).isEqualTo(files);
    }

    @Test
    void overwriteReplacesACommittedResultWithANewManifest() throws IOException {
        // given
        Result first = score(goodInput);
        assertThat(first.exitCode()).as(first.all()).isZero();
        JsonNode firstManifest = manifest();

        // when
        Result second = nightshift(append(scoreArguments(goodInput.toString(), output), "--overwrite"));

        // then
        assertThat(second.exitCode()).as(second.all()).isZero();
        JsonNode secondManifest = manifest();
        assertThat(secondManifest.get("runId").asLong()).isNotEqualTo(firstManifest.get("runId").asLong());
        assertThat(secondManifest.get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE);
        assertThat(ScoringFixtures.read(output, "score").files())
                .as("only the new result's files remain")
                .isEqualTo(ScoringFixtures.expectedFiles(secondManifest));
    }

    @Test
    void outputPathThatIsARegularFileIsAConfigurationErrorNamingIt() throws IOException {
        // given
        Path file = Files.writeString(workspace.resolve("output-is-a-file"), "not a directory");

        // when
        Result result = nightshift(scoreArguments(goodInput.toString(), file));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot write to output").contains(file.toString())
                .contains("exists and is not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a directory");
    }

    // --- relaunch ------------------------------------------------------------------------------------------------

    @Test
    void relaunchOfAnUnknownRunIdIsAConfigurationError() {
        // when
        Result result = nightshift("relaunch", "4242");

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("No run with id 4242").contains("nightshift status");
    }

    @Test
    void relaunchOfACompletedRunIsRefusedAndLeavesItsResultUntouched() throws IOException {
        // given
        Result first = score(goodInput);
        assertThat(first.exitCode()).as(first.all()).isZero();
        long runId = first.runId();
        byte[] manifest = Files.readAllBytes(output.resolve("_manifest.json"));

        // when
        Result relaunch = nightshift("relaunch", Long.toString(runId));

        // then
        assertThat(relaunch.exitCode()).as(relaunch.all()).isEqualTo(2);
        assertThat(relaunch.err()).contains("Run " + runId + " already completed").contains("Start a new run");
        assertThat(Files.readAllBytes(output.resolve("_manifest.json"))).isEqualTo(manifest);
    }

    // --- job specs -----------------------------------------------------------------------------------------------

    @Test
    void jobSpecWithBadYamlIsAConfigurationErrorNamingTheFile() throws IOException {
        // given
        Path spec = Files.writeString(workspace.resolve("broken.yaml"), "name: broken\nmodel: [unclosed\ninput: x\n");

        // when
        Result result = nightshift("run", spec.toString());

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot read job spec " + spec).contains("not valid YAML");
    }

    @Test
    void jobSpecWithAnUnknownKeyIsAConfigurationErrorNamingTheKey() throws IOException {
        // given: "ouput" is a typo of "output"
        Path spec = Files.writeString(workspace.resolve("typo.yaml"), """
                name: typo
                model: %s
                input: %s
                ouput: %s
                """.formatted(model, goodInput, output));

        // when
        Result result = nightshift("run", spec.toString());

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot read job spec " + spec).contains("unknown setting 'ouput'; did you mean 'output'?");
        assertNothingVisibleAndNoPartWritten();
    }

    @Test
    void jobSpecWithoutAModelIsAConfigurationErrorNamingTheSetting() throws IOException {
        // given
        Path spec = Files.writeString(workspace.resolve("no-model.yaml"), """
                name: no-model
                input: %s
                output: %s
                """.formatted(goodInput, output));

        // when
        Result result = nightshift("run", spec.toString());

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Cannot read job spec " + spec).contains("'model' is missing");
        assertNothingVisibleAndNoPartWritten();
    }

    // --- bad rows ------------------------------------------------------------------------------------------------

    @Test
    void badRowsBelowTheRejectLimitAreRejectedWithReasonsAndTheRunSucceeds() throws IOException {
        // when
        Result result = score(goodInput);

        // then
        assertThat(result.exitCode()).as(result.all()).isZero();
        JsonNode manifest = manifest();
        long rejected = manifest.get("rowsRejected").asLong();
        assertThat(rejected).isEqualTo(FILES * BAD_ROWS_PER_FILE);
        assertThat(manifest.get("rowsRead").asLong()).isEqualTo(FILES * ROWS_PER_FILE)
                .isEqualTo(manifest.get("rowsScored").asLong() + rejected);
        assertThat(manifest.get("rejectReasons").propertyNames())
                .isNotEmpty()
                .isSubsetOf("NULL_FEATURE", "NAN_FEATURE", "INFINITE_FEATURE", "OUT_OF_RANGE_FEATURE");
        ScoringFixtures.CommittedOutput committed = ScoringFixtures.read(output, "score");
        assertThat(committed.rejects()).hasSize((int) rejected);
        assertThat(committed.rejects().values()).allSatisfy(reason -> assertThat(reason).matches("[A-Z_]+.*"));
        assertThat(Files.exists(output.resolve("_SUCCESS"))).isTrue();
    }

    @Test
    void badRowsAboveTheRejectLimitFailTheRunSayingHowManyAndWhy() throws IOException {
        // when
        Result result = nightshift(append(scoreArguments(goodInput.toString(), output), "--max-reject-fraction", "0"));

        // then: a relaunch would read the same rows with the same limit, so the summary does not suggest one
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.reason()).contains("rejected " + FILES * BAD_ROWS_PER_FILE + " of")
                .contains("above max-reject-fraction").contains("Reasons:").contains("_FEATURE")
                .contains("--max-reject-fraction");
        assertThat(result.out()).doesNotContain("relaunch with").contains("nightshift abandon " + result.runId());
        assertThat(output.resolve("_manifest.json")).doesNotExist();
        assertThat(output.resolve("_SUCCESS")).doesNotExist();

        // and: the failed run keeps its rejects (and the output) until it is abandoned; a new run is told so
        Result again = nightshift(append(scoreArguments(goodInput.toString(), output), "--max-reject-fraction", "0.5"));
        assertThat(again.exitCode()).as(again.all()).isEqualTo(2);
        assertThat(again.message()).contains("failed on its configuration, so relaunching cannot help")
                .contains("nightshift abandon " + result.runId()).doesNotContain("Relaunch run");
        assertThat(nightshift("abandon", String.valueOf(result.runId())).exitCode()).isZero();
        Result fixed = nightshift(append(scoreArguments(goodInput.toString(), output), "--max-reject-fraction", "0.5"));
        assertThat(fixed.exitCode()).as(fixed.all()).isZero();
    }

    // --- usage ---------------------------------------------------------------------------------------------------

    @Test
    void unknownOptionIsAUsageErrorNamingTheOption() {
        // when
        Result result = nightshift(append(scoreArguments(goodInput.toString(), output), "--bogus-option"));

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Unknown option: '--bogus-option'").contains("Try 'nightshift score --help'");
        assertThat(output).doesNotExist();
    }

    @Test
    void missingModelOptionIsAUsageErrorNamingTheOption() {
        // when
        Result result = nightshift("score", "--input", goodInput.toString(), "--output", output.toString());

        // then
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains("Missing required option").contains("--model");
        assertThat(output).doesNotExist();
    }

    // --- helpers -------------------------------------------------------------------------------------------------



    private Result score(Path input) {
        return nightshift(scoreArguments(input.toString(), output));
    }

    private static String[] scoreArguments(String input, Path output) {
        return scoreArguments(model, input, output);
    }

    private static String[] scoreArguments(Path model, String input, Path output) {
        return new String[] {"score", "--model", model.toString(), "--input", input, "--output", output.toString(), "--id-column",
                ScoringFixtures.ID, "--feature-prefix", "f", "--threads", "2"};
    }

    private static String[] append(String[] arguments, String... more) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Path copyOfGoodInput() throws IOException {
        Path input = Files.createDirectories(workspace.resolve("input"));
        for (Path file : goodFiles) {
            Files.copy(file, input.resolve(file.getFileName()));
        }
        return input;
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private JsonNode manifest() throws IOException {
        return JsonMapper.builder().build().readTree(Files.readString(output.resolve("_manifest.json")));
    }

    /** Nothing committed or marked done, and (for failures found before scoring) not a single part file written. */
    private void assertNothingVisibleAndNoPartWritten() throws IOException {
        assertThat(output.resolve("_manifest.json")).doesNotExist();
        assertThat(output.resolve("_SUCCESS")).doesNotExist();
        assertThat(filesUnder(output)).noneMatch(name -> name.contains("part-"));
    }

    private static List<String> filesUnder(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile).map(file -> directory.relativize(file).toString()).sorted().toList();
        }
    }
}
