package io.nightshift.job;

import io.nightshift.DidYouMean;
import io.nightshift.budget.Budget;
import io.nightshift.model.ModelReferences;
import io.nightshift.retrain.TrainingSpec;
import io.nightshift.scoring.ScoringSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code jobs/*.yaml}. Keys are the long option names of {@code nightshift score}; an unknown key is an error
 * (a typo must not silently fall back to a default) that suggests the key meant. Every message names the file and the
 * key.
 *
 * <p>Relative paths ({@code model}, {@code input}, {@code output}, {@code rejects}) are relative to the spec file's
 * directory, as in Kubernetes and Compose files, so a spec means the same whichever directory it is run from (and
 * whichever directory a scheduler starts it in). Locations with a scheme ({@code s3://}, {@code file:}) and absolute
 * paths are kept as written; a glob stays a glob ({@code data/*.parquet} matches in the spec's {@code data/}); a
 * leading {@code ~/} is the user's home directory.
 */
public final class JobSpecParser {

    private static final Set<String> KEYS = Set.of("name", "description", "model", "input", "output", "rejects", "id-column",
            "features", "feature-prefix", "passthrough", "batch-size", "commit-interval", "threads", "max-reject-fraction",
            "overwrite", "device", "schedule", "kind", "partitions", "budget");
    /** The keys of a {@code kind: retrain} spec. */
    private static final Set<String> RETRAIN_KEYS = Set.of("name", "description", "kind", "model", "training", "holdout", "label-column",
            "policy", "recent", "register-as", "schedule");
    /** {@code s3:}, {@code file:}, {@code https:}: two letters or more, so a Windows drive letter is not a scheme. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");
    private static final Set<String> SCHEDULE_KEYS = Set.of("cron", "timezone", "misfire", "concurrency", "max-attempts",
            "enabled");

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
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /** A spec's text, its locations kept as written (for a spec that is not a file; {@link #read} resolves them). */
    public static JobSpec parse(String text, String source) {
        return parse(text, source, null);
    }

    /**
     * A spec's text; relative locations resolve against {@code directory} (the spec file's), or are kept as written
     * when it is null.
     */
    public static JobSpec parse(String text, String source, Path directory) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": not valid YAML: " + e.getMessage().replace('\n', ' '));
        }
        if (!(document instanceof Map<?, ?> root)) {
            throw new JobSpecException("Cannot read job spec " + source + ": expected a mapping of settings (name, model, input, output, ...)");
        }
        String kind = orDefault(string(root, "kind", source, false), JobSpec.Kind.SCORE.specName());
        if (kind.equals(JobSpec.Kind.RETRAIN.specName())) {
            return retrain(root, source, directory);
        }
        if (!kind.equals(JobSpec.Kind.SCORE.specName())) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'kind' is '" + kind + "'; a job is kind score (the default) "
                    + "or retrain");
        }
        for (Object key : root.keySet()) {
            if (!KEYS.contains(String.valueOf(key))) {
                throw unknownSetting(source, "", String.valueOf(key), KEYS);
            }
        }
        String name = string(root, "name", source, true);
        try {
            FireTimeTemplate.validate(string(root, "input", source, false), "input");
            FireTimeTemplate.validate(string(root, "output", source, false), "output");
            FireTimeTemplate.validate(string(root, "rejects", source, false), "rejects");
            if (FireTimeTemplate.hasPlaceholders(string(root, "model", source, false))) {
                throw new IllegalArgumentException("'model' cannot name the fire time: a run scores with one model, pinned"
                        + " when it is planned");
            }
            ScoringSettings settings = new ScoringSettings(
                    modelLocation(string(root, "model", source, true), directory),
                    location(string(root, "input", source, true), directory),
                    location(string(root, "output", source, true), directory),
                    location(string(root, "rejects", source, false), directory),
                    orDefault(string(root, "id-column", source, false), "id"),
                    list(root, "features", source),
                    string(root, "feature-prefix", source, false),
                    list(root, "passthrough", source),
                    integer(root, "batch-size", ScoringSettings.DEFAULT_BATCH_SIZE, source),
                    integer(root, "commit-interval", ScoringSettings.DEFAULT_COMMIT_INTERVAL, source),
                    integer(root, "threads", Math.max(1, Runtime.getRuntime().availableProcessors()), source),
                    decimal(root, "max-reject-fraction", ScoringSettings.DEFAULT_MAX_REJECT_FRACTION, source),
                    bool(root, "overwrite", source),
                    orDefault(string(root, "device", source, false), "cpu"),
                    partitions(root.get("partitions"), source),
                    Budget.parse(root.get("budget"), source, directory));
            return new JobSpec(name, string(root, "description", source, false), JobSpec.Kind.SCORE, settings, null,
                    schedule(root.get("schedule"), source), settings.budget());
        } catch (IllegalArgumentException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": " + e.getMessage());
        }
    }

    /**
     * A {@code kind: retrain} spec: the model's name, its {@code training:} block (its {@code data} relative to the spec's
     * directory, as every location), the gate's holdout, label column and policy, and who registers the candidate.
     */
    private static JobSpec retrain(Map<?, ?> root, String source, Path directory) {
        for (Object key : root.keySet()) {
            if (!RETRAIN_KEYS.contains(String.valueOf(key))) {
                throw unknownSetting(source, "", String.valueOf(key), RETRAIN_KEYS);
            }
        }
        String name = string(root, "name", source, true);
        if (!(root.get("training") instanceof Map<?, ?> block)) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'training' " + (root.get("training") == null ? "is missing"
                    : "must be a mapping") + "; a retrain job says what to train on (training: {data: ..., label: ...})");
        }
        Map<Object, Object> training = new LinkedHashMap<>(block);
        if (training.get("data") instanceof String data) {
            training.put("data", location(data, directory));
        }
        String policy = location(string(root, "policy", source, false), directory);
        try {
            RetrainSettings settings = new RetrainSettings(string(root, "model", source, true), TrainingSpec.fromMap(training, source),
                    location(string(root, "holdout", source, false), directory), string(root, "label-column", source, false),
                    policy == null ? null : Path.of(policy), location(string(root, "recent", source, false), directory),
                    orDefault(string(root, "register-as", source, false), RetrainSettings.jobIdentity(name)));
            return new JobSpec(name, string(root, "description", source, false), JobSpec.Kind.RETRAIN, null, settings,
                    schedule(root.get("schedule"), source));
        } catch (IllegalArgumentException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": " + e.getMessage());
        }
    }

    /** {@code unknown setting 'comit-interval'; did you mean 'commit-interval'? Settings: [...]}, like the CLI's own. */
    private static JobSpecException unknownSetting(String source, String prefix, String key, Set<String> known) {
        String suggestion = DidYouMean.closest(key, known).map(name -> "; did you mean '" + prefix + name + "'?").orElse(".");
        return new JobSpecException("Cannot read job spec " + source + ": unknown setting '" + prefix + key + "'" + suggestion
                + " Settings" + (prefix.isEmpty() ? "" : " of " + prefix.substring(0, prefix.length() - 1)) + ": "
                + known.stream().sorted().toList());
    }

    /**
     * The model as the spec means it: a registry reference ({@code churn@production}) stays as written unless a file or
     * directory of that name lies beside the spec; anything else is a location ({@link #location}).
     */
    static String modelLocation(String value, Path directory) {
        if (value != null && directory != null && ModelReferences.isReference(value) && !Files.exists(directory.resolve(value))) {
            return value;
        }
        return location(value, directory);
    }

    /**
     * A location as the spec means it: relative to {@code directory} when it is a relative path, else as written. The
     * result is what every later message shows, so an error names the path that was actually looked at.
     */
    static String location(String value, Path directory) {
        if (value == null || directory == null || SCHEME.matcher(value).matches()) {
            return value;
        }
        String path = value;
        if (path.equals("~") || path.startsWith("~/")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        Path resolved;
        try {
            resolved = directory.resolve(path).normalize();
        } catch (InvalidPathException e) {
            return value;
        }
        // A trailing slash ("data/in/") says "a directory" to a reader of the spec; keep it.
        return resolved + (path.endsWith("/") && !resolved.toString().endsWith("/") ? "/" : "");
    }

    private static final Set<String> PARTITIONS_KEYS = Set.of("mode", "target-rows", "max-workers");

    /** The {@code partitions} block: where a run's partitions execute and how big they are. */
    private static ScoringSettings.Partitions partitions(Object value, String source) {
        if (value == null) {
            return ScoringSettings.Partitions.DEFAULT;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'partitions' must be a mapping (mode, target-rows,"
                    + " max-workers)");
        }
        for (Object key : map.keySet()) {
            if (!PARTITIONS_KEYS.contains(String.valueOf(key))) {
                throw unknownSetting(source, "partitions.", String.valueOf(key), PARTITIONS_KEYS);
            }
        }
        String mode = orDefault(string(map, "mode", "partitions.", source, false), "local").trim().toLowerCase(java.util.Locale.ROOT);
        if (!mode.equals("local") && !mode.equals("remote")) {
            String suggestion = DidYouMean.closest(mode, List.of("local", "remote")).map(name -> "; did you mean '" + name + "'?")
                    .orElse(".");
            throw new JobSpecException("Cannot read job spec " + source + ": 'partitions.mode' must be local or remote, was '"
                    + mode + "'" + suggestion);
        }
        return new ScoringSettings.Partitions(ScoringSettings.Partitions.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                integer(map, "target-rows", "partitions.", 0, source), integer(map, "max-workers", "partitions.", 0, source));
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
                throw unknownSetting(source, "schedule.", String.valueOf(key), SCHEDULE_KEYS);
            }
        }
        // Settings inside the block are named with it ("schedule.cron"), so the message points at the right line.
        String cron = string(map, "cron", "schedule.", source, true);
        String timezone = string(map, "timezone", "schedule.", source, false);
        JobSpec.Misfire misfire = choice(map, "misfire", JobSpec.Misfire.class, source);
        JobSpec.Concurrency concurrency = choice(map, "concurrency", JobSpec.Concurrency.class, source);
        int maxAttempts = integer(map, "max-attempts", "schedule.", 1, source);
        Object enabled = map.get("enabled");
        if (enabled != null && !(enabled instanceof Boolean)) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'schedule.enabled' must be true or false, was '"
                    + enabled + "'");
        }
        try {
            org.quartz.CronExpression.validateExpression(cron);
        } catch (java.text.ParseException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": 'schedule.cron' is not a Quartz cron expression ('"
                    + cron + "': " + e.getMessage() + "); six or seven fields: second minute hour day-of-month month"
                    + " day-of-week [year], e.g. '0 0 2 * * ?' for 02:00 every day");
        }
        if (timezone != null) {
            try {
                java.time.ZoneId.of(timezone);
            } catch (java.time.DateTimeException e) {
                throw new JobSpecException("Cannot read job spec " + source + ": 'schedule.timezone' is not a time zone ('"
                        + timezone + "'); use a region such as Europe/Berlin, or UTC");
            }
        }
        try {
            return new JobSpec.Schedule(cron, timezone, misfire, concurrency, maxAttempts, enabled == null || (Boolean) enabled);
        } catch (IllegalArgumentException e) {
            throw new JobSpecException("Cannot read job spec " + source + ": " + e.getMessage());
        }
    }

    /** {@code run-once-now} → {@code RUN_ONCE_NOW}; null when absent. */
    private static <E extends Enum<E>> E choice(Map<?, ?> map, String key, Class<E> type, String source) {
        String value = string(map, key, "schedule.", source, false);
        if (value == null) {
            return null;
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
        int index = allowed.indexOf(value.trim().toLowerCase(java.util.Locale.ROOT));
        if (index < 0) {
            String suggestion = DidYouMean.closest(value, allowed).map(name -> "; did you mean '" + name + "'?").orElse(".");
            throw new JobSpecException("Cannot read job spec " + source + ": 'schedule." + key + "' must be one of " + allowed
                    + ", was '" + value + "'" + suggestion);
        }
        return type.getEnumConstants()[index];
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
