package io.nightshift.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * How the command line shows times, durations and locations: times to the second in the JVM's default zone with the
 * zone's name, so runs started on machines in other zones compare at a glance; locations as something to paste:
 * a local file as its plain path ({@code /data/out put/}, not {@code file:///data/out%20put/}), anything else
 * ({@code s3://…}) as it is.
 */
final class Display {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private Display() {
    }

    /** Spring Batch records times as local date-times of the JVM's default zone. */
    static ZonedDateTime zoned(LocalDateTime time) {
        return time.atZone(ZoneId.systemDefault());
    }

    /** {@code 2026-12-02 01:15:13 UTC}, or {@code -}. */
    static String time(LocalDateTime time) {
        return time == null ? "-" : zoned(time).format(TIME);
    }

    static String time(Instant time) {
        return time == null ? "-" : time.atZone(ZoneId.systemDefault()).format(TIME);
    }

    /** ISO-8601 with offset, to the millisecond, for JSON; null stays null. */
    static String isoTime(LocalDateTime time) {
        return time == null ? null : zoned(time).truncatedTo(ChronoUnit.MILLIS).toOffsetDateTime().toString();
    }

    static String isoTime(Instant time) {
        return time == null ? null : time.atZone(ZoneId.systemDefault()).truncatedTo(ChronoUnit.MILLIS).toOffsetDateTime().toString();
    }

    /** {@code 4.1 s}, {@code 3 min 12 s}, {@code 2 h 05 min}, or {@code -}. */
    static String duration(Duration duration) {
        if (duration == null) {
            return "-";
        }
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
        }
        if (seconds < 3600) {
            return "%d min %02d s".formatted(seconds / 60, seconds % 60);
        }
        return "%d h %02d min".formatted(seconds / 3600, seconds / 60 % 60);
    }

    /** Seconds with millisecond precision, for JSON; null stays null. */
    static Double seconds(Duration duration) {
        return duration == null ? null : duration.toMillis() / 1000.0;
    }

    /** A location to paste: a {@code file:} URI as its decoded local path (a trailing slash kept), else the URI. */
    static String location(String uri) {
        if (uri == null) {
            return null;
        }
        if (!uri.startsWith("file:")) {
            return uri;
        }
        try {
            String path = Path.of(URI.create(uri)).toString();
            return uri.endsWith("/") && !path.endsWith("/") ? path + "/" : path;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return uri;
        }
    }

    /** {@link #location}, or {@code -}. */
    static String locationOrDash(String uri) {
        return uri == null ? "-" : location(uri);
    }

    static String orDash(String text) {
        return text == null ? "-" : text;
    }
}
