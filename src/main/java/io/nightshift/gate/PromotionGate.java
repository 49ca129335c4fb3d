package io.nightshift.gate;

import io.nightshift.metrics.NightshiftMetrics;
import static java.util.Objects.requireNonNull;

import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.registry.ModelRegistry;
import io.nightshift.model.registry.ModelVersion;
import io.nightshift.model.registry.ResolvedVersion;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Gates one registered candidate: resolves it and production through the registry (files verified against their
 * sha256), loads both, reads the model's policy, evaluates them on the holdout, stores the report with the candidate and
 * records the decision against the production version it compared with. What {@code nightshift gate} and the retraining
 * job's gate step both call.
 */
public final class PromotionGate {

    private static final DateTimeFormatter REPORT_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final ModelRegistry registry;
    private final Storage storage;
    private final GateProperties properties;
    private final Path reportsDirectory;
    private final Clock clock;
    private final NightshiftMetrics metrics;

    public PromotionGate(ModelRegistry registry, Storage storage, GateProperties properties, Path reportsDirectory, Clock clock,
            NightshiftMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.properties = requireNonNull(properties, "properties is null");
        this.reportsDirectory = requireNonNull(reportsDirectory, "reportsDirectory is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * What to gate.
     *
     * @param production      the production version the caller expects, or null for whatever production points to; a
     *                        version production does not point to is refused (the result is recorded against production)
     * @param holdout         null for the policy's {@code holdout}
     * @param labelColumn     null for the policy's {@code label_column}
     * @param policy          null for {@code <policies>/<model>.yaml}
     * @param recentData      a recent input, for the policy's drift check (null when it has none)
     * @param reportDirectory a new local directory for the report; null for one under {@code <home>/gate}
     * @param by              who gates: a person or a job identity, recorded in the audit trail
     */
    public record Request(String model, int candidate, Integer production, String holdout, String labelColumn, Path policy,
            String recentData, Path reportDirectory, String by) {
        public Request {
            requireNonNull(model, "model is null");
            requireNonNull(by, "by is null");
        }

        public static Request of(String model, int candidate, String by) {
            return new Request(model, candidate, null, null, null, null, null, null, by);
        }

        public Request withHoldout(String newHoldout, String newLabelColumn) {
            return new Request(model, candidate, production, newHoldout, newLabelColumn, policy, recentData, reportDirectory, by);
        }

        public Request withPolicy(Path newPolicy) {
            return new Request(model, candidate, production, holdout, labelColumn, newPolicy, recentData, reportDirectory, by);
        }

        public Request withRecentData(String newRecentData) {
            return new Request(model, candidate, production, holdout, labelColumn, policy, newRecentData, reportDirectory, by);
        }
    }

    /**
     * What the gate decided and what the registry recorded.
     *
     * @param production     the version compared with; null when nothing was in production (absolute checks only)
     * @param reportLocation where the report is stored, beside the candidate in the registry
     * @param recorded       the candidate as recorded after the gate: GATE_FAILED, PENDING_APPROVAL or PROMOTED
     * @param evaluationMillis wall time of loading both models and evaluating them (scoring, bootstrap, report)
     */
    public record Outcome(GatePolicy policy, ModelVersion candidate, Integer production, Gate.GateResult result, String reportLocation,
            ModelVersion recorded, long evaluationMillis) {
        public Outcome {
            requireNonNull(policy, "policy is null");
            requireNonNull(result, "result is null");
            requireNonNull(recorded, "recorded is null");
        }

        public boolean passed() {
            return result.decision() != Decision.REJECTED;
        }
    }

    public Outcome gate(Request request) {
        requireNonNull(request, "request is null");
        String candidateReference = request.model() + "@" + request.candidate();
        String prefix = "Cannot gate " + candidateReference + ": ";
        Integer production = registry.model(request.model()).aliases().get(ModelRegistry.PRODUCTION);
        if (request.production() != null && !request.production().equals(production)) {
            throw new GateException(prefix + "--production " + request.production() + " was given, but production is "
                    + (production == null ? "not set" : request.model() + "@" + production)
                    + "; the gate records its result against the current production (leave --production out to use it)");
        }
        if (production != null && production == request.candidate()) {
            throw new GateException(prefix + "it is production already");
        }
        GatePolicy policy = request.policy() != null ? GatePolicyParser.read(request.policy()) : readPolicyOf(request.model());
        String holdout = request.holdout() != null ? request.holdout() : policy.holdout();
        if (holdout == null) {
            throw new GateException(prefix + "no holdout: pass --holdout, or name one in " + policy.source() + " (holdout: PATH)");
        }
        String labelColumn = request.labelColumn() != null ? request.labelColumn() : policy.labelColumn();
        if (labelColumn == null) {
            throw new GateException(prefix + "no label column: pass --label-column, or name one in " + policy.source()
                    + " (label_column: NAME)");
        }
        Path reportDirectory = request.reportDirectory() != null ? request.reportDirectory()
                : reportsDirectory.resolve(request.model()).resolve(Integer.toString(request.candidate()))
                        .resolve(REPORT_NAME.format(clock.instant()));
        try {
            Files.createDirectories(reportDirectory);
        } catch (IOException e) {
            throw new GateException(prefix + "cannot create the report directory " + reportDirectory + ": " + e.getMessage(), e);
        }
        long started = System.nanoTime();
        ResolvedVersion candidate = registry.resolveVersion(candidateReference);
        ResolvedVersion productionVersion = production == null ? null : registry.resolveVersion(request.model() + "@" + production);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        Gate.GateResult result;
        try (LoadedModel candidateModel = load(candidate, threads);
                LoadedModel productionModel = productionVersion == null ? null : load(productionVersion, threads)) {
            GateInputs inputs = GateInputs.of(candidateModel, holdout, labelColumn, policy, reportDirectory.toString())
                    .withProduction(productionModel)
                    .withBootstrap(properties.bootstrapSeed(), properties.bootstrapResamples())
                    .withThreads(threads);
            if (policy.drift() != null) {
                inputs = withDriftData(inputs, candidate, request.recentData(), prefix, policy);
            }
            result = new Gate(storage).evaluate(inputs);
        }
        long evaluationMillis = (System.nanoTime() - started) / 1_000_000;
        metrics.gateDecision(request.model(), result.decision().name());
        String reportLocation = registry.storeReport(request.model(), request.candidate(), reportDirectory, request.by());
        ModelVersion recorded = registry.recordGateResult(request.model(), request.candidate(), result.decision() != Decision.REJECTED,
                production, policy.approvalsRequired(), policy.autoPromote(), reportLocation, request.by());
        return new Outcome(policy, candidate.version(), production, result, reportLocation, recorded, evaluationMillis);
    }

    private GatePolicy readPolicyOf(String model) {
        Path file = properties.policies().resolve(model + ".yaml");
        if (!Files.isRegularFile(file)) {
            throw new GateException("Cannot gate " + model + ": no promotion policy at " + file + " (nightshift.gate.policies is "
                    + properties.policies() + "). Write one (format: retrain-gate/README.md) or pass --policy FILE.");
        }
        return GatePolicyParser.read(file);
    }

    /** The candidate's training data (model.yaml's training-data.uri) and the recent input, for the drift check. */
    private static GateInputs withDriftData(GateInputs inputs, ResolvedVersion candidate, String recentData, String prefix, GatePolicy policy) {
        ModelSpec.TrainingData trainingData = candidate.artifact().spec().metadata().trainingData();
        if (trainingData == null || recentData == null) {
            throw new GateException(prefix + "policy " + policy.source() + " checks feature drift (drift.max_feature_psi), which needs "
                    + (trainingData == null ? "the candidate's training data (training-data.uri in its model.yaml, which it has not)" : "")
                    + (trainingData == null && recentData == null ? " and " : "")
                    + (recentData == null ? "a recent input (--recent URI; by default the input of the last completed run that scored the model, and there is none)" : ""));
        }
        return inputs.withDriftData(trainingData.uri(), recentData);
    }

    private static LoadedModel load(ResolvedVersion version, int threads) {
        return LoadedModel.load(version.artifact(), version.artifact().spec().features(), InferenceOptions.cpu(threads));
    }
}
