package io.nightshift.demo;

import static java.util.Objects.requireNonNull;

import io.nightshift.NightshiftException;
import io.nightshift.gate.PromotionGate;
import io.nightshift.model.ModelCache;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelVersion;
import io.nightshift.model.registry.Registration;
import io.nightshift.retrain.Retrainer;
import io.nightshift.retrain.TrainingResult;
import io.nightshift.retrain.TrainingSpec;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The demo's second act: the demo's model goes into the registry as production (registered by one demo user, gated,
 * approved by another), a candidate is trained on a newer sample, gated against production, refused to its author and
 * approved by the second user. Safe to run again in one home: the demo's model is registered once, and each act trains
 * its candidate with a seed of its own (a new version), gated against whatever production is by then.
 */
public final class RetrainAct {

    public static final String MODEL = "demo-churn";
    public static final String AUTHOR = "demo-alice";
    public static final String APPROVER = "demo-bob";
    private static final long HOLDOUT_SEED = 20261202L;
    private static final long NEWER_SEED = 20261203L;
    private static final long HOLDOUT_ROWS = 20_000;
    private static final long NEWER_ROWS = 40_000;
    private static final String POLICY = """
            # The demo's promotion policy (format: retrain-gate/README.md).
            checks:
              - metric: roc_auc
                threshold: 0.75
                min_absolute_change: -0.01   # at most 0.01 below production
              - metric: log_loss
                threshold: 0.60
            collapse: {max_majority_share: 0.97, min_score_std: 0.02}
            calibration: {max_ece: 0.10}
            slices: {columns: [region], min_rows: 500}
            approvals_required: 1
            holdout: holdout/
            label_column: churned
            """;

    private final ModelRegistry registry;
    private final PromotionGate gate;
    private final Storage storage;

    public RetrainAct(ModelRegistry registry, PromotionGate gate, Storage storage) {
        this.registry = requireNonNull(registry, "registry is null");
        this.gate = requireNonNull(gate, "gate is null");
        this.storage = requireNonNull(storage, "storage is null");
    }

    /**
     * What the act did.
     *
     * @param productionSetUp  true when this act put the demo's model into production (the first act in a home)
     * @param authorRefusal    why the candidate's author could not approve it; null when the gate rejected it
     * @param approval         the second user's approval; null when the gate rejected the candidate
     */
    public record Outcome(ModelVersion production, boolean productionSetUp, ModelVersion candidate, long trainingRows,
            long trainingMillis, PromotionGate.Outcome gated, String authorRefusal, ModelRegistry.Approval approval, long millis) {
    }

    public Outcome run(Path demoModel, Path directory) throws IOException {
        long started = System.nanoTime();
        Path act = Files.createDirectories(directory.resolve("retrain"));
        Path holdout = act.resolve("holdout");
        if (!Files.isDirectory(holdout)) {
            SyntheticData.write(SyntheticData.Spec.named(1, HOLDOUT_ROWS, HOLDOUT_SEED), holdout);
        }
        Path newer = act.resolve("newer");
        if (!Files.isDirectory(newer)) {
            SyntheticData.write(SyntheticData.Spec.named(2, NEWER_ROWS / 2, NEWER_SEED), newer);
        }
        Path policy = act.resolve(MODEL + ".yaml");
        Files.writeString(policy, POLICY);

        boolean setUp = production().isEmpty();
        if (setUp) {
            ModelVersion first = registeredAs(demoModel).orElseGet(() -> registry.register(new Registration(demoModel.toString(), MODEL,
                    List.of(), null, AUTHOR, "the model nightshift demo trained")));
            gate.gate(PromotionGate.Request.of(MODEL, first.version(), AUTHOR).withPolicy(policy));
            registry.approve(MODEL, first.version(), APPROVER, "the demo's first model");
        }
        ModelVersion production = production().orElseThrow();

        // A seed of its own per act, so a second demo in this home trains (and registers) a new candidate.
        int seed = registry.model(MODEL).versions().size();
        TrainingSpec spec = TrainingSpec.builder(newer.toString(), SyntheticData.LABEL_COLUMN).features(SyntheticData.NAMED_FEATURES)
                .family(TrainingSpec.Family.MLP).hidden(List.of(16)).epochs(12).seed(seed).build();
        TrainingResult trained = new Retrainer(storage).train(spec);
        Path candidateDirectory = act.resolve("candidate-" + seed);
        if (!Files.isRegularFile(candidateDirectory.resolve(TrainingResult.MODEL_FILE))) {
            trained.writeModelDirectory(candidateDirectory, MODEL, "candidate-" + seed);
        }
        ModelVersion candidate = registeredAs(candidateDirectory).orElseGet(() -> registry.register(new Registration(
                candidateDirectory.toString(), MODEL, List.of(), null, AUTHOR, "mlp retrained on a newer sample")));

        PromotionGate.Outcome gated = gate.gate(PromotionGate.Request.of(MODEL, candidate.version(), AUTHOR).withPolicy(policy));
        String refusal = null;
        ModelRegistry.Approval approval = null;
        if (gated.passed()) {
            try {
                registry.approve(MODEL, candidate.version(), AUTHOR, "my own candidate");
                throw new IllegalStateException("the registry let " + AUTHOR + " approve their own candidate");
            } catch (NightshiftException expected) {
                refusal = expected.getMessage();
            }
            approval = registry.approve(MODEL, candidate.version(), APPROVER, "report read: no check failed");
        }
        return new Outcome(production, setUp, candidate, trained.train().rows() + trained.validation().rows(), trained.trainingMillis(),
                gated, refusal, approval, (System.nanoTime() - started) / 1_000_000);
    }

    private Optional<ModelVersion> production() {
        return registry.models().stream().filter(model -> model.name().equals(MODEL)).findFirst()
                .map(model -> model.aliases().get(ModelRegistry.PRODUCTION))
                .map(version -> registry.version(MODEL + "@" + version));
    }

    /** The version of the demo's model holding this directory's model.onnx, if registered before. */
    private Optional<ModelVersion> registeredAs(Path modelDirectory) throws IOException {
        String sha256 = ModelCache.sha256(Files.readAllBytes(modelDirectory.resolve("model.onnx")));
        return registry.models().stream().filter(model -> model.name().equals(MODEL)).flatMap(model -> model.versions().stream())
                .filter(version -> version.onnxSha256().equals(sha256)).findFirst();
    }
}
