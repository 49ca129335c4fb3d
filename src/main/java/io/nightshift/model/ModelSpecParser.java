package io.nightshift.model;

import java.util.ArrayList;
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
 * </pre>
 */
final class ModelSpecParser {

    private static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "version", "input", "features", "outputs", "description");
    private static final Set<String> FEATURE_KEYS = Set.of("name", "mean", "scale", "fill");
    private static final Set<String> OUTPUT_KEYS = Set.of("name", "columns");

    private ModelSpecParser() {
    }

    static ModelSpec parse(String yamlText, String source, String defaultName, String defaultVersion) {
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
        try {
            return new ModelSpec(name, version, input, features, outputs);
        } catch (IllegalArgumentException e) {
            throw new ModelException("Cannot read " + source + ": " + e.getMessage());
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
                throw new ModelException("Cannot read " + source + ": unknown setting '" + prefix + key + "'; allowed: "
                        + allowed.stream().sorted().toList());
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
