package io.nightshift.testing;

import io.nightshift.demo.SyntheticData;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real inputs, real models and a reader of committed output, shared by the scoring tests. */
public final class ScoringFixtures {

    public static final String ID = SyntheticData.ID_COLUMN;
    public static final int FEATURES = 12;

    private ScoringFixtures() {
    }

    /** {@code files × rowsPerFile} rows of customer_id + f00..f11 (+ region, churned), Snappy, with bad rows. */
    public static List<Path> data(Path directory, int files, long rowsPerFile, int rowGroupRows, int badRowsPerFile) throws IOException {
        return data(directory, files, rowsPerFile, rowGroupRows, badRowsPerFile, 7L);
    }

    /** Like {@link #data(Path, int, long, int, int)} with other rows: same names and layout, other values. */
    public static List<Path> data(Path directory, int files, long rowsPerFile, int rowGroupRows, int badRowsPerFile, long seed)
            throws IOException {
        return SyntheticData.write(SyntheticData.Spec.anonymous(files, rowsPerFile, FEATURES, seed)
                .withRowGroupRows(rowGroupRows)
                .withBadRowsPerFile(badRowsPerFile), directory);
    }

    /** A bare ONNX logistic regression over {@code width} features with seeded weights, output "score" [N,1]. */
    public static Path logisticModel(Path directory, int width) throws IOException {
        Random random = new Random(11);
        float[] weights = new float[width];
        for (int i = 0; i < width; i++) {
            weights[i] = (float) random.nextGaussian();
        }
        Files.createDirectories(directory);
        Path model = directory.resolve("churn.onnx");
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(weights, 0.1f, "features", "score", Map.of()), model);
        return model;
    }

    /** What a committed output holds, read only through its manifest, as a consumer would. */
    public record CommittedOutput(JsonNode manifest, Map<Long, Float> scores, long duplicates, List<String> files,
            Map<Long, String> rejects) {
    }

    public static CommittedOutput read(Path output, String scoreColumn) throws IOException {
        Storage storage = new LocalStorage();
        JsonNode manifest = JsonMapper.builder().build().readTree(Files.readString(output.resolve("_manifest.json")));
        Map<Long, Float> scores = new HashMap<>();
        long duplicates = 0;
        for (JsonNode part : manifest.get("parts")) {
            String uri = output.resolve(part.get("name").asString()).toUri().toString();
            try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, List.of(ID, scoreColumn))) {
                ColumnVector[] vectors = reader.newVectors(8192);
                int rows;
                while ((rows = reader.read(vectors, 8192)) > 0) {
                    for (int row = 0; row < rows; row++) {
                        if (scores.put(vectors[0].getLong(row), (float) vectors[1].getDouble(row)) != null) {
                            duplicates++;
                        }
                    }
                    for (ColumnVector vector : vectors) {
                        vector.clear();
                    }
                }
            }
        }
        Map<Long, String> rejects = new HashMap<>();
        for (JsonNode part : manifest.get("rejectParts")) {
            String uri = output.resolve("_rejects").resolve(part.get("name").asString()).toUri().toString();
            try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, uri, List.of(ID, "reason"))) {
                ColumnVector[] vectors = reader.newVectors(1024);
                int rows;
                while ((rows = reader.read(vectors, 1024)) > 0) {
                    for (int row = 0; row < rows; row++) {
                        if (rejects.put(vectors[0].getLong(row), vectors[1].getString(row)) != null) {
                            duplicates++;
                        }
                    }
                    for (ColumnVector vector : vectors) {
                        vector.clear();
                    }
                }
            }
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(output)) {
            walk.filter(Files::isRegularFile).forEach(file -> files.add(output.relativize(file).toString()));
        }
        return new CommittedOutput(manifest, scores, duplicates, files.stream().sorted().toList(), rejects);
    }

    /** Names of the part files a manifest lists, plus the commit markers: all a completed output may hold. */
    public static List<String> expectedFiles(JsonNode manifest) {
        List<String> files = new ArrayList<>(List.of("_SUCCESS", "_manifest.json"));
        manifest.get("parts").forEach(part -> files.add(part.get("name").asString()));
        manifest.get("rejectParts").forEach(part -> files.add("_rejects/" + part.get("name").asString()));
        return files.stream().sorted().toList();
    }
}
