package io.nightshift.job;

import io.nightshift.DidYouMean;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A location that may name the time a run is for: {@code s3://scores/churn/{fire_date}} or
 * {@code out/{fire_time:yyyyMMdd'T'HHmm}}, so each night writes a new location. {@code {fire_date}} is
 * {@code yyyy-MM-dd}; {@code {fire_time}} is {@code yyyyMMdd'T'HHmmss} unless a pattern follows the colon
 * ({@link DateTimeFormatter} syntax); both in the job's time zone. A scheduled run is for its fire time, a manual one
 * for now (or {@code --as-of}). Only {@code {word}} and {@code {word:pattern}} are placeholders: a glob's
 * {@code {a,b}} is left to the glob.
 */
public final class FireTimeTemplate {

    static final List<String> PLACEHOLDERS = List.of("fire_date", "fire_time");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_-]*)(?::([^{}]*))?}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT);

    private FireTimeTemplate() {
    }

    /**
     * Checks a location's placeholders; {@code field} names the setting in the message. Throws
     * {@link IllegalArgumentException} for an unknown placeholder or a bad pattern.
     */
    public static void validate(String location, String field) {
        if (location == null) {
            return;
        }
        Matcher matcher = PLACEHOLDER.matcher(location);
        while (matcher.find()) {
            formatter(matcher.group(1), matcher.group(2), field);
        }
    }

    /** Whether a location names the fire time at all (two runs of it at different times write different places). */
    public static boolean hasPlaceholders(String location) {
        return location != null && PLACEHOLDER.matcher(location).find();
    }

    /** The location with each placeholder replaced by {@code time} (already in the job's zone). */
    public static String resolve(String location, ZonedDateTime time, String field) {
        if (location == null) {
            return null;
        }
        Matcher matcher = PLACEHOLDER.matcher(location);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            DateTimeFormatter formatter = formatter(matcher.group(1), matcher.group(2), field);
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(formatter.format(time)));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    private static DateTimeFormatter formatter(String name, String pattern, String field) {
        switch (name) {
            case "fire_date" -> {
                if (pattern != null) {
                    throw new IllegalArgumentException("'" + field + "': {fire_date} takes no pattern (it is yyyy-MM-dd);"
                            + " use {fire_time:" + pattern + "}");
                }
                return DATE;
            }
            case "fire_time" -> {
                if (pattern == null) {
                    return TIME;
                }
                try {
                    return DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("'" + field + "': bad date-time pattern in {fire_time:" + pattern + "}: "
                            + e.getMessage());
                }
            }
            default -> {
                String suggestion = DidYouMean.closest(name, PLACEHOLDERS).map(known -> "; did you mean {" + known + "}?")
                        .orElse(".");
                throw new IllegalArgumentException("'" + field + "': unknown placeholder {" + name + "}" + suggestion
                        + " Placeholders: {fire_date}, {fire_time} and {fire_time:PATTERN}");
            }
        }
    }
}
