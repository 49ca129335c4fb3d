package io.nightshift.bench;

import io.nightshift.demo.SyntheticData;
import io.nightshift.model.onnx.OnnxModelWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark's inputs, generated deterministically (no downloads) and reused between invocations when the same
 * spec was generated before: Parquet files of id + 30 DOUBLE features (+ region, label) in row groups of
 * {@value #ROW_GROUP_ROWS} rows, Snappy; the same rows with FLOAT features (the common case for exported features,
 * half the bytes per value); and the three ONNX models.
 */
final class BenchData {

    static final int FEATURES = 30;
    static final int FILES = 8;
    static final int ROW_GROUP_ROWS = 100_000;
    static final long SEED = 20_261_125L;
    static final String ID_COLUMN = SyntheticData.ID_COLUMN;
    static final String FEATURE_PREFIX = "f";
    static final String INPUT_NAME = "features";
    static final String OUTPUT_NAME = "score";

    /** A model of the benchmark: a name for tables and its ONNX file. */
    record Model(String name, String description, Path file) {
    }

    private BenchData() {
    }

    /**
     * {@code rows} rows in {@link #FILES} files under {@code directory}, features DOUBLE or ({@code floatFeatures}) FLOAT;
     * regenerated only when the marker written after a complete generation does not match.
     */
    static Path dataset(Path directory, long rows, boolean floatFeatures) throws IOException {
        long rowsPerFile = Math.max(1, rows / FILES);
        int files = (int) Math.min(FILES, rows);
        String marker = "files=" + files + " rowsPerFile=" + rowsPerFile + " rowGroupRows=" + ROW_GROUP_ROWS + " seed=" + SEED
                + (floatFeatures ? " features=FLOAT" : "");
        Path markerFile = directory.resolve("_bench_spec");
        if (Files.exists(markerFile) && Files.readString(markerFile).equals(marker)) {
            return directory;
        }
        deleteRecursively(directory);
        Path files_ = directory.resolve("files");
        SyntheticData.Spec spec = SyntheticData.Spec.anonymous(files, rowsPerFile, FEATURES, SEED).withRowGroupRows(ROW_GROUP_ROWS);
        SyntheticData.write(floatFeatures ? spec.withFloatFeatures() : spec, files_);
        Files.writeString(markerFile, marker);
        return directory;
    }

    /** The Parquet files of a dataset made by {@link #dataset}. */
    static Path files(Path dataset) {
        return dataset.resolve("files");
    }

    /** A directory holding hard links to {@code count} files of a dataset, cycling through its files (copy-K names). */
    static Path linked(Path dataset, Path directory, int count) throws IOException {
        deleteRecursively(directory);
        Files.createDirectories(directory);
        try (var stream = Files.list(files(dataset))) {
            List<Path> sorted = stream.filter(path -> path.getFileName().toString().endsWith(".parquet")).sorted().toList();
            for (int i = 0; i < count; i++) {
                Path file = sorted.get(i % sorted.size());
                Files.createLink(directory.resolve(String.format("copy-%02d-%s", i / sorted.size(), file.getFileName())), file);
            }
        }
        return directory;
    }

    static List<Model> models(Path directory) throws IOException {
        Files.createDirectories(directory);
        SplittableRandom random = new SplittableRandom(SEED);
        float[] weights = new float[FEATURES];
        for (int i = 0; i < FEATURES; i++) {
            weights[i] = (float) random.nextGaussian() * 0.3f;
        }
        Path logistic = directory.resolve("logistic-regression.onnx");
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(weights, -1f, INPUT_NAME, OUTPUT_NAME, Map.of()), logistic);
        Path mlp = directory.resolve("mlp-30-256-256-1.onnx");
        OnnxModelWriter.write(OnnxModelWriter.multiLayerPerceptron(new int[] {FEATURES, 256, 256, 1}, SEED, INPUT_NAME,
                OUTPUT_NAME, Map.of()), mlp);
        Path heavy = directory.resolve("mlp-30-1024-1024-1024-1.onnx");
        OnnxModelWriter.write(OnnxModelWriter.multiLayerPerceptron(new int[] {FEATURES, 1024, 1024, 1024, 1}, SEED, INPUT_NAME,
                OUTPUT_NAME, Map.of()), heavy);
        return List.of(new Model("lr", "logistic regression (30 features)", logistic),
                new Model("mlp", "MLP 30-256-256-1", mlp),
                new Model("heavy", "heavy MLP 30-1024-1024-1024-1", heavy));
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path entry : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(entry);
            }
        }
    }
}
