package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.model.ModelSpec;
import io.nightshift.model.ModelSpecParser;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** The model directory a training writes: model.yaml with the registry's and the gate's keys, run details in training.yaml. */
class TrainingResultTests {

    @TempDir
    Path directory;

    private TrainingResult result;

    @BeforeEach
    void train() throws IOException {
        LocalStorage storage = new LocalStorage();
        String file = directory.resolve("train.parquet").toString();
        NonLinearData.write(storage, file, NonLinearData.rows(2_000, 3), Set.of(5, 6), Set.of(7));
        result = new Retrainer(storage).train(TrainingSpec.builder(file, NonLinearData.LABEL).features(NonLinearData.FEATURES)
                .family(TrainingSpec.Family.MLP).hidden(List.of(8)).epochs(3).seed(9).build());
    }

    @Test
    void theDirectoryHoldsTheModelItsSpecAndItsTrainingRecord() throws IOException {
        // when
        result.writeModelDirectory(directory.resolve("model"), "churn", "4");

        // then
        try (var files = Files.list(directory.resolve("model"))) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("model.onnx", "model.yaml",
                    "training.yaml");
        }
    }

    @Test
    void modelYamlCarriesTaskDataReferenceAndMetricsAsTheModelSpecParserReadsThem() {
        // when
        ModelSpec spec = ModelSpecParser.parse(result.modelYaml("churn", "4", "churn_probability"), "model.yaml", "x", "0");

        // then
        assertThat(spec.featureNames()).hasSize(8).first().isEqualTo("f0");
        assertThat(spec.features().getFirst().scale()).isNotEqualTo(1f);
        ModelSpec.Metadata metadata = spec.metadata();
        assertThat(metadata.task()).isEqualTo(ModelSpec.Task.fromYaml("binary-classification"));
        assertThat(metadata.positiveLabel()).isEqualTo("1");
        assertThat(metadata.trainingData().uri()).isEqualTo(result.data().uri());
        assertThat(metadata.trainingData().rows()).isEqualTo(2_000L);
        assertThat(metadata.trainingData().sha256()).matches("[0-9a-f]{64}").isEqualTo(result.data().sha256());
        assertThat(metadata.trainingMetrics()).containsOnlyKeys("train.log_loss", "train.roc_auc", "train.accuracy",
                "validation.log_loss", "validation.roc_auc", "validation.accuracy");
        assertThat(metadata.trainingMetrics().get("validation.roc_auc")).isEqualTo(result.validation().rocAuc());
    }

    @Test
    void trainingYamlHoldsOnlyHowTrainingRan() {
        // when
        Map<String, Object> yaml = new Yaml().load(result.trainingYaml());

        // then
        assertThat(yaml).containsOnlyKeys("training");
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainingYamlReportsTheSkippedRowsAndTheSplit() {
        // when
        Map<String, Object> training = (Map<String, Object>) new Yaml().<Map<String, Object>>load(result.trainingYaml()).get("training");

        // then
        assertThat((Map<String, Object>) training.get("skipped_rows")).containsEntry("missing_feature", 2).containsEntry("missing_label", 1)
                .containsEntry("invalid_label", 0);
        Map<String, Object> split = (Map<String, Object>) training.get("split");
        assertThat((Integer) split.get("train_rows") + (Integer) split.get("validation_rows")).isEqualTo(1_997);
        assertThat(training).containsEntry("family", "mlp").containsEntry("seed", 9);
    }
}
