package io.nightshift.model.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A request to register a model as a new version.
 *
 * @param source        a model directory (model.onnx, optionally model.yaml) or a bare .onnx file; path, file:// or s3://
 * @param features      for a model without model.yaml: its feature columns in input order
 * @param featurePrefix for a model without model.yaml, instead of {@code features}: columns PREFIX00, PREFIX01, … as many as
 *                      the model's input takes (see {@link ModelRegistry#prefixedFeatures})
 * @param by            who registers it: a person, or a job ({@code job:retrain-churn})
 * @param description   free text; null for the one in model.yaml, if any
 */
public record Registration(String source, String name, List<String> features, String featurePrefix, String by, String description) {
    public Registration {
        requireNonNull(source, "source is null");
        requireNonNull(name, "name is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        requireNonNull(by, "by is null");
        if (!features.isEmpty() && featurePrefix != null) {
            throw new IllegalArgumentException("give features or a feature prefix, not both");
        }
    }
}
