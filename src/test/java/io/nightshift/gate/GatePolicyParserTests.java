package io.nightshift.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.NightshiftException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policies are validated on load: every mistake is an error naming the file, the field and what is allowed. */
class GatePolicyParserTests {

    private static final String SOURCE = "retrain-gate/churn.yaml";
    private static final String FULL = """
            threshold: 0.4
            checks:
              - metric: roc_auc
                threshold: 0.80
                min_absolute_change: 0.0
                min_relative_change: 0.0
                greater_is_better: true
                require_significant: true
              - metric: log_loss
                threshold: 0.6
                greater_is_better: false
            collapse: {max_majority_share: 0.95, min_score_std: 0.01}
            calibration: {max_ece: 0.05}
            slices: {columns: [region], min_rows: 200, max_auc_drop: 0.02}
            drift: {max_feature_psi: 0.25}
            approvals_required: 1
            auto_promote: false
            """;

    @TempDir
    Path directory;

    @Test
    void aFullPolicyIsReadFieldByField() {
        // when
        GatePolicy policy = GatePolicyParser.parse(FULL, SOURCE);

        // then
        assertThat(policy.threshold()).isEqualTo(0.4);
        assertThat(policy.checks()).containsExactly(
                new GatePolicy.MetricCheck(Metric.ROC_AUC, 0.80, 0.0, 0.0, true, true),
                new GatePolicy.MetricCheck(Metric.LOG_LOSS, 0.6, null, null, false, false));
        assertThat(policy.collapse()).isEqualTo(new GatePolicy.Collapse(0.95, 0.01));
        assertThat(policy.calibration()).isEqualTo(new GatePolicy.Calibration(0.05));
        assertThat(policy.slices()).isEqualTo(new GatePolicy.Slices(List.of("region"), 200, 0.02));
        assertThat(policy.drift()).isEqualTo(new GatePolicy.Drift(0.25));
        assertThat(policy.approvalsRequired()).isEqualTo(1);
        assertThat(policy.autoPromote()).isFalse();
        assertThat(policy.source()).isEqualTo(SOURCE);
    }

    @Test
    void leftOutFieldsTakeTheirDefaults() {
        // when
        GatePolicy policy = GatePolicyParser.parse("checks: [{metric: brier, threshold: 0.2}]", SOURCE);

        // then
        assertThat(policy.threshold()).isEqualTo(0.5);
        assertThat(policy.checks().getFirst().greaterIsBetter()).isFalse();
        assertThat(policy.checks().getFirst().requireSignificant()).isFalse();
        assertThat(policy.approvalsRequired()).isEqualTo(1);
        assertThat(policy.collapse()).isNull();
        assertThat(policy.sliceColumns()).isEmpty();
    }

    @Test
    void anUnknownFieldIsAnErrorThatSuggestsTheFieldMeant() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("approvals_required", "aprovals_required"), SOURCE))
                .isInstanceOf(GateException.class)
                .hasMessageContaining("Cannot read gate policy " + SOURCE)
                .hasMessageContaining("unknown field 'aprovals_required'; did you mean 'approvals_required'?")
                .hasMessageContaining("auto_promote");
    }

    @Test
    void anUnknownFieldInsideABlockIsNamedWithItsBlock() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("max_ece", "max_eec"), SOURCE))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("unknown field 'calibration.max_eec'; did you mean 'calibration.max_ece'?");
    }

    @Test
    void anUnknownMetricNamesTheCheckAndListsTheMetrics() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("metric: roc_auc", "metric: rocauc"), SOURCE))
                .isInstanceOf(GateException.class)
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'checks[0].metric' is 'rocauc', which is not a metric; did you mean 'roc_auc'?")
                .hasMessageContaining("[roc_auc, pr_auc, log_loss, brier, accuracy, precision, recall, f1, ece]");
    }

    @Test
    void autoPromoteWithApprovalsRequiredIsAContradiction() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("auto_promote: false", "auto_promote: true"), SOURCE))
                .isInstanceOf(GateException.class)
                .satisfies(error -> assertThat(((NightshiftException) error).disposition()).isEqualTo(NightshiftException.Disposition.CONFIGURATION))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'auto_promote' is true but 'approvals_required' is 1");
    }

    @Test
    void negativeApprovalsAreRefused() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("approvals_required: 1", "approvals_required: -1"), SOURCE))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'approvals_required' is -1; allowed: a whole number of at least 0");
    }

    @Test
    void aMaximumCalibrationErrorOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("max_ece: 0.05", "max_ece: 1.5"), SOURCE))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'calibration.max_ece' is 1.5; allowed: a number in [0, 1]");
    }

    @Test
    void aNumberThatIsNotANumberNamesTheField() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("threshold: 0.80", "threshold: high"), SOURCE))
                .hasMessageContaining(SOURCE)
                .hasMessageContaining("'checks[0].threshold' must be a number in [0, 1], was 'high'");
    }

    @Test
    void greaterIsBetterAgainstTheMetricsDirectionIsRefused() {
        assertThatThrownBy(() -> GatePolicyParser.parse(FULL.replace("greater_is_better: false", "greater_is_better: true"), SOURCE))
                .hasMessageContaining("'checks[1].greater_is_better' is true but for log_loss lower is better");
    }

    @Test
    void aCheckThatChecksNothingIsRefused() {
        assertThatThrownBy(() -> GatePolicyParser.parse("checks: [{metric: f1}]", SOURCE))
                .hasMessageContaining("'checks[0]' (f1) checks nothing");
    }

    @Test
    void theSameMetricCheckedTwiceIsRefused() {
        assertThatThrownBy(() -> GatePolicyParser.parse("checks: [{metric: f1, threshold: 0.5}, {metric: f1, threshold: 0.6}]", SOURCE))
                .hasMessageContaining("'checks[1].metric' checks f1 a second time");
    }

    @Test
    void aPolicyIsFoundByModelNameInItsDirectory() throws IOException {
        // given
        Files.writeString(directory.resolve("churn.yaml"), FULL);

        // when
        GatePolicy policy = GatePolicyParser.forModel(directory, "churn");

        // then
        assertThat(policy.source()).isEqualTo(directory.resolve("churn.yaml").toString());
        assertThatThrownBy(() -> GatePolicyParser.forModel(directory, "fraud"))
                .hasMessageContaining("fraud.yaml: no such file");
    }

    @Test
    void theExamplePoliciesInRetrainGateAreValid() throws IOException {
        try (var files = Files.list(Path.of("retrain-gate"))) {
            List<Path> policies = files.filter(file -> file.toString().endsWith(".yaml")).toList();
            assertThat(policies).isNotEmpty();
            policies.forEach(GatePolicyParser::read);
        }
    }

    @Test
    void aRelativeHoldoutIsResolvedAgainstThePolicyFilesDirectoryAndTheLabelColumnKept() throws IOException {
        // given
        Path file = Files.createDirectories(directory.resolve("policies")).resolve("churn.yaml");
        Files.writeString(file, "checks: [{metric: roc_auc, threshold: 0.7}]\nholdout: ../data/holdout\nlabel_column: churned\n");

        // when
        GatePolicy policy = GatePolicyParser.read(file);
        GatePolicy remote = GatePolicyParser.parse("checks: [{metric: roc_auc, threshold: 0.7}]\nholdout: s3://b/holdout/\n", "text");

        // then
        assertThat(policy.holdout()).isEqualTo(directory.resolve("data/holdout").toAbsolutePath().toString());
        assertThat(policy.labelColumn()).isEqualTo("churned");
        assertThat(remote.holdout()).isEqualTo("s3://b/holdout/");
        assertThat(remote.labelColumn()).isNull();
    }
}
