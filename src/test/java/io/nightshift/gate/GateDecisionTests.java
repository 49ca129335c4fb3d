package io.nightshift.gate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decisions on scored rows (no model files needed): the rows follow a true probability {@code p = sigmoid(2.5 z)}; a
 * model that scores {@code p} is calibrated and as good as possible, one that sees {@code z} through noise is worse.
 */
class GateDecisionTests {

    private static final int ROWS = 4000;
    private static final long SEED = 42;
    private static final String POLICY = """
            checks:
              - metric: roc_auc
                threshold: 0.70
                min_absolute_change: 0.0
                require_significant: true
              - metric: log_loss
                min_relative_change: -0.05
            collapse: {max_majority_share: 0.95, min_score_std: 0.01}
            calibration: {max_ece: 0.05}
            slices: {columns: [region], min_rows: 200, max_auc_drop: 0.02}
            approvals_required: 1
            """;

    private final Random random = new Random(SEED);
    private final double[] latent = new double[ROWS];
    private final boolean[] labels = new boolean[ROWS];
    private final double[] truth = new double[ROWS];
    private final String[] regions = new String[ROWS];

    GateDecisionTests() {
        String[] names = {"north", "south", "east", "west"};
        for (int i = 0; i < ROWS; i++) {
            latent[i] = random.nextGaussian();
            truth[i] = sigmoid(2.5 * latent[i]);
            labels[i] = random.nextDouble() < truth[i];
            regions[i] = names[i % names.length];
        }
    }

    @Test
    void aClearlyBetterCandidatePassesEveryCheckAndAwaitsApproval() {
        // given
        HoldoutScorer.Scores scores = scores(truth, noisy(1.0));

        // when
        Report report = evaluate(POLICY, scores);

        // then
        assertThat(report.checks()).allSatisfy(check -> assertThat(check.passed()).as(check.name() + ": " + check.detail()).isTrue());
        assertThat(report.decision()).isEqualTo(Decision.PENDING_APPROVAL);
        assertThat(report.checks()).extracting(CheckResult::name).contains("roc_auc.threshold", "roc_auc.min_absolute_change",
                "roc_auc.significant", "log_loss.min_relative_change", "collapse.max_majority_share", "collapse.min_score_std",
                "calibration.max_ece", "slices.max_auc_drop[region=west]");
        CheckResult significant = check(report, "roc_auc.significant");
        assertThat(significant.ciLow()).isPositive();
        assertThat(significant.margin()).isPositive();
    }

    @Test
    void aWorseCandidateIsRejectedNamingTheFailedChecksWithValuesLimitsAndIntervals() {
        // given
        HoldoutScorer.Scores scores = scores(noisy(1.0), truth);

        // when
        Report report = evaluate(POLICY, scores);

        // then
        assertThat(report.decision()).isEqualTo(Decision.REJECTED);
        CheckResult change = check(report, "roc_auc.min_absolute_change");
        assertThat(change.passed()).isFalse();
        assertThat(change.observed()).isNegative();
        assertThat(change.limit()).isZero();
        assertThat(change.ciLow()).isLessThan(change.ciHigh()).isNegative();
        assertThat(check(report, "roc_auc.significant").passed()).isFalse();
        assertThat(check(report, "roc_auc.threshold").passed()).isTrue();
    }

    @Test
    void aCollapsedModelIsRejectedByTheCollapseCheckThoughItPassesTheAucFloor() {
        // given: every score about 0.97, in the true order (so its ROC AUC is the best possible)
        double[] collapsed = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            collapsed[i] = 0.97 + 0.002 * (truth[i] - 0.5);
        }
        String policy = """
                checks: [{metric: roc_auc, threshold: 0.75}]
                collapse: {max_majority_share: 0.95, min_score_std: 0.01}
                approvals_required: 1
                """;

        // when
        Report report = evaluate(policy, scores(collapsed, null));

        // then
        assertThat(check(report, "roc_auc.threshold").passed()).isTrue();
        assertThat(report.decision()).isEqualTo(Decision.REJECTED);
        assertThat(failed(report)).containsExactlyInAnyOrder("collapse.max_majority_share", "collapse.min_score_std");
        assertThat(check(report, "collapse.max_majority_share").observed()).isEqualTo(1.0);
        assertThat(report.collapse().get("candidate").modeShare()).isEqualTo(1.0);
    }

    @Test
    void anImprovementWithinNoiseIsRejectedWhenSignificanceIsRequired() {
        // given: two equally noisy views of the same rows; the candidate is the one that happens to rank these rows better
        double[] first = noisy(0.8);
        double[] second = noisy(0.8);
        boolean firstBetter = new BinaryMetrics(labels, first, 0.5).all().rocAuc() > new BinaryMetrics(labels, second, 0.5).all().rocAuc();
        double[] candidate = firstBetter ? first : second;
        double[] production = firstBetter ? second : first;
        String policy = """
                checks: [{metric: roc_auc, threshold: 0.7, min_absolute_change: 0.0, require_significant: true}]
                approvals_required: 1
                """;
        HoldoutScorer.Scores scores = scores(candidate, production);
        Report unchecked = evaluate(policy.replace(", require_significant: true", ""), scores);
        double difference = check(unchecked, "roc_auc.min_absolute_change").observed();

        // when
        Report report = evaluate(policy, scores);

        // then: the candidate is better on these rows, but not beyond what resampling them gives
        assertThat(difference).isPositive();
        assertThat(unchecked.decision()).isEqualTo(Decision.PENDING_APPROVAL);
        assertThat(report.decision()).isEqualTo(Decision.REJECTED);
        assertThat(failed(report)).containsExactly("roc_auc.significant");
        CheckResult significant = check(report, "roc_auc.significant");
        assertThat(significant.ciLow()).isNegative();
        assertThat(significant.ciHigh()).isPositive();
        assertThat(significant.detail()).contains("within noise");
    }

    @Test
    void withoutProductionOnlyAbsoluteChecksApplyAndTheReportSaysSo() {
        // when
        Report report = evaluate(POLICY, scores(truth, null));

        // then
        assertThat(report.productionCompared()).isFalse();
        assertThat(report.notes()).anySatisfy(note -> assertThat(note).startsWith("No production model"));
        assertThat(report.checks()).extracting(CheckResult::name).containsExactly("roc_auc.threshold", "collapse.max_majority_share",
                "collapse.min_score_std", "calibration.max_ece");
        assertThat(report.skippedChecks()).extracting(SkippedCheck::name).containsExactly("roc_auc.min_absolute_change",
                "roc_auc.significant", "log_loss.min_relative_change", "slices.max_auc_drop");
        assertThat(report.comparisons()).isEmpty();
        assertThat(report.models().production()).isNull();
        assertThat(report.slices().evaluated()).hasSize(4);
        assertThat(report.decision()).isEqualTo(Decision.PENDING_APPROVAL);
    }

    @Test
    void aSliceWhereTheCandidateIsMuchWorseRejectsItNamingTheSlice() {
        // given: better overall, but guessing in the west
        double[] candidate = truth.clone();
        for (int i = 0; i < ROWS; i++) {
            if (regions[i].equals("west")) {
                candidate[i] = random.nextDouble();
            }
        }

        // when
        Report report = evaluate(POLICY.replace("calibration: {max_ece: 0.05}\n", ""), scores(candidate, noisy(1.5)));

        // then
        assertThat(report.decision()).isEqualTo(Decision.REJECTED);
        assertThat(failed(report)).containsExactly("slices.max_auc_drop[region=west]");
        assertThat(check(report, "slices.max_auc_drop[region=west]").limit()).isEqualTo(-0.02);
    }

    @Test
    void slicesBelowMinRowsAreListedAsTooSmall() {
        // when
        Report report = evaluate(POLICY.replace("min_rows: 200", "min_rows: 1001"), scores(truth, noisy(1.0)));

        // then
        assertThat(report.slices().evaluated()).isEmpty();
        assertThat(report.slices().tooSmall()).extracting(Report.SmallSlice::value).containsExactly("east", "north", "south", "west");
    }

    @Test
    void aPolicyWithAutoPromoteAndNoApprovalsMakesAPassingCandidateAutoPromote() {
        // when
        Report report = evaluate(POLICY.replace("approvals_required: 1", "approvals_required: 0\nauto_promote: true"),
                scores(truth, noisy(1.0)));

        // then
        assertThat(report.decision()).isEqualTo(Decision.AUTO_PROMOTE);
    }

    @Test
    void reportJsonHasTheDocumentedFields() {
        // given
        Report report = evaluate(POLICY, scores(truth, noisy(1.0)));

        // when
        JsonNode json = JsonMapper.builder().build().readTree(ReportJson.write(report));

        // then
        assertThat(json.get("decision").asString()).isEqualTo("PENDING_APPROVAL");
        assertThat(json.get("seed").asLong()).isEqualTo(SEED);
        assertThat(json.get("bootstrap_resamples").asInt()).isEqualTo(1000);
        assertThat(json.get("rows_evaluated").asLong()).isEqualTo(ROWS);
        JsonNode check = json.get("checks").get(0);
        assertThat(check.has("name") && check.has("passed") && check.has("observed") && check.has("limit")).isTrue();
        for (String model : List.of("candidate", "production")) {
            JsonNode metrics = json.get("models").get(model).get("metrics");
            assertThat(metrics.propertyNames()).containsExactly("roc_auc", "pr_auc", "log_loss", "brier", "accuracy", "precision",
                    "recall", "f1", "ece");
        }
        JsonNode comparison = json.get("comparisons").get(0);
        assertThat(comparison.get("metric").asString()).isEqualTo("roc_auc");
        assertThat(comparison.has("difference") && comparison.has("ci_low") && comparison.has("ci_high")).isTrue();
        assertThat(json.get("score_psi").get("edges").size()).isEqualTo(9);
        assertThat(json.get("collapse").get("candidate").has("majority_share")).isTrue();
        assertThat(json.get("slices").get("evaluated").size()).isEqualTo(4);
        assertThat(json.has("drift")).isTrue();
        assertThat(json.get("excluded").get("total").asLong()).isZero();
    }

    private Report evaluate(String policyText, HoldoutScorer.Scores scores) {
        GatePolicy policy = GatePolicyParser.parse(policyText, "test-policy.yaml");
        Gate.ModelIdentity candidate = new Gate.ModelIdentity("churn", "2", "ab".repeat(32), "score", scores.candidateTiming());
        Gate.ModelIdentity production = scores.production() == null ? null
                : new Gate.ModelIdentity("churn", "1", "cd".repeat(32), "score", scores.productionTiming());
        return Gate.evidence(scores, policy, null, SEED, 1000, 2, candidate, production).report();
    }

    private HoldoutScorer.Scores scores(double[] candidate, double[] production) {
        HoldoutScorer.Timing timing = new HoldoutScorer.Timing(ROWS, 4, 1e6, 1.0);
        Map<String, String[]> slices = new HashMap<>();
        slices.put("region", regions);
        return new HoldoutScorer.Scores(labels, candidate, production, slices, ROWS, new TreeMap<>(), List.of(), timing,
                production == null ? null : timing, "score", production == null ? null : "score", List.of("file:///holdout.parquet"));
    }

    /** A model that sees the latent variable through Gaussian noise of this standard deviation. */
    private double[] noisy(double noise) {
        double[] scores = new double[ROWS];
        for (int i = 0; i < ROWS; i++) {
            scores[i] = sigmoid(2.5 * (latent[i] + noise * random.nextGaussian()) / Math.sqrt(1 + noise * noise));
        }
        return scores;
    }

    private static CheckResult check(Report report, String name) {
        return report.checks().stream().filter(check -> check.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check " + name + " in " + report.checks()));
    }

    private static List<String> failed(Report report) {
        return report.checks().stream().filter(check -> !check.passed()).map(CheckResult::name).toList();
    }

    private static double sigmoid(double value) {
        return 1 / (1 + Math.exp(-value));
    }
}
