package io.nightshift.job;

import io.nightshift.scoring.ScoringSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code jobs/*.yaml}. Keys are the long option names of {@code nightshift score}; an unknown key is an error
 * (a typo must not silently fall back to a default). Every message names the file and the key.
 */
public final class JobSpecParser {

    private static final Set<String> KEYS = Set.of("name", "description", "model", "input", "output", "rejects", "id-column",
            "features", "feature-prefix", "passthrough", "batch-size", "commit-interval", "threads", "max-reject-fraction",
            "overwrite", "device", "schedule");
    private static final Set<String> SCHEDULE_KEYS = Set.of("cron", "timezone", "max-attempts");

    private JobSpecParser() {
    }

    public static JobSpec read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new JobSpecException("Cannot read job spec " + file + ": no such file. Job specs live in jobs/*.yaml.");
        } catch (IOException e) {
            throw new JobSpecException("Cannot read job spec " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    public static JobSpec parse(String text, String source) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new JobSpecException("Cannot read job spec " + source + ": expected a mapping of settings (name, model, input, output, ...)");
        }
        for (Object key : root.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw new JobSpecException("Cannot read job spec " + source + ": unknown setting '" + key + "'; allowed: "
                        + KEYS.stream().sorted().toList());
            }
        }
        String name = string(root, "name", source, true);
        try {
            ScoringSettings settings = new ScoringSettings(
                    string(root, "model", source, true),
                    string(root, "input", source, true),
                    string(root, "output", source, true),
                    string(root, "rejects", source, false),
                    orDefault(string(root, "id-column", source, false), "id"),
                    list(root, "features", source),
                    string(root, "feature-prefix", source, false),
                    list(root, "passthrough", source),
                    integer(root, "batch-size", ScoringSettings.DEFAULT_BATCH_SIZE, source),
                    integer(root, "commit-interval", ScoringSettings.DEFAULT_COMMIT_INTERVAL, source),
                    integer(root, "threads", Math.max(1, Runtime.getRuntime().availableProcessors()), source),
                    decimal(root, "max-reject-fraction", ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, source),
                    bool(root, "overwrite", source),
                    orDefault(string(root, "device", source, false), "cpu"));
            return new JobSpec(name, string(root, "description", source, false), settings, schedule(root.get("schedule"), source));
        } catch (IllegalArgumentException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": " + e.getMessage());
        }
    }

    private static JobSpec.Schedule schedule(Object value, String source) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'schedule' must be a mapping with cron and timezone");
        }
        for (Object key : map.keySet()) {
            if (!SCHEDULE_KEYS.contains(String.valueOf(key))) {
                throw new JobSpecException("Cannot read job spec " + source + ": unknown setting 'schedule." + key + "'; allowed: "
                        + SCHEDULE_KEYS.stream().sorted().toList());
            }
        }
        // Settings inside the block are named with it ("schedule.cron"), so the message points at the right line.
        String cron = string(map, "cron", "schedule.", source, true);
        return new JobSpec.Schedule(cron, string(map, "timezone", "schedule.", source, false),
                integer(map, "max-attempts", "schedule.", 1, source));
    }

    private static String string(Map<?, ?> map, String key, String source, boolean required) {
        return string(map, key, "", source, required);
    }

    private static String string(Map<?, ?> map, String key, String prefix, String source, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            if (required) {
                throw new JobSpecException("Cannot read job spec " + source + ": '" + prefix + key + "' is missing");
            }
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new JobSpecException("Cannot read job spec " + source + ": '" + prefix + key + "' must be a single value");
        }
        return String.valueOf(value);
    }

    private static List<String> list(Map<?, ?> map, String key, String source) {
        Object value = map.get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof String text) {
            return List.of(text.split("\\s*,\\s*"));
        }
        if (!(value instanceof List<?> entries)) {
            throw new JobSpecException("Cannot read job spec " + source + ": '" + key + "' must be a list");
        }
        List<String> result = new ArrayList<>();
        for (Object entry : entries) {
            result.add(String.valueOf(entry));
        }
        return result;
    }

    private static int integer(Map<?, ?> map, String key, int fallback, String source) {
        return integer(map, key, "", fallback, source);
    }

    private static int integer(Map<?, ?> map, String key, String prefix, int fallback, String source) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Integer number) {
            return number;
        }
        try {
            return Integer.parseInt(String.valueOf(value).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": '" + prefix + key + "' must be a whole number, was '"
                    + value + "'");
        }
    }

    private static double decimal(Map<?, ?> map, String key, double fallback, String source) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": '" + key + "' must be a number, was '" + value + "'");
        }
    }

    private static boolean bool(Map<?, ?> map, String key, String source) {
        Object value = map.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        throw new JobSpecException("Cannot read job spec " + source + ": '" + key + "' must be true or false, was '" + value + "'");
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
