package io.nightshift.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftProperties;
import io.nightshift.retrain.TrainingSpec;
import io.nightshift.scoring.ScoringSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jobs/*.yaml}: what a valid file means, and that every error names the file and the setting. */
class JobSpecParserTests {

    private static final String SOURCE = "jobs/churn-nightly.yaml";

    @TempDir
    Path directory;

    @Test
    void aCompleteFileGivesEverySetting() {
        // given
        String yaml = """
                name: churn-nightly
                description: Scores every customer each night
                model: s3://models/churn/3/
                input: s3://lake/customers/2026-*.parquet
                output: s3://scores/churn/
                rejects: s3://scores/churn-rejects/
                id-column: customer_id
                features: [tenure_months, monthly_charges]
                passthrough: [region]
                batch-size: 8192
                commit-interval: 200_000
                threads: 3
                max-reject-fraction: 0.05
                overwrite: true
                device: cpu
                schedule:
                  cron: "0 0 2 * * ?"
                  timezone: Europe/Berlin
                  max-attempts: 3
                """;

        // when
        JobSpec spec = JobSpecParser.parse(yaml, SOURCE);

        // then
        assertThat(spec.name()).isEqualTo("churn-nightly");
        assertThat(spec.description()).isEqualTo("Scores every customer each night");
        assertThat(spec.scoring()).isEqualTo(new ScoringSettings("s3://models/churn/3/", "s3://lake/customers/2026-*.parquet",
                "s3://scores/churn/", "s3://scores/churn-rejects/", "customer_id", List.of("tenure_months", "monthly_charges"),
                null, List.of("region"), 8192, 200_000, 3, 0.05, true, "cpu"));
        assertThat(spec.schedule()).isEqualTo(new JobSpec.Schedule("0 0 2 * * ?", "Europe/Berlin", 3));
    }

    @Test
    void aMinimalFileGetsTheDocumentedDefaults() {
        // when
        JobSpec spec = JobSpecParser.parse("name: n\nmodel: m\ninput: i\noutput: o\n", SOURCE);

        // then
        ScoringSettings settings = spec.scoring();
        assertThat(settings.idColumn()).isEqualTo("id");
        assertThat(settings.rejects()).isNull();
        assertThat(settings.features()).isEmpty();
        assertThat(settings.passthrough()).isEmpty();
        assertThat(settings.batchSize()).isEqualTo(ScoringSettings.DEFAULT_BATCH_SIZE);
        assertThat(settings.commitInterval()).isEqualTo(ScoringSettings.DEFAULT_COMMIT_INTERVAL);
        assertThat(settings.maxRejectFraction()).isEqualTo(ScoringSettings.DEFAULT_MAX_REJECT_FRACTION);
        assertThat(settings.overwrite()).isFalse();
        assertThat(settings.device()).isEqualTo("cpu");
        assertThat(spec.schedule()).isNull();
    }

    @Test
    void aScheduleWithOnlyACronRunsInUtcWithOneAttempt() {
        // when
        JobSpec spec = JobSpecParser.parse("name: n\nmodel: m\ninput: i\noutput: o\nschedule:\n  cron: 0 0 2 * * ?\n", SOURCE);

        // then
        assertThat(spec.schedule()).isEqualTo(new JobSpec.Schedule("0 0 2 * * ?", "UTC", 1));
    }

    @Test
    void featuresMayBeACommaSeparatedString() {
        // when
        JobSpec spec = JobSpecParser.parse(minimal() + "features: a, b ,c\n", SOURCE);

        // then
        assertThat(spec.scoring().features()).containsExactly("a", "b", "c");
    }

    @Test
    void aFeaturePrefixIsKept() {
        // when
        JobSpec spec = JobSpecParser.parse(minimal() + "feature-prefix: f_\n", SOURCE);

        // then
        assertThat(spec.scoring().featurePrefix()).isEqualTo("f_");
    }

    @Test
    void aFileIsReadFromDisk() throws IOException {
        // given
        Path file = directory.resolve("churn.yaml");
        Files.writeString(file, minimal());

        // when
        JobSpec spec = JobSpecParser.read(file);

        // then
        assertThat(spec.name()).isEqualTo("churn");
    }

    @Test
    void aMissingFileIsReportedWithItsPath() {
        Path file = directory.resolve("missing.yaml");

        assertThatThrownBy(() -> JobSpecParser.read(file))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void invalidYamlIsReportedWithTheFile() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: [churn\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": not valid YAML");
    }

    @Test
    void aDocumentThatIsNotAMappingIsReportedWithTheFile() {
        assertThatThrownBy(() -> JobSpecParser.parse("just text", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": expected a mapping");
    }

    @Test
    void anUnknownSettingIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "batchsize: 10\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown setting 'batchsize'");
    }

    @Test
    void anUnknownScheduleSettingIsNamedWithItsBlock() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "schedule:\n  cron: x\n  zone: UTC\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown setting 'schedule.zone'");
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: n\ninput: i\noutput: o\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'model' is missing");
    }

    @Test
    void aMissingNameIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse("model: m\ninput: i\noutput: o\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'name' is missing");
    }

    @Test
    void aScheduleWithoutACronIsNamedWithItsBlock() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "schedule:\n  timezone: UTC\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'schedule.cron' is missing");
    }

    @Test
    void aScheduleThatIsNotAMappingIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "schedule: 0 0 2 * * ?\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'schedule' must be a mapping");
    }

    @Test
    void aWholeNumberSettingWithTextIsNamedWithItsValue() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "batch-size: lots\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'batch-size' must be a whole number, was 'lots'");
    }

    @Test
    void aWholeNumberSettingWithAFractionIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "threads: 2.5\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'threads' must be a whole number, was '2.5'");
    }

    @Test
    void aScheduleSettingOfTheWrongTypeIsNamedWithItsBlock() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "schedule:\n  cron: x\n  max-attempts: often\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'schedule.max-attempts' must be a whole number, was 'often'");
    }

    @Test
    void aFractionSettingWithTextIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "max-reject-fraction: some\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'max-reject-fraction' must be a number, was 'some'");
    }

    @Test
    void aFlagThatIsNotABooleanIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "overwrite: always\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'overwrite' must be true or false, was 'always'");
    }

    @Test
    void aListSettingGivenAsAMappingIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "features:\n  a: 1\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'features' must be a list");
    }

    @Test
    void aSingleValueSettingGivenAsAListIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "id-column: [a, b]\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'id-column' must be a single value");
    }

    @Test
    void aValueOutOfRangeIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "batch-size: 0\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("batch-size must be between 1 and 1,000,000, was 0");
    }

    @Test
    void featuresAndAFeaturePrefixTogetherAreNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "features: [a]\nfeature-prefix: f_\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("features or feature-prefix");
    }

    @Test
    void aFeatureListedTwiceIsNamed() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "features: [tenure, age, tenure]\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("features lists 'tenure' twice");
    }

    @Test
    void aTypoInAKeyGetsTheKeyMeant() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "comit-interval: 50000\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": unknown setting 'comit-interval'; "
                        + "did you mean 'commit-interval'?")
                .hasMessageContaining("Settings: [batch-size, budget, commit-interval");
    }

    @Test
    void aTypoInAScheduleKeyGetsTheKeyMeantWithItsBlock() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "schedule:\n  cron: x\n  timezon: UTC\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("unknown setting 'schedule.timezon'; did you mean 'schedule.timezone'?")
                .hasMessageContaining("Settings of schedule: [concurrency, cron, enabled, max-attempts, misfire, timezone]");
    }

    @Test
    void withoutAPartitionsBlockPartitionsRunLocallySizedByThePlanner() {
        JobSpec spec = JobSpecParser.parse(minimal(), SOURCE);

        assertThat(spec.scoring().partitions()).isEqualTo(ScoringSettings.Partitions.DEFAULT);
        assertThat(spec.scoring().partitions().remote()).isFalse();
    }

    @Test
    void aPartitionsBlockSetsModeTargetRowsAndMaxWorkers() {
        JobSpec spec = JobSpecParser.parse(minimal() + "partitions:\n  mode: remote\n  target-rows: 5_000_000\n  max-workers: 8\n", SOURCE);

        assertThat(spec.scoring().partitions()).isEqualTo(new ScoringSettings.Partitions(ScoringSettings.Partitions.Mode.REMOTE, 5_000_000, 8));
        assertThat(spec.scoringAt(java.time.Instant.EPOCH).partitions()).as("kept for a fire").isEqualTo(spec.scoring().partitions());
    }

    @Test
    void aTypoInAPartitionsKeyOrModeGetsWhatWasMeant() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "partitions:\n  targte-rows: 100\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("unknown setting 'partitions.targte-rows'; did you mean 'partitions.target-rows'?")
                .hasMessageContaining("Settings of partitions: [max-workers, mode, target-rows]");
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "partitions:\n  mode: remot\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("'partitions.mode' must be local or remote, was 'remot'; did you mean 'remote'?");
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "partitions:\n  max-workers: -1\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("partitions.max-workers must be at least 1 (or 0 for no cap), was -1");
    }

    @Test
    void anUnknownKeyFarFromEveryKeyListsTheSettings() {
        assertThatThrownBy(() -> JobSpecParser.parse(minimal() + "colour: blue\n", SOURCE))
                .isInstanceOf(JobSpecException.class)
                .hasMessageContaining("unknown setting 'colour'. Settings: [")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void aRegistryReferenceAsModelStaysAsWrittenUnlessAFileOfThatNameIsBesideTheSpec() throws IOException {
        // given
        Path specs = Files.createDirectories(directory.resolve("reference-specs"));
        Path byReference = Files.writeString(specs.resolve("churn.yaml"), "name: churn\nmodel: churn@production\ninput: i\noutput: o\n");
        Path byPath = Files.writeString(specs.resolve("local.yaml"), "name: local\nmodel: local@2\ninput: i\noutput: o\n");
        Files.createDirectories(specs.resolve("local@2"));

        // when
        ScoringSettings reference = JobSpecParser.read(byReference).scoring();
        ScoringSettings path = JobSpecParser.read(byPath).scoring();

        // then
        assertThat(reference.model()).isEqualTo("churn@production");
        assertThat(path.model()).isEqualTo(specs.resolve("local@2").toString());
    }

    @Test
    void relativePathsAreRelativeToTheSpecFilesDirectory() throws IOException {
        // given: a spec in a directory of its own, read through a path relative to the working directory
        Path specs = Files.createDirectories(directory.resolve("specs"));
        Path file = Files.writeString(specs.resolve("churn.yaml"), """
                name: churn
                model: ../models/churn
                input: data/*.parquet
                output: out/scores/
                rejects: ./out/rejects
                """);

        // when
        JobSpec spec = JobSpecParser.read(file);

        // then
        ScoringSettings settings = spec.scoring();
        assertThat(settings.model()).isEqualTo(directory.resolve("models/churn").toString());
        assertThat(settings.input()).as("a glob stays a glob, in the spec's directory").isEqualTo(specs + "/data/*.parquet");
        assertThat(settings.output()).as("a trailing slash is kept").isEqualTo(specs + "/out/scores/");
        assertThat(settings.rejects()).isEqualTo(specs + "/out/rejects");
    }

    @Test
    void locationsWithASchemeAbsolutePathsAndTheHomeDirectoryAreKeptAsMeant() throws IOException {
        // given
        Path file = Files.writeString(directory.resolve("churn.yaml"), """
                name: churn
                model: s3://models/churn/3/
                input: file:///data/in/*.parquet
                output: /srv/scores
                rejects: ~/rejects
                """);

        // when
        ScoringSettings settings = JobSpecParser.read(file).scoring();

        // then
        assertThat(settings.model()).isEqualTo("s3://models/churn/3/");
        assertThat(settings.input()).isEqualTo("file:///data/in/*.parquet");
        assertThat(settings.output()).isEqualTo("/srv/scores");
        assertThat(settings.rejects()).isEqualTo(System.getProperty("user.home") + "/rejects");
    }

    @Test
    void theDemoSpecScoresTheDemoOfTheDefaultHome() {
        // when: read as `./nightshift run jobs/demo.yaml` reads it
        JobSpec spec = JobSpecParser.read(Path.of("jobs", "demo.yaml"));

        // then: where `./nightshift demo` puts its data and model in the default home
        Path demo = NightshiftProperties.defaultHome().resolve("demo");
        assertThat(spec.scoring().model()).isEqualTo(demo.resolve("model").toString());
        assertThat(spec.scoring().input()).isEqualTo(demo.resolve("input") + "/*.parquet");
        assertThat(spec.scoring().output()).isEqualTo(demo.resolve("scores-job").toString());
    }

    @Test
    void theProductionExampleSpecReadsAsWritten() {
        // when
        JobSpec spec = JobSpecParser.read(Path.of("jobs", "churn-nightly.yaml"));

        // then
        assertThat(spec.scoring().model()).isEqualTo("churn@production");
        assertThat(spec.scoring().input()).isEqualTo("s3://warehouse/customers/snapshot/*.parquet");
        assertThat(spec.scoring().rejects()).isEqualTo("s3://ml-scores/churn/nightly-rejects");
    }

    private static String minimal() {
        return "name: churn\nmodel: models/churn\ninput: data/in\noutput: data/out\n";
    }

    @Test
    void aRetrainSpecGivesTheModelItsTrainingAndTheGateSettingsWithPathsBesideTheSpec() throws IOException {
        // given
        Path jobs = Files.createDirectories(directory.resolve("jobs"));
        Path file = jobs.resolve("retrain-churn.yaml");
        Files.writeString(file, """
                name: retrain-churn
                kind: retrain
                model: churn
                training: {data: ../data/train/, label: churned, feature-prefix: f, family: mlp, hidden: [8], epochs: 5}
                holdout: ../data/holdout/
                label-column: churned
                policy: ../retrain-gate/churn.yaml
                """);

        // when
        JobSpec spec = JobSpecParser.read(file);

        // then
        assertThat(spec.kind()).isEqualTo(JobSpec.Kind.RETRAIN);
        assertThat(spec.scoring()).isNull();
        RetrainSettings retrain = spec.retrain();
        assertThat(retrain.model()).isEqualTo("churn");
        assertThat(retrain.training().data()).isEqualTo(directory.resolve("data/train").toAbsolutePath() + "/");
        assertThat(retrain.training().label()).isEqualTo("churned");
        assertThat(retrain.training().family()).isEqualTo(TrainingSpec.Family.MLP);
        assertThat(retrain.holdout()).isEqualTo(directory.resolve("data/holdout").toAbsolutePath() + "/");
        assertThat(retrain.labelColumn()).isEqualTo("churned");
        assertThat(retrain.policy()).isEqualTo(directory.resolve("retrain-gate/churn.yaml").toAbsolutePath());
        assertThat(retrain.registerAs()).isEqualTo("job:retrain-churn");
    }

    @Test
    void aScoreSettingInARetrainSpecIsRefusedNamingTheRetrainSettings() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: r\nkind: retrain\nmodel: churn\noutput: x\ntraining: {data: d, label: l}\n", "r.yaml"))
                .isInstanceOf(JobSpecException.class).hasMessageContaining("unknown setting 'output'").hasMessageContaining("training");
    }

    @Test
    void anUnknownKindIsRefused() {
        assertThatThrownBy(() -> JobSpecParser.parse("name: r\nkind: train\n", "r.yaml")).isInstanceOf(JobSpecException.class)
                .hasMessageContaining("'kind' is 'train'; a job is kind score (the default) or retrain");
    }

    @Test
    void aScoreSpecIsKindScoreByDefault() {
        JobSpec spec = JobSpecParser.parse("name: s\nmodel: m.onnx\ninput: in\noutput: out\n", "s.yaml");
        assertThat(spec.kind()).isEqualTo(JobSpec.Kind.SCORE);
        assertThat(spec.retrain()).isNull();
    }

    @Test
    void theExampleRetrainSpecParsesWithThePolicyBesideTheJobsDirectory() {
        JobSpec spec = JobSpecParser.read(Path.of("jobs/retrain-churn.yaml"));
        assertThat(spec.retrain().policy()).isEqualTo(Path.of("retrain-gate/churn.yaml").toAbsolutePath());
        assertThat(spec.retrain().recent()).isEqualTo("s3://warehouse/customers/snapshot/");
        assertThat(spec.retrain().registerAs()).isEqualTo("job:retrain-churn");
    }
}
