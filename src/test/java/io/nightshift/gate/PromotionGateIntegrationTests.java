package io.nightshift.gate;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nightshift.NightshiftApplication;
import io.nightshift.demo.SyntheticData;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelState;
import io.nightshift.testing.InProcessCommand.Result;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code nightshift gate} end to end on the embedded database: registered versions scored on a synthetic holdout whose
 * labels come from a known logistic model, so "better", "worse", "collapsed" and "within noise" are built, not hoped
 * for; then the four-eyes approval and the stale-gate refusal. Each test uses a model name of its own in one home.
 */
class PromotionGateIntegrationTests {

    private static final int FEATURES = 12;
    private static final Pattern REPORT_LINE = Pattern.compile("^  report +(\\S+)$", Pattern.MULTILINE);

    @TempDir
    static Path workspace;
    static Path policy;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;

    @BeforeAll
    static void startWithAHoldoutAndAPolicy() throws IOException {
        System.setProperty("nightshift.home", workspace.resolve("var").toString());
        SyntheticData.write(SyntheticData.Spec.anonymous(1, 6_000, FEATURES, 20261202L), workspace.resolve("holdout"));
        policy = workspace.resolve("policy.yaml");
        Files.writeString(policy, """
                threshold: 0.5
                checks:
                  - metric: roc_auc
                    threshold: 0.70
                    min_absolute_change: 0.0
                    require_significant: true
                collapse: {max_majority_share: 0.95, min_score_std: 0.01}
                approvals_required: 1
                holdout: holdout
                label_column: churned
                """);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    @Test
    void aClearlyBetterCandidatePassesAndOnlySomeoneOtherThanItsAuthorCanApproveIt() throws IOException {
        // given
        production("better", weak());
        register("better", truth(), "alice");

        // when
        Result gate = gate("better", 2);
        Result byAuthor = nightshift("models", "approve", "better", "2", "--by", "alice", "--reason", "mine");
        Result bySecond = nightshift("models", "approve", "better", "2", "--by", "bob", "--reason", "report read");

        // then
        assertThat(gate.exitCode()).as(gate.all()).isZero();
        assertThat(gate.out()).startsWith("PENDING_APPROVAL better@2 against production better@1")
                .contains("passed  roc_auc.significant", "passed  roc_auc.threshold", "state        PENDING_APPROVAL (1 approval(s) needed");
        assertThat(gate.out()).doesNotContain("failed  ");
        assertThat(byAuthor.exitCode()).isEqualTo(2);
        assertThat(byAuthor.message()).contains("alice");
        assertThat(bySecond.exitCode()).as(bySecond.all()).isZero();
        assertThat(bySecond.out()).contains("promoted better@2: production better@1 → better@2");
        assertThat(registry.model("better").aliases()).containsEntry(ModelRegistry.PRODUCTION, 2);
    }

    @Test
    void aWorseCandidateIsRejectedNamingTheFailedCheckAndCannotBeApprovedAfterwards() throws IOException {
        // given
        production("worse", truth());
        register("worse", weak(), "alice");

        // when
        Result gate = gate("worse", 2);
        Result approval = nightshift("models", "approve", "worse", "2", "--by", "bob", "--reason", "anyway");

        // then
        assertThat(gate.exitCode()).as(gate.all()).isEqualTo(1);
        assertThat(gate.out()).startsWith("REJECTED worse@2 against production worse@1")
                .containsPattern("failed  roc_auc\\.min_absolute_change +observed -0\\.\\d+ >= 0\\.0000 \\(margin -0\\.\\d+\\), 95% CI \\[-")
                .contains("state        GATE_FAILED");
        assertThat(approval.exitCode()).isEqualTo(2);
        assertThat(registry.version("worse@2").state()).isEqualTo(ModelState.GATE_FAILED);
        assertThat(registry.model("worse").aliases()).containsEntry(ModelRegistry.PRODUCTION, 1);
    }

    @Test
    void aCollapsedModelIsRejectedByTheCollapseCheckThoughItPassesTheAucFloor() throws IOException {
        // given: the true model squeezed into scores around 0.97: its ranking (so its AUC) is intact
        float[] squeezed = truth();
        for (int i = 0; i < squeezed.length; i++) {
            squeezed[i] *= 0.001f;
        }
        register("collapsed", squeezed, 3.476f, "alice");

        // when: the first model of its name, so only absolute checks apply
        Result gate = gate("collapsed", 1);

        // then
        assertThat(gate.exitCode()).as(gate.all()).isEqualTo(1);
        assertThat(gate.out()).startsWith("REJECTED collapsed@1 against no production version (absolute checks only)")
                .contains("failed  collapse.min_score_std", "failed  collapse.max_majority_share", "passed  roc_auc.threshold");
    }

    @Test
    void anImprovementWithinNoiseIsRejectedWhenThePolicyRequiresSignificance() throws IOException {
        // given: production plus a weight so small on a feature the labels ignore that any difference is noise
        production("noise", truth());
        float[] nudged = truth();
        nudged[3] = 0.01f;
        register("noise", nudged, "alice");

        // when
        Result gate = gate("noise", 2);

        // then
        assertThat(gate.exitCode()).as(gate.all()).isEqualTo(1);
        assertThat(gate.out()).containsPattern("failed  roc_auc\\.significant +observed");
    }

    @Test
    void anApprovalAfterProductionMovedNeedsTheGateAgain() throws IOException {
        // given: two candidates passed against production 1; the first is promoted
        production("moved", weak());
        register("moved", medium(), "alice");
        register("moved", truth(), "alice");
        assertThat(gate("moved", 2).exitCode()).isZero();
        assertThat(gate("moved", 3).exitCode()).isZero();
        assertThat(nightshift("models", "approve", "moved", "2", "--by", "bob", "--reason", "first").exitCode()).isZero();

        // when
        Result stale = nightshift("models", "approve", "moved", "3", "--by", "bob", "--reason", "second");
        Result again = gate("moved", 3);
        Result approval = nightshift("models", "approve", "moved", "3", "--by", "bob", "--reason", "second, gated again");

        // then
        assertThat(stale.exitCode()).isEqualTo(2);
        assertThat(stale.message()).contains("gate");
        assertThat(again.out()).startsWith("PENDING_APPROVAL moved@3 against production moved@2");
        assertThat(approval.exitCode()).as(approval.all()).isZero();
        assertThat(registry.model("moved").aliases()).containsEntry(ModelRegistry.PRODUCTION, 3);
    }

    @Test
    void theReportIsStoredWithTheVersionAsJsonAndHtmlAndModelsShowNamesIt() throws IOException {
        // given
        production("report", weak());
        register("report", truth(), "alice");

        // when
        Result gate = gate("report", 2);
        Result show = nightshift("models", "show", "report@2");

        // then
        Matcher line = REPORT_LINE.matcher(gate.out());
        assertThat(line.find()).as(gate.out()).isTrue();
        Path stored = location(line.group(1));
        JsonNode report = new ObjectMapper().readTree(stored.resolve(Gate.REPORT_JSON).toFile());
        assertThat(report.get("decision").asText()).isEqualTo("PENDING_APPROVAL");
        assertThat(report.get("production_compared").asBoolean()).isTrue();
        assertThat(report.get("rows_evaluated").asLong()).isEqualTo(6_000);
        assertThat(report.get("checks").size()).isEqualTo(5);
        assertThat(report.at("/models/candidate/version").asText()).isEqualTo("2");
        assertThat(report.at("/models/production/version").asText()).isEqualTo("1");
        assertThat(report.get("comparisons").size()).isPositive();
        assertThat(report.get("seed").asLong()).isEqualTo(GateInputs.DEFAULT_SEED);
        assertThat(Files.readString(stored.resolve(Gate.REPORT_HTML))).contains("<html", "roc_auc");
        assertThat(show.out()).contains("report       " + line.group(1));
    }

    @Test
    void aModelWithoutAPolicyIsAConfigurationErrorNamingTheExpectedFile() throws IOException {
        // given
        register("unpoliced", truth(), "alice");

        // when
        Result gate = nightshift("gate", "unpoliced", "--candidate", "1", "--by", "alice");

        // then
        assertThat(gate.exitCode()).isEqualTo(2);
        assertThat(gate.message()).contains("no promotion policy at " + Path.of("retrain-gate", "unpoliced.yaml"), "--policy FILE");
    }

    @Test
    void aPolicyWithoutAHoldoutNeedsTheHoldoutFlag() throws IOException {
        // given
        register("holdless", truth(), "alice");
        Path bare = workspace.resolve("holdless.yaml");
        Files.writeString(bare, "checks:\n  - metric: roc_auc\n    threshold: 0.7\n");

        // when
        Result gate = nightshift("gate", "holdless", "--candidate", "1", "--policy", bare.toString(), "--by", "alice");

        // then
        assertThat(gate.exitCode()).isEqualTo(2);
        assertThat(gate.message()).contains("no holdout: pass --holdout");
    }

    @Test
    void withoutRecentTheDriftCheckComparesTheTrainingDataWithTheInputOfTheLastCompletedRunOfTheModel() throws IOException {
        // given: a version that records its training data, and a policy that checks drift
        Path holdout = workspace.resolve("holdout");
        register("drifty", truth(), -1.0f, "alice", "training-data:\n  uri: " + holdout + "\n  rows: 6000\n");
        Path driftPolicy = workspace.resolve("drifty.yaml");
        Files.writeString(driftPolicy, Files.readString(policy) + "drift: {max_feature_psi: 0.25}\n");

        // when: no run has scored the model yet, then one has
        Result before = nightshift("gate", "drifty", "--candidate", "1", "--policy", driftPolicy.toString(), "--by", "carol");
        Result run = nightshift("score", "--model", "drifty@1", "--input", holdout + "/*.parquet", "--output",
                workspace.resolve("drifty-scores").toString(), "--id-column", SyntheticData.ID_COLUMN);
        Result after = nightshift("gate", "drifty", "--candidate", "1", "--policy", driftPolicy.toString(), "--by", "carol");

        // then: first the missing recent input is named, then the run's input is the recent one (the same rows: no drift)
        assertThat(before.exitCode()).as(before.all()).isEqualTo(2);
        assertThat(before.message()).contains("a recent input (--recent URI; by default the input of the last completed run");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(after.exitCode()).as(after.all()).isZero();
        assertThat(after.out()).startsWith("PENDING_APPROVAL drifty@1").doesNotContain("failed  ");
        Matcher report = REPORT_LINE.matcher(after.out());
        assertThat(report.find()).as(after.out()).isTrue();
        String json = Files.readString(location(report.group(1)).resolve("report.json"));
        assertThat(json).contains("\"feature\" : \"f00\"").contains(holdout + "/*.parquet");
    }

    // --- fixtures ----------------------------------------------------------------------------------------------------

    private static Result gate(String name, int version) {
        return nightshift("gate", name, "--candidate", Integer.toString(version), "--policy", policy.toString(), "--by", "carol");
    }

    /** Version 1 of {@code name}, registered by alice, gated alone and approved by bob: production. */
    private static void production(String name, float[] weights) throws IOException {
        register(name, weights, "alice");
        Result gate = gate(name, 1);
        assertThat(gate.exitCode()).as(gate.all()).isZero();
        Result approval = nightshift("models", "approve", name, "1", "--by", "bob", "--reason", "first model");
        assertThat(approval.exitCode()).as(approval.all()).isZero();
    }

    private static void register(String name, float[] weights, String by) throws IOException {
        register(name, weights, -1.0f, by);
    }

    private static void register(String name, float[] weights, float bias, String by) throws IOException {
        register(name, weights, bias, by, "");
    }

    private static void register(String name, float[] weights, float bias, String by, String extraYaml) throws IOException {
        Path directory = Files.createTempDirectory(workspace, name);
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(weights, bias, "features", "score", Map.of()),
                directory.resolve("model.onnx"));
        StringBuilder yaml = new StringBuilder("name: " + name + "\ntask: binary-classification\npositive-label: 1\nfeatures:\n");
        for (int i = 0; i < FEATURES; i++) {
            yaml.append("  - f%02d\n".formatted(i));
        }
        Files.writeString(directory.resolve("model.yaml"), yaml + extraYaml);
        Result registered = nightshift("models", "register", directory.toString(), "--name", name, "--by", by);
        assertThat(registered.exitCode()).as(registered.all()).isZero();
    }

    /** The weights SyntheticData's labels are drawn with (anonymous features, intercept -1). */
    private static float[] truth() {
        float[] weights = new float[FEATURES];
        for (int column = 0; column < FEATURES; column++) {
            weights[column] = column % 4 == 3 ? 0 : (float) ((column % 2 == 0 ? 1.5 : -1.5) / Math.sqrt(column + 1));
        }
        return weights;
    }

    /** The first two features of the truth only: clearly worse, still well above chance. */
    private static float[] weak() {
        float[] weights = new float[FEATURES];
        System.arraycopy(truth(), 0, weights, 0, 2);
        return weights;
    }

    /** The first six features of the truth: between weak and the truth. */
    private static float[] medium() {
        float[] weights = new float[FEATURES];
        System.arraycopy(truth(), 0, weights, 0, 6);
        return weights;
    }

    private static Path location(String uri) {
        return uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
    }
}
