package io.nightshift.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a {@link ModelSpec} as the {@code model.yaml} that {@code ModelSpecParser} reads back to an equal spec, so
 * code that produces model directories (training, the demo, the registry for a bare model) never writes YAML by string
 * template. The optional metadata (task, positive label, training data and metrics, description) is written when set.
 *
 * <p>Means, scales and fills are written as the shortest decimal that reads back as the same float, so the
 * preprocessing a model was trained with is the one it is scored with, to the bit.
 */
public final class ModelSpecWriter {

    private ModelSpecWriter() {
    }

    /**
     * The spec as YAML text, after {@code comments} (one {@code #} line each; say what produced the model). Plain
     * features (mean 0, scale 1, no fill) are written as bare names.
     */
    public static String toYaml(ModelSpec spec, List<String> comments) {
        return toYaml(spec, comments, true);
    }

    /**
     * As {@link #toYaml(ModelSpec, List)}, with or without the version: the registry writes none, because the version
     * is its own to give and the file's bytes (part of the model's identity) must not depend on it.
     */
    public static String toYaml(ModelSpec spec, List<String> comments, boolean withVersion) {
        requireNonNull(spec, "spec is null");
        requireNonNull(comments, "comments is null");
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", spec.name());
        if (withVersion) {
            root.put("version", spec.version());
        }
        if (spec.inputName() != null) {
            root.put("input", spec.inputName());
        }
        if (!spec.features().isEmpty()) {
            List<Object> features = new ArrayList<>();
            for (ModelSpec.FeatureSpec feature : spec.features()) {
                if (feature.isIdentity() && feature.fill() == null) {
                    features.add(feature.name());
                    continue;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", feature.name());
                entry.put("mean", exact(feature.mean()));
                entry.put("scale", exact(feature.scale()));
                if (feature.fill() != null) {
                    entry.put("fill", exact(feature.fill()));
                }
                features.add(entry);
            }
            root.put("features", features);
        }
        if (!spec.outputs().isEmpty()) {
            List<Object> outputs = new ArrayList<>();
            for (ModelSpec.OutputSpec output : spec.outputs()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", output.name());
                if (!output.columns().isEmpty()) {
                    entry.put("columns", output.columns());
                }
                outputs.add(entry);
            }
            root.put("outputs", outputs);
        }
        putMetadata(root, spec.metadata());
        StringBuilder text = new StringBuilder();
        for (String comment : comments) {
            for (String line : comment.split("\n", -1)) {
                text.append("# ").append(line).append('\n');
            }
        }
        return text.append(yaml().dump(root)).toString();
    }

    private static void putMetadata(Map<String, Object> root, ModelSpec.Metadata metadata) {
        if (metadata.description() != null) {
            root.put("description", metadata.description());
        }
        if (metadata.task() != null) {
            root.put("task", metadata.task().yamlName());
        }
        if (metadata.positiveLabel() != null) {
            root.put("positive-label", metadata.positiveLabel());
        }
        if (metadata.trainingData() != null) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("uri", metadata.trainingData().uri());
            if (metadata.trainingData().rows() != null) {
                data.put("rows", metadata.trainingData().rows());
            }
            if (metadata.trainingData().sha256() != null) {
                data.put("sha256", metadata.trainingData().sha256());
            }
            root.put("training-data", data);
        }
        if (!metadata.trainingMetrics().isEmpty()) {
            root.put("training-metrics", new LinkedHashMap<>(metadata.trainingMetrics()));
        }
    }

    /** Block-style YAML, keys in insertion order, as people write it; also used for files written beside model.yaml. */
    public static Yaml yaml() {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(0);
        options.setWidth(120);
        options.setSplitLines(false);
        return new Yaml(options);
    }

    /**
     * The float itself when its shortest decimal reads back (as a YAML double narrowed to float) to the same value,
     * which is nearly always; otherwise the float's exact double value, which always does.
     */
    private static Number exact(float value) {
        return (float) Double.parseDouble(Float.toString(value)) == value ? (Number) value : (Number) (double) value;
    }
}
