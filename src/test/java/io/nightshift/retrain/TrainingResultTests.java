package io.nightshift.retrain;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The model directory a training writes: model.yaml in today's format, the registry's keys in training.yaml. */
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
    void modelYamlKeepsOnlyTheKeysTheCurrentParserAccepts() {
        // when
        Map<String, Object> yaml = new Yaml().load(result.modelYaml("churn", "4", "churn_probability"));

        // then
        assertThat(yaml).containsOnlyKeys("name", "version", "input", "features", "outputs");
        assertThat(yaml.get("features")).asList().hasSize(8).first().asString().contains("name=f0", "mean=", "scale=");
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainingYamlCarriesTaskDataReferenceAndMetricsUnderTheRegistrysKeys() {
        // when
        Map<String, Object> yaml = new Yaml().load(result.trainingYaml());

        // then
        assertThat(yaml).containsOnlyKeys("task", "positive_label", "training_data", "training_metrics", "training");
        assertThat(yaml).containsEntry("task", "binary-classification").containsEntry("positive_label", 1);
        Map<String, Object> data = (Map<String, Object>) yaml.get("training_data");
        assertThat(data).containsOnlyKeys("uri", "rows", "sha256");
        assertThat(data.get("rows")).isEqualTo(2_000);
        assertThat((String) data.get("sha256")).matches("[0-9a-f]{64}").isEqualTo(result.data().sha256());
        Map<String, Map<String, Object>> metrics = (Map<String, Map<String, Object>>) yaml.get("training_metrics");
        assertThat(metrics).containsOnlyKeys("train", "validation");
        assertThat(metrics.get("validation")).containsOnlyKeys("log_loss", "roc_auc", "accuracy");
        assertThat((Double) metrics.get("validation").get("roc_auc")).isEqualTo(result.validation().rocAuc());
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
