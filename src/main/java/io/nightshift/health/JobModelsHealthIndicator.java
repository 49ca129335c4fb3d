package io.nightshift.health;

import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelResolver;
import io.nightshift.model.ModelSpec;
import io.nightshift.schedule.JobRegistry;
import io.nightshift.scoring.ScoringSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness: the model of every scheduled scoring job resolves (in the registry, or on disk/S3), its files still hash
 * to the sha256 they were registered with (the registry checks that at every resolve), and ONNX Runtime loads it. A
 * node that would fail tonight's fires on a removed or tampered model is not ready, and says which job, which model
 * reference and why.
 *
 * <p>Resolving reads and hashes the model at every probe (that is how a tampered file is seen); loading it into ONNX
 * Runtime is done once per sha256 and its result kept, since the same bytes load (or fail) the same way every time.
 */
final class JobModelsHealthIndicator implements HealthIndicator {

    private final JobRegistry registry;
    private final ModelResolver models;
    /** sha256 (and features) to why it does not load; empty when it does. */
    private final Map<String, Optional<String>> loads = new ConcurrentHashMap<>();

    JobModelsHealthIndicator(JobRegistry registry, ModelResolver models) {
        this.registry = registry;
        this.models = models;
    }

    @Override
    public Health health() {
        Map<String, String> ready = new LinkedHashMap<>();
        Map<String, String> failing = new LinkedHashMap<>();
        for (JobRegistry.JobState state : registry.jobs()) {
            if (!state.scheduled() || state.spec().scoring() == null) {
                continue;
            }
            ScoringSettings settings = state.spec().scoring();
            String job = state.spec().name();
            try {
                ModelArtifact artifact = models.resolve(settings.model());
                Optional<String> problem = loadProblem(artifact, features(artifact, settings));
                if (problem.isPresent()) {
                    failing.put(job, settings.model() + ": " + problem.get());
                } else {
                    ready.put(job, settings.model() + " = " + artifact.describe());
                }
            } catch (RuntimeException e) {
                failing.put(job, settings.model() + ": " + e.getMessage());
            }
        }
        Health.Builder health = failing.isEmpty() ? Health.up() : Health.down();
        return health.withDetail("ready", ready).withDetail("failing", failing).build();
    }

    /** The features a run would load the model with (as {@code ScoringSteps} does): the model's, or the job's. */
    private static List<ModelSpec.FeatureSpec> features(ModelArtifact artifact, ScoringSettings settings) {
        return artifact.spec().features().isEmpty()
                ? settings.features().stream().map(ModelSpec.FeatureSpec::plain).toList()
                : artifact.spec().features();
    }

    private Optional<String> loadProblem(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features) {
        return loads.computeIfAbsent(artifact.sha256() + " " + features, key -> {
            try (LoadedModel ignored = LoadedModel.load(artifact, features, InferenceOptions.cpu(1))) {
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of("ONNX Runtime cannot load it: " + e.getMessage());
            }
        });
    }
}
