package io.nightshift.job;

import static io.nightshift.testing.InProcessCommand.nightshift;
import static org.assertj.core.api.Assertions.assertThat;

import io.nightshift.NightshiftApplication;
import io.nightshift.demo.SyntheticData;
import io.nightshift.model.onnx.OnnxModelWriter;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelState;
import io.nightshift.model.registry.ModelVersion;
import io.nightshift.model.registry.Registration;
import io.nightshift.testing.InProcessCommand.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@code kind: retrain} job through {@code nightshift run}: an MLP trained on synthetic data, registered by the job's
 * identity as the next version, and gated against the production version a person promoted; the run is listed by
 * {@code status} like a scoring run.
 */
class RetrainJobIntegrationTests {

    static final int FEATURES = 12;

    @TempDir
    static Path workspace;
    static ConfigurableApplicationContext context;
    static ModelRegistry registry;

    @BeforeAll
    static void startWithDataAPolicyAndAProductionModel() throws IOException {
        System.setProperty("nightshift.home", workspace.resolve("var").toString());
        writeWorkspace(workspace);
        context = new SpringApplicationBuilder(NightshiftApplication.class).web(WebApplicationType.NONE).run();
        registry = context.getBean(ModelRegistry.class);
    }

    /** Training data, a holdout, the policy, jobs/retrain-churn.yaml and a weak model directory at {@code weak/}. */
    static void writeWorkspace(Path directory) throws IOException {
        SyntheticData.write(SyntheticData.Spec.anonymous(2, 4_000, FEATURES, 11L), directory.resolve("train"));
        SyntheticData.write(SyntheticData.Spec.anonymous(1, 4_000, FEATURES, 12L), directory.resolve("holdout"));
        Files.writeString(directory.resolve("policy.yaml"), """
                checks:
                  - metric: roc_auc
                    threshold: 0.70
                    min_absolute_change: 0.0
                collapse: {max_majority_share: 0.95, min_score_std: 0.01}
                approvals_required: 1
                holdout: holdout/
                label_column: churned
                """);
        Files.createDirectories(directory.resolve("jobs"));
        Files.writeString(directory.resolve("jobs/retrain-churn.yaml"), """
                name: retrain-churn
                kind: retrain
                model: churn
                training: {data: ../train/, label: churned, feature-prefix: f, family: mlp, hidden: [16], epochs: 15, seed: 3}
                policy: ../policy.yaml
                """);
        Path weak = Files.createDirectories(directory.resolve("weak"));
        float[] weights = new float[FEATURES];
        weights[0] = 1.5f;
        OnnxModelWriter.write(OnnxModelWriter.logisticRegression(weights, -1.0f, "features", "score", Map.of()), weak.resolve("model.onnx"));
        StringBuilder yaml = new StringBuilder("name: churn\nfeatures:\n");
        for (int i = 0; i < FEATURES; i++) {
            yaml.append("  - f%02d\n".formatted(i));
        }
        Files.writeString(weak.resolve("model.yaml"), yaml.toString());
    }

    /** churn@1: the weak model, registered by alice, gated alone and approved by bob. */
    static void promoteWeakModel(ModelRegistry registry, Path directory) {
        registry.register(new Registration(directory.resolve("weak").toString(), "churn", List.of(), null, "alice", null));
        registry.recordGateResult("churn", 1, true, null, 1, false, null, "alice");
        registry.approve("churn", 1, "bob", "first model");
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
        System.clearProperty("nightshift.home");
    }

    @Test
    void aRetrainRunTrainsRegistersAndGatesTheCandidateAgainstProduction() {
        // given
        promoteWeakModel(registry, workspace);

        // when
        Result run = nightshift("run", workspace.resolve("jobs/retrain-churn.yaml").toString());
        Result status = nightshift("status");

        // then
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).containsPattern("run \\d+ execution \\d+: COMPLETED").contains("  registered    version 2",
                "  decision      PENDING_APPROVAL", "  report        ");
        ModelVersion candidate = registry.version("churn@2");
        assertThat(candidate.state()).isEqualTo(ModelState.PENDING_APPROVAL);
        assertThat(candidate.registeredBy()).isEqualTo("job:retrain-churn");
        assertThat(candidate.gateProductionVersion()).isEqualTo(1);
        assertThat(candidate.reportUri()).isNotNull();
        assertThat(registry.resolveVersion("churn@2").artifact().spec().metadata().trainingData().uri()).contains("train");
        assertThat(status.out()).contains("retrain-churn");
    }

    @Test
    void aRetrainSpecWithoutATrainingBlockIsAConfigurationErrorBeforeAnyRunExists() throws IOException {
        // given
        Path spec = workspace.resolve("jobs/retrain-broken.yaml");
        Files.writeString(spec, "name: retrain-broken\nkind: retrain\nmodel: churn\n");

        // when
        Result run = nightshift("run", spec.toString());

        // then
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.message()).contains("'training' is missing");
    }
}
