package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The {@code training:} block of a retrain job spec: every key mapped, defaults held once, errors naming the setting. */
class TrainingSpecTests {

    private static final String SOURCE = "jobs/churn-retrain.yaml";

    @Test
    void theDocumentedBlockMapsToASpecWithDefaultsForWhatItLeavesOut() {
        // given
        Map<?, ?> block = block("""
                data: s3://bucket/train/*.parquet
                label: churned
                features: [f0, f1, f2]
                family: mlp
                hidden: [32, 16]
                epochs: 30
                seed: 7
                """);

        // when
        TrainingSpec spec = TrainingSpec.fromMap(block, SOURCE);

        // then
        assertThat(spec).isEqualTo(TrainingSpec.builder("s3://bucket/train/*.parquet", "churned").features(List.of("f0", "f1", "f2"))
                .family(TrainingSpec.Family.MLP).hidden(List.of(32, 16)).epochs(30).seed(7).build());
        assertThat(spec.learningRate()).isEqualTo(PerceptronTrainer.DEFAULT_LEARNING_RATE);
        assertThat(spec.validationFraction()).isEqualTo(0.2);
        assertThat(spec.trainer()).isInstanceOf(PerceptronTrainer.class);
    }

    @Test
    void everyKeyIsMappedToItsField() {
        // given: every key set to something other than its default
        Map<?, ?> block = block("""
                data: train/
                label: y
                feature-prefix: x_
                family: mlp
                hidden: [4]
                epochs: 3
                learning-rate: 0.02
                l2: 0
                batch-size: 7
                patience: 9
                seed: 11
                validation-fraction: 0.3
                """);

        // when
        TrainingSpec spec = TrainingSpec.fromMap(block, SOURCE);

        // then
        assertThat(block.keySet().stream().map(String::valueOf).toList())
                .containsExactlyInAnyOrderElementsOf(TrainingSpec.KEYS.stream().filter(key -> !key.equals("features")).toList());
        assertThat(spec).isEqualTo(new TrainingSpec("train/", "y", List.of(), "x_", TrainingSpec.Family.MLP, List.of(4), 3, 0.02, 0,
                7, 9, 11, 0.3));
    }

    @Test
    void theDefaultsAreLogisticRegressionWithAFifthHeldOut() {
        // when
        TrainingSpec spec = TrainingSpec.fromMap(block("{data: d, label: y, features: [a, b]}"), SOURCE);

        // then
        assertThat(spec).isEqualTo(new TrainingSpec("d", "y", List.of("a", "b"), null, TrainingSpec.Family.LOGISTIC_REGRESSION,
                List.of(32, 16), 50, 0.003, 1e-4, 64, 5, 1, 0.2));
        assertThat(spec.trainer()).isInstanceOf(LogisticRegressionTrainer.class);
    }

    @Test
    void anUnknownKeyIsAnErrorThatSuggestsTheKeyMeant() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], hiden: [8]}"), SOURCE))
                .isInstanceOfSatisfying(TrainingException.class, e -> assertThat(e.disposition())
                        .isEqualTo(NightshiftException.Disposition.CONFIGURATION))
                .hasMessageStartingWith("Cannot read job spec " + SOURCE + ": unknown setting 'training.hiden'; did you mean "
                        + "'training.hidden'?");
    }

    @Test
    void anUnknownFamilyIsAnErrorThatSuggestsTheFamilyMeant() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], family: mpl}"), SOURCE))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("training.family must be one of [logistic-regression, mlp], was 'mpl'; did you mean 'mlp'?");
    }

    @Test
    void aPerceptronSettingGivenForTheLogisticRegressionIsAnError() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], epochs: 10}"), SOURCE))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("'training.epochs' applies to family mlp only, but training.family is logistic-regression");
    }

    @Test
    void anOutOfRangeValueIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], family: mlp, epochs: 0}"), SOURCE))
                .isInstanceOf(TrainingException.class)
                .hasMessage("Cannot read job spec " + SOURCE + ": training.epochs must be between 1 and 10000, got 0");
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], validation-fraction: 1}"), SOURCE))
                .hasMessageContaining("training.validation-fraction must be between 0 and 1 (exclusive), got 1.0");
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], family: mlp, hidden: [8, 0]}"), SOURCE))
                .hasMessageContaining("training.hidden sizes must be between 1 and 1024, got [8, 0]");
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], l2: 0}"), SOURCE))
                .hasMessageContaining("training.l2 must be above 0 for logistic-regression");
    }

    @Test
    void aValueOfTheWrongTypeIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], family: mlp, learning-rate: fast}"),
                SOURCE))
                .isInstanceOf(TrainingException.class)
                .hasMessageContaining("'training.learning-rate' must be a number, was 'fast'");
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], family: mlp, hidden: [big]}"), SOURCE))
                .hasMessageContaining("'training.hidden' must be a list of whole numbers");
    }

    @Test
    void featuresAndAFeaturePrefixAreEitherOr() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y}"), SOURCE))
                .hasMessageContaining("give either training.features or training.feature-prefix, not neither");
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a], feature-prefix: f}"), SOURCE))
                .hasMessageContaining("not both");
    }

    @Test
    void theLabelMustNotBeAFeature() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{data: d, label: y, features: [a, y]}"), SOURCE))
                .hasMessageContaining("training.features must not contain the label column 'y'");
    }

    @Test
    void aMissingDataLocationIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> TrainingSpec.fromMap(block("{label: y, features: [a]}"), SOURCE))
                .hasMessage("Cannot read job spec " + SOURCE + ": training.data is missing");
    }

    private static Map<?, ?> block(String yaml) {
        return new Yaml().load(yaml);
    }
}
