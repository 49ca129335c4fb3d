package io.nightshift.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes a {@link ModelSpec} as {@code model.yaml}, in the layout {@link ModelSpecParser} reads: what parsing the text
 * gives back is the spec written. Plain features (no preprocessing, no fill) are written as bare names.
 */
public final class ModelSpecWriter {

    private ModelSpecWriter() {
    }

    /** The whole spec, name and version included. */
    public static String write(ModelSpec spec) {
        return write(spec, true);
    }

    /**
     * The spec with or without its version: the registry writes none, because the version is its own to give and the
     * file's bytes (part of the model's identity) must not depend on it.
     */
    public static String write(ModelSpec spec, boolean withVersion) {
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
                features.add(feature(feature));
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
        ModelSpec.Metadata metadata = spec.metadata();
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
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        return new Yaml(options).dump(root);
    }

    private static Object feature(ModelSpec.FeatureSpec feature) {
        if (feature.isIdentity() && feature.fill() == null) {
            return feature.name();
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", feature.name());
        if (!feature.isIdentity()) {
            entry.put("mean", feature.mean());
            entry.put("scale", feature.scale());
        }
        if (feature.fill() != null) {
            entry.put("fill", feature.fill());
        }
        return entry;
    }
}
