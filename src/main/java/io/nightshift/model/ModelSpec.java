package io.nightshift.model;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a model directory's {@code model.yaml} says: identity, the features it expects in order, per-feature
 * preprocessing, and how its outputs become columns. Preprocessing lives here, versioned with the model, never in
 * job code. A bare {@code .onnx} file gets a spec with no features (the job supplies them) and no preprocessing.
 */
public record ModelSpec(String name, String version, String inputName, List<FeatureSpec> features, List<OutputSpec> outputs) {

    public ModelSpec {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        Set<String> seen = new HashSet<>();
        for (FeatureSpec feature : features) {
            if (!seen.add(feature.name())) {
                throw new IllegalArgumentException("feature '" + feature.name() + "' is listed twice");
            }
        }
    }

    public List<String> featureNames() {
        return features.stream().map(FeatureSpec::name).toList();
    }

    /** One model input feature: the column it reads, optional standardisation {@code (x - mean) / scale}, optional fill for null/NaN. */
    public record FeatureSpec(String name, float mean, float scale, Float fill) {
        public FeatureSpec {
            requireNonNull(name, "name is null");
            if (!(scale > 0) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("feature '" + name + "': scale must be a positive number, was " + scale);
            }
            if (Float.isNaN(mean) || Float.isInfinite(mean)) {
                throw new IllegalArgumentException("feature '" + name + "': mean must be a finite number, was " + mean);
            }
            if (fill != null && (fill.isNaN() || fill.isInfinite())) {
                throw new IllegalArgumentException("feature '" + name + "': fill must be a finite number, was " + fill);
            }
        }

        public static FeatureSpec plain(String name) {
            return new FeatureSpec(name, 0f, 1f, null);
        }

        boolean isIdentity() {
            return mean == 0f && scale == 1f;
        }
    }

    /** A model output tensor and the column names its elements become (one element: a scalar column). */
    public record OutputSpec(String name, List<String> columns) {
        public OutputSpec {
            requireNonNull(name, "name is null");
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }
    }
}
