package io.nightshift.testing;

import io.nightshift.model.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Model directories for the registry tests: one per seed, so each seed is a different version's bytes. */
public final class RegistryFixtures {

    private RegistryFixtures() {
    }

    /**
     * A model directory: model.onnx, a logistic regression over f00..f11 ({@link ScoringFixtures#data}'s features) with
     * weights drawn from {@code seed}, output "score"; model.yaml naming the features and the task.
     */
    public static Path modelDirectory(Path directory, long seed) throws IOException {
        Random random = new Random(seed);
        float[] weights = new float[ScoringFixtures.FEATURES];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        Files.createDirectories(directory);
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(weights, 0.1f, "features", "score", Map.of()),
                directory.resolve("model.onnx"));
        StringBuilder yaml = new StringBuilder("name: churn\ntask: binary-classification\npositive-label: 1\nfeatures:\n");
        for (int i = 0; i < ScoringFixtures.FEATURES; i++) {
            yaml.append("  - f%02d\n".formatted(i));
        }
        Files.writeString(directory.resolve("model.yaml"), yaml.toString());
        return directory;
    }
}
