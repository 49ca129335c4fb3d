package io.nightshift.gate;

import io.nightshift.DidYouMean;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and validates a promotion policy ({@code retrain-gate/<model>.yaml}; the format is in retrain-gate/README.md).
 * Everything is checked on load, so a policy that would silently check less than its author meant never reaches a
 * decision: an unknown field (with the field meant), an unknown metric, a value of the wrong type or out of range, and
 * limits that contradict each other are errors naming the file, the field and what is allowed.
 */
public final class GatePolicyParser {

    private static final Set<String> FIELDS = orderedSet("threshold", "checks", "collapse", "calibration", "slices", "drift",
            "approvals_required", "auto_promote", "holdout", "label_column");
    private static final Set<String> CHECK_FIELDS = orderedSet("metric", "threshold", "min_absolute_change", "min_relative_change",
            "greater_is_better", "require_significant");
    private static final Set<String> COLLAPSE_FIELDS = orderedSet("max_majority_share", "min_score_std");
    private static final Set<String> CALIBRATION_FIELDS = orderedSet("max_ece");
    private static final Set<String> SLICES_FIELDS = orderedSet("columns", "min_rows", "max_auc_drop");
    private static final Set<String> DRIFT_FIELDS = orderedSet("max_feature_psi");

    private final String source;
    /** The policy file's directory, against which a relative holdout path is resolved; null for text without a file. */
    private final Path directory;

    private GatePolicyParser(String source, Path directory) {
        this.source = source;
        this.directory = directory;
    }

    /** The policy of a model: {@code <directory>/<model>.yaml} (directory usually {@code retrain-gate}). */
    public static GatePolicy forModel(Path directory, String model) {
        return read(directory.resolve(model + ".yaml"));
    }

    public static GatePolicy read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new GateException("Cannot read gate policy " + file + ": no such file. Policies live in retrain-gate/<model>.yaml.");
        } catch (IOException e) {
            throw new GateException("Cannot read gate policy " + file + ": " + e.getMessage(), e);
        }
        Path parent = file.toAbsolutePath().getParent();
        return new GatePolicyParser(file.toString(), parent).parse(text);
    }

    /** A policy's text; {@code source} names it in messages. */
    public static GatePolicy parse(String text, String source) {
        return new GatePolicyParser(source, null).parse(text);
    }

    private GatePolicy parse(String text) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw error("not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (document == null) {
            document = Map.of();
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw error("expected a mapping of fields " + FIELDS);
        }
        checkFields(root, "", FIELDS);
        double threshold = number(root, "threshold", "", 0, 1, GatePolicy.DEFAULT_THRESHOLD);
        List<GatePolicy.MetricCheck> checks = checks(root.get("checks"));
        GatePolicy.Collapse collapse = null;
        Map<?, ?> collapseBlock = block(root, "collapse", COLLAPSE_FIELDS);
        if (collapseBlock != null) {
            collapse = new GatePolicy.Collapse(optionalNumber(collapseBlock, "max_majority_share", "collapse.", 0.5, 1),
                    optionalNumber(collapseBlock, "min_score_std", "collapse.", 0, 0.5));
        }
        GatePolicy.Calibration calibration = null;
        Map<?, ?> calibrationBlock = block(root, "calibration", CALIBRATION_FIELDS);
        if (calibrationBlock != null) {
            calibration = new GatePolicy.Calibration(requiredNumber(calibrationBlock, "max_ece", "calibration.", 0, 1));
        }
        GatePolicy.Slices slices = null;
        Map<?, ?> slicesBlock = block(root, "slices", SLICES_FIELDS);
        if (slicesBlock != null) {
            slices = new GatePolicy.Slices(columns(slicesBlock.get("columns")),
                    integer(slicesBlock, "min_rows", "slices.", 1, GatePolicy.Slices.DEFAULT_MIN_ROWS),
                    optionalNumber(slicesBlock, "max_auc_drop", "slices.", 0, 1));
        }
        GatePolicy.Drift drift = null;
        Map<?, ?> driftBlock = block(root, "drift", DRIFT_FIELDS);
        if (driftBlock != null) {
            drift = new GatePolicy.Drift(requiredNumber(driftBlock, "max_feature_psi", "drift.", 0, Double.POSITIVE_INFINITY));
        }
        int approvals = integer(root, "approvals_required", "", 0, GatePolicy.DEFAULT_APPROVALS_REQUIRED);
        boolean autoPromote = bool(root, "auto_promote", "", false);
        if (autoPromote && approvals > 0) {
            throw error("'auto_promote' is true but 'approvals_required' is " + approvals
                    + "; auto_promote is only allowed when approvals_required is 0 (set one of them accordingly)");
        }
        if (checks.isEmpty() && collapse == null && calibration == null && slices == null && drift == null) {
            throw error("it checks nothing; give at least one of " + List.of("checks", "collapse", "calibration", "slices", "drift"));
        }
        String holdout = text(root, "holdout");
        if (holdout != null && directory != null && !holdout.contains("://") && !Path.of(holdout).isAbsolute()) {
            holdout = directory.resolve(holdout).normalize().toString();
        }
        return new GatePolicy(source, threshold, checks, collapse, calibration, slices, drift, approvals, autoPromote, holdout,
                text(root, "label_column"));
    }

    /** An optional non-blank string field. */
    private String text(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String string) || string.isBlank()) {
            throw error("'" + key + "' must be a non-empty string, was " + value);
        }
        return string.strip();
    }

    private List<GatePolicy.MetricCheck> checks(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> entries)) {
            throw error("'checks' must be a list of checks, each a mapping with fields " + CHECK_FIELDS);
        }
        List<GatePolicy.MetricCheck> checks = new ArrayList<>();
        Set<Metric> seen = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String prefix = "checks[" + i + "].";
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                throw error("'" + prefix.substring(0, prefix.length() - 1) + "' must be a mapping with fields " + CHECK_FIELDS);
            }
            checkFields(entry, prefix, CHECK_FIELDS);
            Object name = entry.get("metric");
            if (name == null) {
                throw error("'" + prefix + "metric' is missing; metrics: " + Metric.keys());
            }
            Metric metric = Metric.byKey(String.valueOf(name)).orElseThrow(() -> error("'" + prefix + "metric' is '" + name
                    + "', which is not a metric" + suggestion(String.valueOf(name), Metric.keys(), "") + " Metrics: " + Metric.keys()));
            if (!seen.add(metric)) {
                throw error("'" + prefix + "metric' checks " + metric.key() + " a second time; give each metric one check");
            }
            boolean greaterIsBetter = bool(entry, "greater_is_better", prefix, metric.greaterIsBetter());
            if (greaterIsBetter != metric.greaterIsBetter()) {
                throw error("'" + prefix + "greater_is_better' is " + greaterIsBetter + " but for " + metric.key() + " "
                        + (metric.greaterIsBetter() ? "greater" : "lower") + " is better; allowed: " + metric.greaterIsBetter()
                        + " (or leave it out)");
            }
            Double threshold = optionalNumber(entry, "threshold", prefix, 0, metric.maximum());
            Double minAbsolute = optionalNumber(entry, "min_absolute_change", prefix, -metric.maximum(), metric.maximum());
            Double minRelative = optionalNumber(entry, "min_relative_change", prefix, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
            boolean significant = bool(entry, "require_significant", prefix, false);
            if (threshold == null && minAbsolute == null && minRelative == null && !significant) {
                throw error("'" + prefix.substring(0, prefix.length() - 1) + "' (" + metric.key() + ") checks nothing; give at least one of "
                        + List.of("threshold", "min_absolute_change", "min_relative_change", "require_significant: true"));
            }
            checks.add(new GatePolicy.MetricCheck(metric, threshold, minAbsolute, minRelative, greaterIsBetter, significant));
        }
        return checks;
    }

    private List<String> columns(Object value) {
        if (value == null) {
            throw error("'slices.columns' is missing; give the holdout columns to slice by, e.g. [region]");
        }
        List<String> columns = new ArrayList<>();
        if (value instanceof String text) {
            columns.add(text);
        } else if (value instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> || entry instanceof List<?> || entry == null) {
                    throw error("'slices.columns' must be a list of column names");
                }
                columns.add(String.valueOf(entry));
            }
        } else {
            throw error("'slices.columns' must be a list of column names");
        }
        if (columns.isEmpty()) {
            throw error("'slices.columns' is empty; give the holdout columns to slice by, or leave the slices block out");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw error("'slices.columns' lists a column twice: " + columns);
        }
        return columns;
    }

    private Map<?, ?> block(Map<?, ?> root, String key, Set<String> fields) {
        Object value = root.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error("'" + key + "' must be a mapping with fields " + fields);
        }
        checkFields(map, key + ".", fields);
        return map;
    }

    private void checkFields(Map<?, ?> map, String prefix, Set<String> known) {
        for (Object key : map.keySet()) {
            String name = String.valueOf(key);
            if (!known.contains(name)) {
                throw error("unknown field '" + prefix + name + "'" + suggestion(name, known, prefix) + " Fields"
                        + (prefix.isEmpty() ? "" : " of " + prefix.substring(0, prefix.length() - 1)) + ": " + List.copyOf(known));
            }
        }
    }

    private static String suggestion(String typed, java.util.Collection<String> known, String prefix) {
        return DidYouMean.closest(typed, known).map(name -> "; did you mean '" + prefix + name + "'?").orElse(".");
    }

    private Double optionalNumber(Map<?, ?> map, String key, String prefix, double minimum, double maximum) {
        if (map.get(key) == null) {
            return null;
        }
        return number(map, key, prefix, minimum, maximum, Double.NaN);
    }

    private double requiredNumber(Map<?, ?> map, String key, String prefix, double minimum, double maximum) {
        if (map.get(key) == null) {
            throw error("'" + prefix + key + "' is missing; allowed: a number in " + range(minimum, maximum));
        }
        return number(map, key, prefix, minimum, maximum, Double.NaN);
    }

    private double number(Map<?, ?> map, String key, String prefix, double minimum, double maximum, double fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else {
            try {
                number = Double.parseDouble(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw error("'" + prefix + key + "' must be a number in " + range(minimum, maximum) + ", was '" + value + "'");
            }
        }
        if (Double.isNaN(number) || number < minimum || number > maximum) {
            throw error("'" + prefix + key + "' is " + value + "; allowed: a number in " + range(minimum, maximum));
        }
        return number;
    }

    private int integer(Map<?, ?> map, String key, String prefix, int minimum, int fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        long number;
        if (value instanceof Integer || value instanceof Long) {
            number = ((Number) value).longValue();
        } else {
            try {
                number = Long.parseLong(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw error("'" + prefix + key + "' must be a whole number of at least " + minimum + ", was '" + value + "'");
            }
        }
        if (number < minimum || number > Integer.MAX_VALUE) {
            throw error("'" + prefix + key + "' is " + value + "; allowed: a whole number of at least " + minimum);
        }
        return (int) number;
    }

    private boolean bool(Map<?, ?> map, String key, String prefix, boolean fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw error("'" + prefix + key + "' must be true or false, was '" + value + "'");
    }

    private static String range(double minimum, double maximum) {
        return "[" + format(minimum) + ", " + format(maximum) + "]";
    }

    private static String format(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "-∞";
        }
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private GateException error(String message) {
        return new GateException("Cannot read gate policy " + source + ": " + message);
    }

    private static Set<String> orderedSet(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }
}
