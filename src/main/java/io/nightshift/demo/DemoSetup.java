package io.nightshift.demo;

import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.retrain.LogisticRegressionTrainer;
import io.nightshift.retrain.TrainedLogisticRegression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prepares the demo under a directory: a realistic churn data set (4 files × 60,000 rows, row groups of 20,000,
 * a few deliberately bad rows) and a logistic regression trained on it in Java and exported as an ONNX model
 * directory whose {@code model.yaml} carries the standardisation (preprocessing travels with the model).
 * Deterministic: the same seed gives the same files and model.
 */
public final class DemoSetup {

    public static final int FILES = 4;
    public static final long ROWS_PER_FILE = 60_000;
    public static final int ROW_GROUP_ROWS = 20_000;
    public static final int BAD_ROWS_PER_FILE = 5;
    private static final long SEED = 20261125L;

    /** Where the demo's pieces are, and what training measured. */
    public record Demo(Path input, Path model, Path output, long rows, int badRows, double trainingLogLoss, long trainingMillis) {
    }

    private DemoSetup() {
    }

    public static Demo prepare(Path directory) throws IOException {
        Path input = directory.resolve("input");
        Path model = directory.resolve("model");
        Path output = directory.resolve("scores");
        SyntheticData.Spec spec = SyntheticData.Spec.named(FILES, ROWS_PER_FILE, SEED)
                .withRowGroupRows(ROW_GROUP_ROWS)
                .withBadRowsPerFile(BAD_ROWS_PER_FILE);
        List<Path> files;
        if (Files.isDirectory(input)) {
            try (var listing = Files.list(input)) {
                files = listing.filter(path -> path.toString().endsWith(".parquet")).sorted().toList();
            }
        } else {
            files = SyntheticData.write(spec, input);
        }
        long started = System.nanoTime();
        SyntheticData.Dataset training = SyntheticData.readForTraining(files, spec.featureColumns(), SyntheticData.LABEL_COLUMN);
        TrainedLogisticRegression trained = new LogisticRegressionTrainer().train(training.rowMajorFeatures(), training.labels(),
                training.width());
        long trainingMillis = (System.nanoTime() - started) / 1_000_000;
        Files.createDirectories(model);
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(trained.weights(), trained.bias(), "features", "probability",
                Map.of("trained_by", "nightshift demo", "training_rows", Long.toString(training.rows()))), model.resolve("model.onnx"));
        Files.writeString(model.resolve("model.yaml"), modelYaml(spec.featureColumns(), trained));
        return new Demo(input, model, output, FILES * ROWS_PER_FILE, FILES * BAD_ROWS_PER_FILE, trained.trainingLogLoss(), trainingMillis);
    }

    static String modelYaml(List<String> features, TrainedLogisticRegression trained) {
        StringBuilder yaml = new StringBuilder("""
                # Churn model trained by `nightshift demo` (logistic regression, Newton/IRLS in Java).
                # Preprocessing lives here, versioned with the model: each feature is standardised as (x - mean) / scale.
                name: churn
                version: "1"
                input: features
                features:
                """);
        for (int i = 0; i < features.size(); i++) {
            yaml.append(String.format(Locale.ROOT, "  - name: %s%n    mean: %.6g%n    scale: %.6g%n", features.get(i), trained.mean()[i],
                    trained.scale()[i]));
        }
        yaml.append("""
                outputs:
                  - name: probability
                    columns: [churn_probability]
                """);
        return yaml.toString();
    }
}
