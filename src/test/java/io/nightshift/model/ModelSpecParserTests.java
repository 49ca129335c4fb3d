package io.nightshift.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code model.yaml}: what a valid file means, and that every error names the file and the setting. */
class ModelSpecParserTests {

    private static final String SOURCE = "s3://models/churn/3/model.yaml";

    @Test
    void aCompleteFileGivesNameVersionInputFeaturesAndOutputs() {
        // given
        String yaml = """
                name: churn
                version: "3"
                input: features
                description: churn propensity, retrained weekly
                features:
                  - tenure_months
                  - name: monthly_charges
                    mean: 64.8
                    scale: 30.1
                    fill: 64.8
                outputs:
                  - name: probability
                    columns: [stay_probability, churn_probability]
                """;

        // when
        ModelSpec spec = parse(yaml);

        // then
        assertThat(spec.name()).isEqualTo("churn");
        assertThat(spec.version()).isEqualTo("3");
        assertThat(spec.inputName()).isEqualTo("features");
        assertThat(spec.features()).containsExactly(
                ModelSpec.FeatureSpec.plain("tenure_months"),
                new ModelSpec.FeatureSpec("monthly_charges", 64.8f, 30.1f, 64.8f));
        assertThat(spec.outputs()).containsExactly(
                new ModelSpec.OutputSpec("probability", List.of("stay_probability", "churn_probability")));
    }

    @Test
    void aFeatureGivenAsAMappingWithOnlyANameHasNoPreprocessingAndNoFill() {
        // when
        ModelSpec spec = parse("features:\n  - name: age\n");

        // then
        assertThat(spec.features()).containsExactly(new ModelSpec.FeatureSpec("age", 0f, 1f, null));
    }

    @Test
    void anOutputWithoutColumnsGetsDefaultColumnNamesLater() {
        // when
        ModelSpec spec = parse("outputs:\n  - name: score\n");

        // then
        assertThat(spec.outputs()).containsExactly(new ModelSpec.OutputSpec("score", List.of()));
    }

    @Test
    void aSingleOutputColumnMayBeGivenAsAPlainName() {
        // when
        ModelSpec spec = parse("outputs:\n  - name: score\n    columns: churn_score\n");

        // then
        assertThat(spec.outputs().getFirst().columns()).containsExactly("churn_score");
    }

    @Test
    void missingNameAndVersionFallBackToTheDefaults() {
        // when
        ModelSpec spec = parse("features: [a, b]\n");

        // then
        assertThat(spec.name()).isEqualTo("churn");
        assertThat(spec.version()).isEqualTo("1a2b3c4d5e6f");
        assertThat(spec.inputName()).isNull();
        assertThat(spec.featureNames()).containsExactly("a", "b");
    }

    @Test
    void invalidYamlIsReportedWithTheFile() {
        assertThatThrownBy(() -> parse("features: [a, b\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("Cannot read " + SOURCE + ": not valid YAML");
    }

    @Test
    void aDocumentThatIsNotAMappingIsReportedWithTheFile() {
        assertThatThrownBy(() -> parse("- a\n- b\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("Cannot read " + SOURCE + ": expected a mapping");
    }

    @Test
    void anUnknownTopLevelSettingIsNamed() {
        assertThatThrownBy(() -> parse("name: churn\ninputs: features\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown setting 'inputs'");
    }

    @Test
    void anUnknownFeatureSettingIsNamedWithItsPosition() {
        assertThatThrownBy(() -> parse("features:\n  - a\n  - name: b\n    std: 2\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown setting 'features[1].std'");
    }

    @Test
    void anUnknownOutputSettingIsNamedWithItsPosition() {
        assertThatThrownBy(() -> parse("outputs:\n  - name: score\n    column: s\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown setting 'outputs[0].column'");
    }

    @Test
    void featuresThatAreNotAListAreNamed() {
        assertThatThrownBy(() -> parse("features: tenure_months\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'features' must be a list");
    }

    @Test
    void aMeanThatIsNotANumberIsNamedWithItsValue() {
        assertThatThrownBy(() -> parse("features:\n  - name: a\n    mean: high\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'features[0].mean' must be a number, was 'high'");
    }

    @Test
    void aNameThatIsAListIsNamed() {
        assertThatThrownBy(() -> parse("name: [churn, v2]\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'name' must be a single value");
    }

    @Test
    void outputsThatAreNotAListAreNamed() {
        assertThatThrownBy(() -> parse("outputs: score\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'outputs' must be a list");
    }

    @Test
    void aFeatureMappingWithoutANameIsNamedWithItsPosition() {
        assertThatThrownBy(() -> parse("features:\n  - a\n  - mean: 1\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("features[1].name is missing");
    }

    @Test
    void anOutputWithoutANameIsNamedWithItsPosition() {
        assertThatThrownBy(() -> parse("outputs:\n  - columns: [a]\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("outputs[0].name is missing");
    }

    @Test
    void aScaleOfZeroIsNamedWithTheFeature() {
        assertThatThrownBy(() -> parse("features:\n  - name: age\n    scale: 0\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("features[0]")
                .hasMessageContaining("feature 'age': scale must be a positive number");
    }

    @Test
    void aNegativeScaleIsNamedWithTheFeature() {
        assertThatThrownBy(() -> parse("features:\n  - name: age\n    scale: -2\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("feature 'age': scale must be a positive number");
    }

    @Test
    void aFeatureListedTwiceIsNamed() {
        assertThatThrownBy(() -> parse("features:\n  - age\n  - name: age\n    mean: 40\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("feature 'age' is listed twice");
    }

    @Test
    void anEmptyFillIsAnErrorRatherThanAFillOfZero() {
        assertThatThrownBy(() -> parse("features:\n  - name: age\n    fill:\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'features[0].fill'");
    }

    @Test
    void theOptionalMetadataGivesTaskPositiveLabelTrainingDataAndMetricsInFileOrder() {
        // given
        String yaml = """
                name: churn
                features: [a, b]
                description: churn propensity
                task: binary-classification
                positive-label: 1
                training-data:
                  uri: s3://lake/churn/2026-11/
                  rows: 240000
                  sha256: %s
                training-metrics:
                  log_loss: 0.41
                  auc: 0.84
                """.formatted("ab".repeat(32));

        // when
        ModelSpec spec = parse(yaml);

        // then
        ModelSpec.Metadata metadata = spec.metadata();
        assertThat(metadata.task()).isEqualTo(ModelSpec.Task.BINARY_CLASSIFICATION);
        assertThat(metadata.positiveLabel()).isEqualTo("1");
        assertThat(metadata.trainingData()).isEqualTo(new ModelSpec.TrainingData("s3://lake/churn/2026-11/", 240_000L, "ab".repeat(32)));
        assertThat(metadata.trainingMetrics()).containsExactly(java.util.Map.entry("log_loss", 0.41), java.util.Map.entry("auc", 0.84));
        assertThat(metadata.description()).isEqualTo("churn propensity");
    }

    @Test
    void aFileWithoutMetadataHasNone() {
        // when
        ModelSpec spec = parse("name: churn\nfeatures: [a]\n");

        // then
        assertThat(spec.metadata()).isEqualTo(ModelSpec.Metadata.NONE);
    }

    @Test
    void anUnknownTaskIsNamedWithTheKnownOnes() {
        assertThatThrownBy(() -> parse("task: classification\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("task must be one of [binary-classification, regression], was 'classification'");
    }

    @Test
    void trainingDataNeedsRowsOrASha256BesidesItsUri() {
        assertThatThrownBy(() -> parse("training-data:\n  uri: s3://lake/x\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("training-data needs rows or sha256 besides its uri");
    }

    @Test
    void aTrainingMetricThatIsNotANumberIsNamed() {
        assertThatThrownBy(() -> parse("training-metrics:\n  auc: high\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("'training-metrics.auc' must be a number, was 'high'");
    }

    @Test
    void groupsOfTrainingMetricsBecomeDottedNames() {
        // when
        ModelSpec spec = parse("training-metrics:\n  train:\n    roc_auc: 0.9\n  validation:\n    roc_auc: 0.84\n    log_loss: 0.41\n");

        // then
        assertThat(spec.metadata().trainingMetrics()).containsExactly(java.util.Map.entry("train.roc_auc", 0.9),
                java.util.Map.entry("validation.roc_auc", 0.84), java.util.Map.entry("validation.log_loss", 0.41));
    }

    @Test
    void aMisspeltSettingGetsADidYouMean() {
        assertThatThrownBy(() -> parse("positive_lable: 1\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown setting 'positive_lable' (did you mean 'positive-label'?)");
        assertThatThrownBy(() -> parse("training-data:\n  url: s3://x\n  rows: 3\n"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown setting 'training-data.url' (did you mean 'training-data.uri'?)");
    }

    @Test
    void whatTheWriterWritesParsesBackToTheSameSpec() {
        // given
        ModelSpec spec = new ModelSpec("churn", "3", "features",
                List.of(ModelSpec.FeatureSpec.plain("f00"), new ModelSpec.FeatureSpec("f01", 64.8f, 30.1f, 64.8f),
                        new ModelSpec.FeatureSpec("f02", 0f, 1f, 0.5f)),
                List.of(new ModelSpec.OutputSpec("probability", List.of("churn_probability")), new ModelSpec.OutputSpec("raw", List.of())),
                new ModelSpec.Metadata(ModelSpec.Task.BINARY_CLASSIFICATION, "1", new ModelSpec.TrainingData("s3://lake/x", 10L, null),
                        java.util.Map.of("auc", 0.84), "weekly churn model"));

        // when
        String yaml = ModelSpecWriter.toYaml(spec, List.of());

        // then
        assertThat(ModelSpecParser.parse(yaml, SOURCE, "default", "0")).isEqualTo(spec);
        assertThat(yaml).contains("- f00\n").contains("version: '3'");
    }

    @Test
    void theWriterLeavesTheVersionOutWhenAskedSoTheDefaultApplies() {
        // given
        ModelSpec spec = new ModelSpec("churn", "3", null, List.of(ModelSpec.FeatureSpec.plain("a")), List.of());

        // when
        String yaml = ModelSpecWriter.toYaml(spec, List.of(), false);

        // then
        assertThat(yaml).doesNotContain("version");
        assertThat(ModelSpecParser.parse(yaml, SOURCE, "x", "default-version").version()).isEqualTo("default-version");
    }

    private static ModelSpec parse(String yaml) {
        return ModelSpecParser.parse(yaml, SOURCE, "churn", "1a2b3c4d5e6f");
    }
}
