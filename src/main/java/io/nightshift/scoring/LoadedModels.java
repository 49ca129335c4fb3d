package io.nightshift.scoring;

import io.nightshift.model.InferenceOptions;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelArtifact;
import io.nightshift.model.ModelSpec;
import io.nightshift.metrics.NightshiftMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads each model once per process and shares it between partitions (ONNX Runtime sessions are thread-safe; each
 * partition takes its own predictor). ONNX Runtime gets {@code cores / threads} intra-op threads per predictor, so
 * partitions running side by side do not oversubscribe the CPU.
 */
public final class LoadedModels implements AutoCloseable {

    private record Key(String sha256, List<ModelSpec.FeatureSpec> features, String device, int threads) {
    }

    private final ConcurrentHashMap<Key, LoadedModel> models = new ConcurrentHashMap<>();
    private final int availableCores;
    private final NightshiftMetrics metrics;

    public LoadedModels(int availableCores, NightshiftMetrics metrics) {
        this.availableCores = availableCores;
        this.metrics = metrics;
    }

    public LoadedModel get(ModelArtifact artifact, List<ModelSpec.FeatureSpec> features, ScoringSettings settings) {
        int intraOpThreads = Math.max(1, availableCores / settings.threads());
        Key key = new Key(artifact.sha256(), List.copyOf(features), settings.device(), intraOpThreads);
        return models.computeIfAbsent(key, ignored -> {
            long startNanos = System.nanoTime();
            LoadedModel model = LoadedModel.load(artifact, features,
                    new InferenceOptions(InferenceOptions.device(settings.device()), intraOpThreads));
            metrics.modelLoaded(artifact.name() != null ? artifact.name() : artifact.location(),
                    Duration.ofNanos(System.nanoTime() - startNanos));
            return model;
        });
    }

    @Override
    public void close() {
        models.values().forEach(LoadedModel::close);
        models.clear();
    }
}
