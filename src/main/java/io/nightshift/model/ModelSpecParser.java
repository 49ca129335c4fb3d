package io.nightshift.model;

import io.nightshift.DidYouMean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses {@code model.yaml}. Every error names the file and the setting, because the person reading it is
 * usually looking at a failed run at night, not at this code.
 *
 * <pre>
 * name: churn
 * version: "3"
 * input: features                 # optional: the input tensor's name (default: the model's only input)
 * features:                       # order = the model input's column order
 *   - tenure_months               # a plain feature
 *   - name: monthly_charges       # with preprocessing, applied as (x - mean) / scale
 *     mean: 64.8
 *     scale: 30.1
 *     fill: 64.8                  # null/NaN becomes this instead of a reject
 * outputs:                        # optional: default one column per output element, named after the output
 *   - name: probability
 *     columns: [churn_probability]
 * description: churn propensity   # optional, and so is everything below (what the registry and the gate read)
 * task: binary-classification     # or regression
 * positive-label: "1"             # binary classification: the label value that counts as positive
 * training-data:                  # what it was trained on: uri plus rows, sha256 or both
 *   uri: s3://lake/churn/2026-11/
 *   rows: 240000
 *   sha256: 41ab…(64 hex digits)
 * training-metrics:               # name: number, as measured when training (or groups of them)
 *   validation:
 *     roc_auc: 0.84
 *     log_loss: 0.41
 * </pre>
 */
public final class ModelSpecParser {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "version", "input", "features", "outputs", "description", "task",
            "positive-label", "training-data", "training-metrics");
    private static final Set<String> FEATURE_KEYS = Set.of("name", "mean", "scale", "fill");
    private static final Set<String> OUTPUT_KEYS = Set.of("name", "columns");
    private static final Set<String> TRAINING_DATA_KEYS = Set.of("uri", "rows", "sha256");

    private ModelSpecParser() {
    }

    /**
     * Parses a model.yaml's text; {@code source} names it in errors, and name and version default to the given ones
     * when the file has none.
     */
    public static ModelSpec parse(String yamlText, String source, String defaultName, String defaultVersion) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(yamlText);
        } catch (YAMLException e) {
            throw new ModelException("Cannot read " + source + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new ModelException("Cannot read " + source + ": expected a mapping with name, version, features and outputs");
        }
        checkKeys(root, TOP_LEVEL_KEYS, source, "");
        String name = stringOr(root.get("name"), defaultName, source, "name");
        String version = stringOr(root.get("version"), defaultVersion, source, "version");
        String input = stringOr(root.get("input"), null, source, "input");
        List<ModelSpec.FeatureSpec> features = new ArrayList<>();
        Object featureList = root.get("features");
        if (featureList != null && !(featureList instanceof List<?>)) {
            throw new ModelException("Cannot read " + source + ": 'features' must be a list of feature names or {name, mean, scale, fill}");
        }
        if (featureList instanceof List<?> entries) {
            for (int i = 0; i < entries.size(); i++) {
                features.add(feature(entries.get(i), source, "features[" + i + "]"));
            }
        }
        List<ModelSpec.OutputSpec> outputs = new ArrayList<>();
        Object outputList = root.get("outputs");
        if (outputList != null && !(outputList instanceof List<?>)) {
            throw new ModelException("Cannot read " + source + ": 'outputs' must be a list of {name, columns}");
        }
        if (outputList instanceof List<?> entries) {
            for (int i = 0; i < entries.size(); i++) {
                outputs.add(output(entries.get(i), source, "outputs[" + i + "]"));
            }
        }
        ModelSpec.Metadata metadata = metadata(root, source);
        try {
            return new ModelSpec(name, version, input, features, outputs, metadata);
        } catch (IllegalArgumentException e) {
            throw new ModelException("Cannot read " + source + ": " + e.getMessage());
        }
    }

    private static ModelSpec.Metadata metadata(Map<?, ?> root, String source) {
        String description = stringOr(root.get("description"), null, source, "description");
        String taskName = stringOr(root.get("task"), null, source, "task");
        String positiveLabel = stringOr(root.get("positive-label"), null, source, "positive-label");
        try {
            ModelSpec.Task task = taskName == null ? null : ModelSpec.Task.fromYaml(taskName);
            return new ModelSpec.Metadata(task, positiveLabel, trainingData(root.get("training-data"), source),
                    trainingMetrics(root.get("training-metrics"), source), description);
        } catch (IllegalArgumentException e) {
            throw new ModelException("Cannot read " + source + ": " + e.getMessage());
        }
    }

    private static ModelSpec.TrainingData trainingData(Object value, String source) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ModelException("Cannot read " + source + ": 'training-data' must be a mapping {uri, rows, sha256}");
        }
        checkKeys(map, TRAINING_DATA_KEYS, source, "training-data.");
        String uri = stringOr(map.get("uri"), null, source, "training-data.uri");
        if (uri == null) {
            throw new ModelException("Cannot read " + source + ": training-data.uri is missing");
        }
        Object rows = map.get("rows");
        if (rows != null && !(rows instanceof Integer || rows instanceof Long)) {
            throw new ModelException("Cannot read " + source + ": 'training-data.rows' must be a whole number, was '" + rows + "'");
        }
        return new ModelSpec.TrainingData(uri, rows == null ? null : ((Number) rows).longValue(),
                stringOr(map.get("sha256"), null, source, "training-data.sha256"));
    }

    /**
     * {@code name: number}, or groups of them ({@code validation: {roc_auc: 0.84}}), which become dotted names
     * ({@code validation.roc_auc}) in file order.
     */
    private static Map<String, Double> trainingMetrics(Object value, String source) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (value == null) {
            return metrics;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new ModelException("Cannot read " + source + ": 'training-metrics' must be a mapping of metric name to number");
        }
        addMetrics(map, "", metrics, source);
        return metrics;
    }

    private static void addMetrics(Map<?, ?> map, String prefix, Map<String, Double> metrics, String source) {
        for (Map.Entry<?, ?> metric : map.entrySet()) {
            String name = prefix + metric.getKey();
            if (metric.getValue() instanceof Map<?, ?> group && prefix.isEmpty()) {
                addMetrics(group, name + ".", metrics, source);
            } else if (metric.getValue() instanceof Number number) {
                metrics.put(name, number.doubleValue());
            } else {
                throw new ModelException("Cannot read " + source + ": 'training-metrics." + name + "' must be a number, was '"
                        + metric.getValue() + "'");
            }
        }
    }

    private static ModelSpec.FeatureSpec feature(Object entry, String source, String path) {
        if (entry instanceof String name) {
            return ModelSpec.FeatureSpec.plain(name);
        }
        if (!(entry instanceof Map<?, ?> map)) {
            throw new ModelException("Cannot read " + source + ": " + path + " must be a feature name or {name, mean, scale, fill}");
        }
        checkKeys(map, FEATURE_KEYS, source, path + ".");
        String name = stringOr(map.get("name"), null, source, path + ".name");
        if (name == null) {
            throw new ModelException("Cannot read " + source + ": " + path + ".name is missing");
        }
        float mean = number(map.get("mean"), 0f, source, path + ".mean");
        float scale = number(map.get("scale"), 1f, source, path + ".scale");
        // An empty "fill:" must not silently mean 0: that would score rows the author expected to be rejected.
        if (map.containsKey("fill") && map.get("fill") == null) {
            throw new ModelException("Cannot read " + source + ": '" + path + ".fill' is empty; give a number, or leave "
                    + "fill out to reject rows where the feature is null or NaN");
        }
        Float fill = map.containsKey("fill") ? number(map.get("fill"), 0f, source, path + ".fill") : null;
        try {
            return new ModelSpec.FeatureSpec(name, mean, scale, fill);
        } catch (IllegalArgumentException e) {
            throw new ModelException("Cannot read " + source + ": " + path + ": " + e.getMessage());
        }
    }

    private static ModelSpec.OutputSpec output(Object entry, String source, String path) {
        if (!(entry instanceof Map<?, ?> map)) {
            throw new ModelException("Cannot read " + source + ": " + path + " must be {name, columns}");
        }
        checkKeys(map, OUTPUT_KEYS, source, path + ".");
        String name = stringOr(map.get("name"), null, source, path + ".name");
        if (name == null) {
            throw new ModelException("Cannot read " + source + ": " + path + ".name is missing");
        }
        List<String> columns = new ArrayList<>();
        Object columnList = map.get("columns");
        if (columnList instanceof List<?> entries) {
            for (Object column : entries) {
                columns.add(String.valueOf(column));
            }
        } else if (columnList instanceof String single) {
            columns.add(single);
        } else if (columnList != null) {
            throw new ModelException("Cannot read " + source + ": " + path + ".columns must be a list of column names");
        }
        return new ModelSpec.OutputSpec(name, columns);
    }

    private static void checkKeys(Map<?, ?> map, Set<String> allowed, String source, String prefix) {
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                String suggestion = DidYouMean.closest(String.valueOf(key), allowed).map(name -> " (did you mean '" + prefix + name + "'?)")
                        .orElse("");
                throw new ModelException("Cannot read " + source + ": unknown setting '" + prefix + key + "'" + suggestion
                        + "; allowed: " + allowed.stream().sorted().toList());
            }
        }
    }

    private static String stringOr(Object value, String fallback, String source, String path) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new ModelException("Cannot read " + source + ": '" + path + "' must be a single value");
        }
        return String.valueOf(value);
    }

    private static float number(Object value, float fallback, String source, String path) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.floatValue();
        }
        try {
            return Float.parseFloat(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new ModelException("Cannot read " + source + ": '" + path + "' must be a number, was '" + value + "'");
        }
    }
}
