package io.nightshift.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nightshift.model.LoadedModel;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.S3Storage;
import io.nightshift.testing.S3TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The holdout scorer with real ONNX models on real Parquet files: both models score exactly the same rows, a row either
 * cannot score (or with an unusable label) is left out of both and counted, and each score belongs to its row. A holdout
 * is whatever {@code Storage} lists: a file, a directory or a glob, local or on S3.
 */
class HoldoutScorerTests {

    private static final int ROWS = 1000;

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
    void aRowWithANullFeatureOrAnUnusableLabelIsLeftOutOfBothModelsAndCountedByReason() throws IOException {
        // given: f1 null in row 10, label null in row 20, label 2 in row 30
        Path holdout = directory.resolve("holdout/part-0.parquet");
        double[][] features = GateFixtures.writeHoldout(holdout, ROWS, 1, 0,
                new GateFixtures.Defects(row -> row == 10, row -> row == 20, row -> row == 30));
        LoadedModel candidate = load(GateFixtures.logisticTwoOutputs(directory.resolve("models"), "candidate",
                GateFixtures.TRUE_WEIGHTS, GateFixtures.TRUE_BIAS));
        LoadedModel production = load(GateFixtures.perceptron(directory.resolve("models"), "production"));

        // when
        HoldoutScorer.Scores scores = new HoldoutScorer(new LocalStorage())
                .score(new HoldoutScorer.Holdout(holdout.toString(), "label", List.of("region"), 64), candidate, production);

        // then
        assertThat(scores.rowsRead()).isEqualTo(ROWS);
        assertThat(scores.rows()).isEqualTo(ROWS - 3);
        assertThat(scores.candidate()).hasSize(ROWS - 3);
        assertThat(scores.production()).hasSize(ROWS - 3);
        assertThat(scores.slices().get("region")).hasSize(ROWS - 3);
        assertThat(scores.excludedByReason()).isEqualTo(Map.of("NULL_FEATURE", 1L, "NULL_LABEL", 1L, "LABEL_NOT_BINARY", 1L));
        assertThat(scores.excludedExamples()).extracting(Report.ExcludedRow::row).containsExactly(10L, 20L, 30L);
        Report.ExcludedRow nullFeature = scores.excludedExamples().getFirst();
        assertThat(nullFeature.file()).endsWith("holdout/part-0.parquet");
        assertThat(nullFeature.model()).isEqualTo("candidate");
        assertThat(nullFeature.message()).contains("'f1' is null");
        // Evaluated row 40 is holdout row 43 (three rows before it were left out); its score is the true model's.
        assertThat(scores.candidate()[40]).isCloseTo(GateFixtures.sigmoid(GateFixtures.TRUE_WEIGHTS, GateFixtures.TRUE_BIAS,
                features[43]), within(1e-5));
        assertThat(scores.slices().get("region")[40]).isEqualTo(GateFixtures.REGIONS[43 % 4]);
        assertThat(scores.candidateColumn()).isEqualTo("probability_1");
        assertThat(scores.productionColumn()).isEqualTo("score");
        assertThat(scores.candidateTiming().batches()).isEqualTo(16);
        assertThat(scores.candidateTiming().rowsPerSecond()).isPositive();
        assertThat(scores.productionTiming().p99BatchLatencyMs()).isPositive();
    }

    @Test
    void aRowOnlyProductionCannotScoreIsLeftOutOfTheCandidatesRowsToo() throws IOException {
        // given: the candidate fills a null f1, production does not
        Path holdout = directory.resolve("holdout.parquet");
        GateFixtures.writeHoldout(holdout, ROWS, 2, 0, new GateFixtures.Defects(row -> row == 5, row -> false, row -> false));
        Path onnx = GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS, GateFixtures.TRUE_BIAS);
        LoadedModel candidate = load(GateFixtures.modelDirectory(directory.resolve("candidate"), onnx, """
                name: churn
                version: "2"
                features: [f0, {name: f1, fill: 0.0}, f2, f3]
                """));
        LoadedModel production = load(GateFixtures.perceptron(directory.resolve("models"), "production"));

        // when
        HoldoutScorer.Scores scores = new HoldoutScorer(new LocalStorage())
                .score(new HoldoutScorer.Holdout(holdout.toString(), "label", List.of(), 100), candidate, production);

        // then
        assertThat(scores.rows()).isEqualTo(ROWS - 1);
        assertThat(scores.candidate()).hasSameSizeAs(scores.production());
        assertThat(scores.excludedExamples()).singleElement().satisfies(row -> {
            assertThat(row.row()).isEqualTo(5L);
            assertThat(row.model()).isEqualTo("production");
            assertThat(row.reason()).isEqualTo("NULL_FEATURE");
        });
    }

    @Test
    void aDirectoryOfFilesIsOneHoldout() throws IOException {
        // given
        GateFixtures.writeHoldout(directory.resolve("holdout/part-0.parquet"), 300, 3, 0, GateFixtures.Defects.none());
        GateFixtures.writeHoldout(directory.resolve("holdout/part-1.parquet"), 200, 4, 0, GateFixtures.Defects.none());
        LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS));

        // when
        HoldoutScorer.Scores scores = new HoldoutScorer(new LocalStorage())
                .score(new HoldoutScorer.Holdout(directory.resolve("holdout").toString(), "label", List.of(), 128), candidate, null);

        // then
        assertThat(scores.rows()).isEqualTo(500);
        assertThat(scores.files()).hasSize(2);
        assertThat(scores.production()).isNull();
        assertThat(scores.productionTiming()).isNull();
    }

    @Test
    void aHoldoutOnS3IsReadThroughAGlob() throws Exception {
        // given: two parts on an in-process S3 server, and a file beside them the glob does not match
        try (S3TestServer server = S3TestServer.start()) {
            server.createBucket("ml-gate");
            S3Storage s3 = server.storage();
            toClose.add(s3);
            for (int part = 0; part < 2; part++) {
                Path local = directory.resolve("part-" + part + ".parquet");
                GateFixtures.writeHoldout(local, 250, 10 + part, 0, GateFixtures.Defects.none());
                s3.createIfAbsent("s3://ml-gate/holdout/part-" + part + ".parquet", Files.readAllBytes(local));
            }
            s3.createIfAbsent("s3://ml-gate/holdout/README.txt", "not parquet".getBytes(StandardCharsets.UTF_8));
            LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                    GateFixtures.TRUE_BIAS));

            // when
            HoldoutScorer.Scores scores = new HoldoutScorer(s3)
                    .score(new HoldoutScorer.Holdout("s3://ml-gate/holdout/*.parquet", "label", List.of("region"), 100), candidate, null);

            // then
            assertThat(scores.rows()).isEqualTo(500);
            assertThat(scores.files()).containsExactly("s3://ml-gate/holdout/part-0.parquet", "s3://ml-gate/holdout/part-1.parquet");
        }
    }

    @Test
    void aModelWithSeveralOutputsAndNoProbabilityCannotBeEvaluated() throws IOException {
        // given: a model.yaml that renames the probability columns
        Path onnx = GateFixtures.logisticTwoOutputs(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS);
        LoadedModel candidate = load(GateFixtures.modelDirectory(directory.resolve("candidate"), onnx, """
                features: [f0, f1, f2, f3]
                outputs:
                  - name: probability
                    columns: [p_stay, p_churn]
                  - name: logit
                """));

        // then
        assertThatThrownBy(() -> HoldoutScorer.positiveClassColumn(candidate))
                .isInstanceOf(GateException.class)
                .hasMessageContaining("[p_stay, p_churn, logit]")
                .hasMessageContaining("no positive-class probability");
    }

    @Test
    void aHoldoutWithoutTheLabelColumnIsAnErrorNamingIt() throws IOException {
        // given
        Path holdout = directory.resolve("holdout.parquet");
        GateFixtures.writeHoldout(holdout, 10, 5, 0, GateFixtures.Defects.none());
        LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS));

        // then
        assertThatThrownBy(() -> new HoldoutScorer(new LocalStorage())
                .score(new HoldoutScorer.Holdout(holdout.toString(), "churned", List.of(), 10), candidate, null))
                .hasMessageContaining("column 'churned' not found");
    }

    private LoadedModel load(Path model) {
        LoadedModel loaded = GateFixtures.load(model, directory.resolve("cache"));
        toClose.add(loaded);
        return loaded;
    }
}
