package io.nightshift.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a model directory's {@code model.yaml} says: identity, the features it expects in order, per-feature
 * preprocessing, and how its outputs become columns. Preprocessing lives here, versioned with the model, never in
 * job code. A bare {@code .onnx} file gets a spec with no features (the job supplies them) and no preprocessing.
 * {@link Metadata} (task, positive label, training data and metrics) is optional: what the registry and the gate read.
 */
public record ModelSpec(String name, String version, String inputName, List<FeatureSpec> features, List<OutputSpec> outputs,
        Metadata metadata) {

    public ModelSpec {
        requireNonNull(name, "name is null");
        requireNonNull(version, "version is null");
        features = List.copyOf(requireNonNull(features, "features is null"));
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        requireNonNull(metadata, "metadata is null");
        Set<String> seen = new HashSet<>();
        for (FeatureSpec feature : features) {
            if (!seen.add(feature.name())) {
                throw new IllegalArgumentException("feature '" + feature.name() + "' is listed twice");
            }
        }
    }

    /** A spec without metadata: what a model directory written before the registry, or a bare model, has. */
    public ModelSpec(String name, String version, String inputName, List<FeatureSpec> features, List<OutputSpec> outputs) {
        this(name, version, inputName, features, outputs, Metadata.NONE);
    }

    /** The same spec under another identity: the registry's name and version win over what model.yaml says. */
    public ModelSpec withIdentity(String newName, String newVersion) {
        return new ModelSpec(newName, newVersion, inputName, features, outputs, metadata);
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

    /** What the model predicts: decides which metrics the gate computes. */
    public enum Task {
        BINARY_CLASSIFICATION, REGRESSION;

        /** {@code binary-classification}: how model.yaml spells it. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Task fromYaml(String value) {
            for (Task task : values()) {
                if (task.yamlName().equals(value)) {
                    return task;
                }
            }
            throw new IllegalArgumentException("task must be one of " + java.util.Arrays.stream(values()).map(Task::yamlName).toList()
                    + ", was '" + value + "'");
        }
    }

    /**
     * The data a model was trained on: where it is, and how to recognise it (a row count, a sha256, or both).
     *
     * @param rows   rows trained on; null if not recorded
     * @param sha256 of the training data (64 lower-case hex digits); null if not recorded
     */
    public record TrainingData(String uri, Long rows, String sha256) {
        private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

        public TrainingData {
            requireNonNull(uri, "uri is null");
            if (uri.isBlank()) {
                throw new IllegalArgumentException("training-data.uri is empty");
            }
            if (rows == null && sha256 == null) {
                throw new IllegalArgumentException("training-data needs rows or sha256 besides its uri, to tell which data it was");
            }
            if (rows != null && rows < 0) {
                throw new IllegalArgumentException("training-data.rows must be 0 or more, was " + rows);
            }
            if (sha256 != null && !SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException("training-data.sha256 must be 64 lower-case hex digits, was '" + sha256 + "'");
            }
        }
    }

    /**
     * Optional facts about a model beyond how to feed it.
     *
     * @param task            null when not stated
     * @param positiveLabel   the label that counts as positive in binary classification (e.g. "1", "churned"); null if not stated
     * @param trainingData    null when not stated
     * @param trainingMetrics metric name to value as measured at training time, in file order; empty when none
     * @param description     free text; null when none
     */
    public record Metadata(Task task, String positiveLabel, TrainingData trainingData, Map<String, Double> trainingMetrics,
            String description) {

        public static final Metadata NONE = new Metadata(null, null, null, Map.of(), null);

        public Metadata {
            trainingMetrics = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(trainingMetrics, "trainingMetrics is null")));
            for (Map.Entry<String, Double> metric : trainingMetrics.entrySet()) {
                if (metric.getValue() == null || metric.getValue().isNaN() || metric.getValue().isInfinite()) {
                    throw new IllegalArgumentException("training-metrics." + metric.getKey() + " must be a finite number, was "
                            + metric.getValue());
                }
            }
            if (positiveLabel != null && task == Task.REGRESSION) {
                throw new IllegalArgumentException("positive-label is for task binary-classification, not regression");
            }
        }
    }
}
