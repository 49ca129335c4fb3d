package io.nightshift.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.RejectReason;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * {@link ScoringProcessor} with a real ONNX logistic regression: rows with unusable features are rejected with a
 * reason and a message naming the column, fill values from model.yaml replace null/NaN, and the scores are the
 * model's, after the standardisation model.yaml asks for.
 */
class ScoringProcessorTests {

    private static final float[] WEIGHTS = {0.8f, -1.3f, 0.45f};
    private static final float BIAS = -0.2f;
    private static final List<String> FEATURES = List.of("f0", "f1", "f2");
    private static final String FILE = "file:///data/in/part-00000.parquet";
    private static final long FIRST_ROW_INDEX = 1_000;

    @TempDir
    Path directory;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    @Test
    void scoresEqualTheSigmoidOfTheLinearFunctionOfTheFeatures() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        double[][] rows = {{0, 0, 0}, {1.5, -2, 3.25}, {-4, 0.5, 10}, {100, 20, -3}};

        // when
        ScoredBatch scored = processor.process(batch(rows));

        // then
        assertThat(scored.rows()).isEqualTo(rows.length);
        assertThat(scored.rejected()).isZero();
        for (int row = 0; row < rows.length; row++) {
            assertThat((double) scored.scores()[0][row]).as("score of row %d", row)
                    .isCloseTo(sigmoid(rows[row]), within(1e-5));
        }
    }

    @Test
    void theStandardisationInModelYamlIsAppliedBeforeScoring() throws IOException {
        // given f1 standardised as (x - 2) / 4 and f2 as (x + 1) / 0.5
        ScoringProcessor processor = processor(modelDirectory("""
                name: churn
                version: "7"
                features:
                  - f0
                  - name: f1
                    mean: 2.0
                    scale: 4.0
                  - name: f2
                    mean: -1.0
                    scale: 0.5
                """));
        double[][] rows = {{1, 10, 0}, {-0.5, 2, -1}, {0.5, -2, -0.5}};

        // when
        ScoredBatch scored = processor.process(batch(rows));

        // then
        for (int row = 0; row < rows.length; row++) {
            double[] standardised = {rows[row][0], (rows[row][1] - 2) / 4, (rows[row][2] + 1) / 0.5};
            assertThat((double) scored.scores()[0][row]).as("score of row %d", row)
                    .isCloseTo(sigmoid(standardised), within(1e-5))
                    .isNotCloseTo(sigmoid(rows[row]), within(1e-3));
        }
    }

    @Test
    void aNullFeatureWithoutFillRejectsTheRowNamingTheColumn() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{1, 2, 3}, {1, 2, 3}, {4, 5, 6}});
        batch.columns()[2].setNull(1);

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 1, RejectReason.NULL_FEATURE, "f1");
    }

    @Test
    void aNanFeatureWithoutFillRejectsTheRowNamingTheColumn() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{1, 2, 3}, {1, 2, Double.NaN}, {4, 5, 6}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 1, RejectReason.NAN_FEATURE, "f2");
    }

    @Test
    void positiveInfinityRejectsTheRowAsInfinite() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{Double.POSITIVE_INFINITY, 2, 3}, {1, 2, 3}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 0, RejectReason.INFINITE_FEATURE, "f0");
    }

    @Test
    void negativeInfinityRejectsTheRowAsInfinite() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{1, 2, 3}, {1, Double.NEGATIVE_INFINITY, 3}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 1, RejectReason.INFINITE_FEATURE, "f1");
    }

    @Test
    void aFeatureBeyondFloatRangeRejectsTheRowAsOutOfRange() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{1, 2, 3}, {1, 2, 1e39}, {1, 2, 3}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 1, RejectReason.OUT_OF_RANGE_FEATURE, "f2");
    }

    @Test
    void aFeatureBelowNegativeFloatRangeRejectsTheRowAsOutOfRange() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        RowBatch batch = batch(new double[][] {{-3.5e38, 2, 3}, {1, 2, 3}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 0, RejectReason.OUT_OF_RANGE_FEATURE, "f0");
    }

    @Test
    void aNullFeatureWithAFillInModelYamlIsScoredWithTheFillValue() throws IOException {
        // given
        ScoringProcessor processor = processor(modelDirectory("""
                features:
                  - f0
                  - f1
                  - name: f2
                    fill: 0.5
                """));
        RowBatch batch = batch(new double[][] {{1, 2, 99}, {1, 2, Double.NaN}});
        batch.columns()[3].setNull(0);

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertThat(scored.rejected()).isZero();
        assertThat(scored.rows()).isEqualTo(2);
        double expected = sigmoid(new double[] {1, 2, 0.5});
        assertThat((double) scored.scores()[0][0]).as("null filled").isCloseTo(expected, within(1e-5));
        assertThat((double) scored.scores()[0][1]).as("NaN filled").isCloseTo(expected, within(1e-5));
    }

    @Test
    void aFillIsGivenInRawUnitsAndStandardisedLikeAnyValue() throws IOException {
        // given
        ScoringProcessor processor = processor(modelDirectory("""
                features:
                  - f0
                  - f1
                  - name: f2
                    mean: 10
                    scale: 5
                    fill: 20
                """));
        RowBatch batch = batch(new double[][] {{1, 2, 0}});
        batch.columns()[3].setNull(0);

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertThat((double) scored.scores()[0][0]).isCloseTo(sigmoid(new double[] {1, 2, (20 - 10) / 5.0}), within(1e-5));
    }

    @Test
    void aFillDoesNotHideAnInfiniteFeature() throws IOException {
        // given
        ScoringProcessor processor = processor(modelDirectory("""
                features:
                  - f0
                  - f1
                  - name: f2
                    fill: 0.5
                """));
        RowBatch batch = batch(new double[][] {{1, 2, Double.POSITIVE_INFINITY}});

        // when
        ScoredBatch scored = processor.process(batch);

        // then
        assertRejected(scored, 0, RejectReason.INFINITE_FEATURE, "f2");
    }

    @Test
    void rejectedRowsLeaveTheScoredRowsAlignedWithTheirIds() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());
        double[][] rows = {{1, 1, 1}, {Double.NaN, 0, 0}, {2, 2, 2}, {0, Double.POSITIVE_INFINITY, 0}, {3, 3, 3}};

        // when
        ScoredBatch scored = processor.process(batch(rows));

        // then
        assertThat(scored.rows()).isEqualTo(3);
        ColumnVector ids = scored.copiedColumns()[0];
        assertThat(List.of(ids.getLong(0), ids.getLong(1), ids.getLong(2))).containsExactly(500L, 502L, 504L);
        assertThat((double) scored.scores()[0][1]).isCloseTo(sigmoid(rows[2]), within(1e-5));
        assertThat(scored.rejects().rowIndexes()).startsWith(FIRST_ROW_INDEX + 1, FIRST_ROW_INDEX + 3);
        assertThat(List.of(scored.rejects().ids().getLong(0), scored.rejects().ids().getLong(1))).containsExactly(501L, 503L);
    }

    @Test
    void aBatchWhoseRowsAreAllRejectedYieldsNoScores() throws IOException {
        // given
        ScoringProcessor processor = processor(bareModel());

        // when
        ScoredBatch scored = processor.process(batch(new double[][] {{Double.NaN, 0, 0}, {0, 0, Double.NEGATIVE_INFINITY}}));

        // then
        assertThat(scored.rows()).isZero();
        assertThat(scored.rejected()).isEqualTo(2);
        assertThat(scored.scores()).hasDimensions(1, 0);
        assertThat(scored.copiedColumns()[0].size()).isZero();
    }

    private void assertRejected(ScoredBatch scored, int row, RejectReason reason, String column) {
        assertThat(scored.rejected()).isEqualTo(1);
        assertThat(scored.rejects().reasons()[0]).isEqualTo(reason);
        assertThat(scored.rejects().messages()[0]).contains("'" + column + "'");
        assertThat(scored.rejects().rowIndexes()[0]).isEqualTo(FIRST_ROW_INDEX + row);
        assertThat(scored.rejects().ids().getLong(0)).isEqualTo(500L + row);
        assertThat(scored.rejects().fileUri()).isEqualTo(FILE);
    }

    private static double sigmoid(double[] features) {
        double logit = BIAS;
        for (int i = 0; i < features.length; i++) {
            logit += WEIGHTS[i] * features[i];
        }
        return 1 / (1 + Math.exp(-logit));
    }

    /** A bare .onnx file: the features come from the plan, with no preprocessing. */
    private ModelArtifact bareModel() throws IOException {
        Path file = directory.resolve("bare").resolve("churn.onnx");
        Files.createDirectories(file.getParent());
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()), file);
        return new ModelResolver(new LocalStorage(), directory.resolve("cache")).resolve(file.toString());
    }

    /** A model directory: model.onnx and the given model.yaml. */
    private ModelArtifact modelDirectory(String modelYaml) throws IOException {
        Path model = directory.resolve("model");
        Files.createDirectories(model);
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(WEIGHTS, BIAS, "features", "score", Map.of()),
                model.resolve("model.onnx"));
        Files.writeString(model.resolve("model.yaml"), modelYaml);
        return new ModelResolver(new LocalStorage(), directory.resolve("cache")).resolve(model.toString());
    }

    private ScoringProcessor processor(ModelArtifact artifact) {
        List<ModelSpec.FeatureSpec> features = artifact.spec().features().isEmpty()
                ? FEATURES.stream().map(ModelSpec.FeatureSpec::plain).toList()
                : artifact.spec().features();
        assertThat(features).extracting(ModelSpec.FeatureSpec::name).isEqualTo(FEATURES);
        LoadedModel model = LoadedModel.load(artifact, features, InferenceOptions.cpu(1));
        toClose.add(model);
        List<ScoringPlan.PlannedColumn> columns = new ArrayList<>();
        columns.add(new ScoringPlan.PlannedColumn("customer_id", "INT64", "required int64"));
        FEATURES.forEach(name -> columns.add(new ScoringPlan.PlannedColumn(name, "DOUBLE", "optional double")));
        ScoringSettings settings = new ScoringSettings(artifact.location(), "in", "out", null, "customer_id", List.of(), null,
                List.of(), 64, 64, 1, 1.0, false, "cpu");
        ScoringPlan plan = new ScoringPlan("run-key-1", settings, "file:///out/", "file:///out/_rejects/",
                new ScoringPlan.PlannedModel(artifact.location(), artifact.name(), artifact.version(), artifact.sha256()),
                columns, 1, model.outputColumns(), List.of(), List.of(), 0);
        ScoringProcessor processor = new ScoringProcessor(model, plan);
        processor.open(new ExecutionContext());
        toClose.add(processor::close);
        return processor;
    }

    /** Rows with ids 500, 501… at row indexes 1000, 1001… of {@link #FILE}. */
    private static RowBatch batch(double[][] rows) {
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, rows.length);
        ColumnVector[] features = new ColumnVector[FEATURES.size()];
        for (int feature = 0; feature < features.length; feature++) {
            features[feature] = new ColumnVector(ColumnKind.DOUBLE, rows.length);
        }
        for (int row = 0; row < rows.length; row++) {
            ids.appendLong(500L + row);
            for (int feature = 0; feature < features.length; feature++) {
                features[feature].appendDouble(rows[row][feature]);
            }
        }
        ColumnVector[] columns = new ColumnVector[1 + features.length];
        columns[0] = ids;
        System.arraycopy(features, 0, columns, 1, features.length);
        return new RowBatch(0, FILE, FIRST_ROW_INDEX, rows.length, columns);
    }
}
