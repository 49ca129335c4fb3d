package io.nightshift.gate;

import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetWriter;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Real holdouts and models for the gate's tests: Parquet rows whose label follows a known logistic model of four
 * features, and ONNX models written by {@link OnnxModelWriter}.
 */
final class GateFixtures {

    static final List<String> FEATURES = List.of("f0", "f1", "f2", "f3");
    static final float[] TRUE_WEIGHTS = {1.4f, -1.1f, 0.8f, 0.5f};
    static final float TRUE_BIAS = -0.7f;
    static final String[] REGIONS = {"north", "south", "east", "west"};
    static final MessageType SCHEMA = Types.buildMessage()
            .optional(PrimitiveTypeName.INT32).named("label")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("region")
            .optional(PrimitiveTypeName.DOUBLE).named("f0")
            .optional(PrimitiveTypeName.DOUBLE).named("f1")
            .optional(PrimitiveTypeName.DOUBLE).named("f2")
            .optional(PrimitiveTypeName.DOUBLE).named("f3")
            .named("holdout");

    private GateFixtures() {
    }

    /** What to do to particular rows of a written holdout. */
    record Defects(IntPredicate nullF1, IntPredicate nullLabel, IntPredicate labelTwo) {
        static Defects none() {
            return new Defects(row -> false, row -> false, row -> false);
        }
    }

    /** Row i: features from a seeded Gaussian (shifted by {@code shift}), label drawn from the true model. */
    static double[][] writeHoldout(Path file, int rows, long seed, double shift, Defects defects) throws IOException {
        Files.createDirectories(file.getParent());
        Random random = new Random(seed);
        double[][] features = new double[rows][FEATURES.size()];
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(new LocalStorage(), file.toString(), SCHEMA, Map.of(),
                WriterOptions.defaults())) {
            int batch = 4096;
            ColumnVector label = new ColumnVector(ColumnKind.INT32, batch);
            ColumnVector region = new ColumnVector(ColumnKind.STRING, batch);
            ColumnVector[] columns = new ColumnVector[FEATURES.size()];
            for (int f = 0; f < columns.length; f++) {
                columns[f] = new ColumnVector(ColumnKind.DOUBLE, batch);
            }
            for (int start = 0; start < rows; start += batch) {
                label.clear();
                region.clear();
                for (ColumnVector column : columns) {
                    column.clear();
                }
                int end = Math.min(rows, start + batch);
                for (int row = start; row < end; row++) {
                    double logit = TRUE_BIAS;
                    for (int f = 0; f < columns.length; f++) {
                        features[row][f] = random.nextGaussian() + shift;
                        logit += TRUE_WEIGHTS[f] * features[row][f];
                        if (f == 1 && defects.nullF1().test(row)) {
                            columns[f].appendNull();
                        } else {
                            columns[f].appendDouble(features[row][f]);
                        }
                    }
                    int value = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
                    if (defects.nullLabel().test(row)) {
                        label.appendNull();
                    } else {
                        label.appendLong(defects.labelTwo().test(row) ? 2 : value);
                    }
                    region.appendString(REGIONS[row % REGIONS.length]);
                }
                ColumnVector[] all = {label, region, columns[0], columns[1], columns[2], columns[3]};
                writer.write(all, end - start);
            }
        }
        return features;
    }

    /** A bare logistic regression with output "score" [N, 1]. */
    static Path logistic(Path directory, String name, float[] weights, float bias) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".onnx");
        OnnxModelWriter.write(
                OnnxModelWriter.logisticRegression(weights, bias, "features", "score", Map.of()), file);
        return file;
    }

    /** A bare logistic regression with outputs "probability" [N, 2] and "logit" [N, 1]. */
    static Path logisticTwoOutputs(Path directory, String name, float[] weights, float bias) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".onnx");
        OnnxModelWriter.write(
                OnnxModelWriter.logisticRegressionTwoOutputs(weights, bias, "features", Map.of()), file);
        return file;
    }

    /** A seeded perceptron 4-8-1 with output "score" [N, 1]: a poor model. */
    static Path perceptron(Path directory, String name) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".onnx");
        OnnxModelWriter.write(OnnxModelWriter.multiLayerPerceptron(
                new int[] {4, 8, 1}, 5, "features", "score", Map.of()), file);
        return file;
    }

    /** A model directory: the given ONNX file as model.onnx, and model.yaml. */
    static Path modelDirectory(Path directory, Path onnx, String modelYaml) throws IOException {
        Files.createDirectories(directory);
        Files.copy(onnx, directory.resolve("model.onnx"));
        Files.writeString(directory.resolve("model.yaml"), modelYaml);
        return directory;
    }

    static LoadedModel load(Path model, Path cache) {
        ModelArtifact artifact = new ModelResolver(new LocalStorage(), cache).resolve(model.toString());
        List<ModelSpec.FeatureSpec> features = artifact.spec().features().isEmpty()
                ? FEATURES.stream().map(ModelSpec.FeatureSpec::plain).toList()
                : artifact.spec().features();
        return LoadedModel.load(artifact, features, InferenceOptions.cpu(1));
    }

    static double sigmoid(float[] weights, float bias, double[] features) {
        double logit = bias;
        for (int f = 0; f < features.length; f++) {
            logit += weights[f] * features[f];
        }
        return 1 / (1 + Math.exp(-logit));
    }
}
