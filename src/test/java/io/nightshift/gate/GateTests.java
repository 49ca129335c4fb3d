package io.nightshift.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.model.LoadedModel;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gate end to end: real ONNX models, a 20,000-row Parquet holdout, training and recent data for drift, and the
 * reports it writes. The wall time is printed (speed is reported, not asserted).
 */
class GateTests {

    private static final int ROWS = 20_000;
    private static final String POLICY = """
            threshold: 0.5
            checks:
              - metric: roc_auc
                threshold: 0.75
                min_absolute_change: 0.0
                greater_is_better: true
                require_significant: true
              - metric: brier
                min_absolute_change: 0.0
            collapse: {max_majority_share: 0.95, min_score_std: 0.01}
            calibration: {max_ece: 0.05}
            slices: {columns: [region], min_rows: 200, max_auc_drop: 0.02}
            drift: {max_feature_psi: 0.25}
            approvals_required: 1
            auto_promote: false
            """;

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
    void aBetterCandidateOnATwentyThousandRowHoldoutAwaitsApprovalWithBothReportsWritten() throws IOException {
        // given: the candidate is the true model; production has its weights off; no drift between training and recent
        Path holdout = directory.resolve("holdout/part-0.parquet");
        GateFixtures.writeHoldout(holdout, ROWS, 1, 0, new GateFixtures.Defects(row -> row % 5000 == 7, row -> false, row -> false));
        GateFixtures.writeHoldout(directory.resolve("training/part-0.parquet"), 20_000, 2, 0, GateFixtures.Defects.none());
        GateFixtures.writeHoldout(directory.resolve("recent/part-0.parquet"), 10_000, 3, 0, GateFixtures.Defects.none());
        LoadedModel candidate = load(GateFixtures.logisticTwoOutputs(directory.resolve("models"), "candidate",
                GateFixtures.TRUE_WEIGHTS, GateFixtures.TRUE_BIAS));
        LoadedModel production = load(GateFixtures.logistic(directory.resolve("models"), "production",
                new float[] {0.9f, -0.5f, 0.3f, 0.9f}, -0.4f));
        GateInputs inputs = GateInputs.of(candidate, holdout.toString(), "label", GatePolicyParser.parse(POLICY, "retrain-gate/churn.yaml"),
                        directory.resolve("report").toString())
                .withProduction(production)
                .withDriftData(directory.resolve("training").toString(), directory.resolve("recent/*.parquet").toString());

        // when
        long start = System.nanoTime();
        Gate.GateResult result = new Gate(new LocalStorage()).evaluate(inputs);
        double seconds = (System.nanoTime() - start) / 1e9;

        // then
        System.out.printf("Gate on a %,d-row holdout (two models, %d bootstrap resamples, drift of %d features): %.2f s%n", ROWS,
                inputs.bootstrapResamples(), GateFixtures.FEATURES.size(), seconds);
        assertThat(result.failedChecks()).isEmpty();
        assertThat(result.decision()).isEqualTo(Decision.PENDING_APPROVAL);
        JsonNode report = JsonMapper.builder().build().readTree(Files.readString(Path.of(URI.create(result.reportJsonUri()))));
        assertThat(report.get("decision").asString()).isEqualTo("PENDING_APPROVAL");
        assertThat(report.get("rows_read").asLong()).isEqualTo(ROWS);
        assertThat(report.get("rows_evaluated").asLong()).isEqualTo(ROWS - 4);
        assertThat(report.get("excluded").get("by_reason").get("NULL_FEATURE").asLong()).isEqualTo(4);
        assertThat(report.get("seed").asLong()).isEqualTo(GateInputs.DEFAULT_SEED);
        assertThat(report.get("models").get("candidate").get("score_column").asString()).isEqualTo("probability_1");
        assertThat(report.get("models").get("candidate").get("throughput_rows_per_second").asDouble()).isPositive();
        assertThat(report.get("drift").get("features").size()).isEqualTo(4);
        assertThat(report.get("drift").get("features").get(0).get("edges").size()).isEqualTo(9);
        assertThat(report.get("drift").get("features").get(0).get("ks_p_value").asDouble()).isBetween(0.0, 1.0);
        String html = Files.readString(Path.of(URI.create(result.reportHtmlUri())));
        assertThat(html).contains("PENDING_APPROVAL", "ROC curve", "Score histogram", "Reliability diagram", "roc_auc.significant",
                "drift.max_feature_psi[f0]", "slices.max_auc_drop[region=west]").doesNotContain("src=\"http", "href=\"http", "<script", "@import");
    }

    @Test
    void driftInTheRecentInputRejectsTheCandidateNamingTheFeatures() throws IOException {
        // given: the recent input is shifted by one standard deviation on every feature
        Path holdout = directory.resolve("holdout.parquet");
        GateFixtures.writeHoldout(holdout, 2000, 1, 0, GateFixtures.Defects.none());
        GateFixtures.writeHoldout(directory.resolve("training.parquet"), 2000, 2, 0, GateFixtures.Defects.none());
        GateFixtures.writeHoldout(directory.resolve("recent.parquet"), 2000, 3, 1.0, GateFixtures.Defects.none());
        LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS));
        GateInputs inputs = GateInputs.of(candidate, holdout.toString(), "label",
                        GatePolicyParser.parse("drift: {max_feature_psi: 0.25}\napprovals_required: 1", "drift.yaml"),
                        directory.resolve("report").toString())
                .withDriftData(directory.resolve("training.parquet").toString(), directory.resolve("recent.parquet").toString());

        // when
        Gate.GateResult result = new Gate(new LocalStorage()).evaluate(inputs);

        // then
        assertThat(result.decision()).isEqualTo(Decision.REJECTED);
        assertThat(result.failedChecks()).extracting(CheckResult::name).containsExactly("drift.max_feature_psi[f0]",
                "drift.max_feature_psi[f1]", "drift.max_feature_psi[f2]", "drift.max_feature_psi[f3]");
        assertThat(result.report().drift().features()).allSatisfy(feature -> assertThat(feature.ksPValue()).isLessThan(1e-6));
    }

    @Test
    void aPolicyThatChecksDriftNeedsTheDriftData() throws IOException {
        // given
        LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS));
        GateInputs inputs = GateInputs.of(candidate, directory.resolve("holdout.parquet").toString(), "label",
                GatePolicyParser.parse(POLICY, "retrain-gate/churn.yaml"), directory.resolve("report").toString());

        // then
        assertThatThrownBy(() -> new Gate(new LocalStorage()).evaluate(inputs))
                .isInstanceOf(GateException.class)
                .hasMessageContaining("retrain-gate/churn.yaml")
                .hasMessageContaining("drift.max_feature_psi");
    }

    @Test
    void anEvaluationNeverOverwritesAnEarlierReport() throws IOException {
        // given: one evaluation done into the report directory
        Path holdout = directory.resolve("holdout.parquet");
        GateFixtures.writeHoldout(holdout, 500, 1, 0, GateFixtures.Defects.none());
        LoadedModel candidate = load(GateFixtures.logistic(directory.resolve("models"), "candidate", GateFixtures.TRUE_WEIGHTS,
                GateFixtures.TRUE_BIAS));
        GateInputs inputs = GateInputs.of(candidate, holdout.toString(), "label",
                GatePolicyParser.parse("checks: [{metric: roc_auc, threshold: 0.6}]", "p.yaml"), directory.resolve("report").toString());
        new Gate(new LocalStorage()).evaluate(inputs);

        // then
        assertThatThrownBy(() -> new Gate(new LocalStorage()).evaluate(inputs))
                .isInstanceOf(GateException.class)
                .hasMessageContaining("exists already");
    }

    private LoadedModel load(Path model) {
        LoadedModel loaded = GateFixtures.load(model, directory.resolve("cache"));
        toClose.add(loaded);
        return loaded;
    }
}
