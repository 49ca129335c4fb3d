package io.nightshift.home;

import io.nightshift.job.RunHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code nightshift gc} deletes from a home, and the deleting. The rules, in the order they are applied:
 * <ul>
 *   <li>A cached model ({@code models/<sha256>/}) pinned by a run that can still be relaunched (its last execution is
 *       neither COMPLETED nor ABANDONED: failed, stopped, running, or its owner died) is always kept: its relaunch
 *       loads exactly that model from here, even if its source moved.</li>
 *   <li>Any other cached model is deleted when it was last used longer ago than the age limit. Its last use is the
 *       later of the directory's modification time (set when a command caches the model and refreshed each time a
 *       command loads it from the cache) and the last start of any run whose plan pinned it.</li>
 *   <li>A run's log ({@code logs/run-<ID>.log}) is deleted when the run is COMPLETED or ABANDONED, or is not in the job
 *       repository at all, and the log was last written longer ago than the age limit. The log of a run that can
 *       still be relaunched is kept, whatever its age: it explains a failure someone may still act on (abandon the
 *       run to let it go).</li>
 *   <li>A temporary a killed command left while caching a model ({@code models/<sha256>/.model-*.tmp}) is deleted
 *       whatever the age limit, once it is {@link #TEMPORARY_GRACE} old, so a model being cached right now by another
 *       command is not pulled from under it.</li>
 *   <li>Nothing else is touched: the job repository ({@code db/}), and files in {@code models/} or {@code logs/} that
 *       are not named as above.</li>
 * </ul>
 * {@link #plan} only decides (a dry run prints it); {@link #delete} carries a plan out.
 */
public final class HomeCleaner {

    /** How old a caching temporary must be before it counts as left over: caching a model takes seconds. */
    public static final Duration TEMPORARY_GRACE = Duration.ofMinutes(10);

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern RUN_LOG = Pattern.compile("run-(\\d+)\\.log");
    private static final Pattern TEMPORARY = Pattern.compile("\\.model-.*\\.tmp");
    private static final Pattern AGE = Pattern.compile("(\\d{1,6})([dhm])");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private HomeCleaner() {
    }

    /** What an entry is. */
    public enum Kind {
        MODEL, LOG, TEMPORARY
    }

    /**
     * A file or directory to delete, or one kept though it is old enough, and why.
     *
     * @param path  the file, or the model's directory
     * @param files how many files it holds (1 for a file)
     * @param bytes their size
     * @param seen  its modification time when gc looked at it: a model used since then (its directory's time is
     *              refreshed on every use) is no longer deleted
     */
    public record Entry(Kind kind, Path path, long files, long bytes, String why, Instant seen) {
        Entry(Kind kind, Path path, long files, long bytes, String why) {
            this(kind, path, files, bytes, why, modified(path));
        }
    }

    /** The decision for one home: what goes, and what stays although it is older than the limit (with the reason). */
    public record Plan(Path home, Duration olderThan, List<Entry> deletions, List<Entry> keptOld, int keptRecent) {
        public Plan {
            deletions = List.copyOf(deletions);
            keptOld = List.copyOf(keptOld);
        }

        public long files() {
            return deletions.stream().mapToLong(Entry::files).sum();
        }

        public long bytes() {
            return deletions.stream().mapToLong(Entry::bytes).sum();
        }
    }

    /** What {@link #delete} did: files and bytes gone, and the entries it could not delete (with why). */
    public record Result(long files, long bytes, List<String> failures) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    /**
     * An age as the command line writes it: a whole number of days, hours or minutes ({@code 30d}, {@code 12h},
     * {@code 90m}), at least one.
     */
    public static Duration parseAge(String text) {
        Matcher matcher = AGE.matcher(text == null ? "" : text.strip());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IllegalArgumentException("'" + text + "' is not an age: give a whole number of days, hours or minutes, "
                    + "at least 1, such as 30d, 12h or 90m");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "d" -> Duration.ofDays(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    /** An age as {@link #parseAge} reads it: {@code 30d}, {@code 12h}, {@code 90m}. */
    public static String formatAge(Duration age) {
        if (age.toMinutes() % (24 * 60) == 0) {
            return age.toDays() + "d";
        }
        return age.toMinutes() % 60 == 0 ? age.toHours() + "h" : age.toMinutes() + "m";
    }

    /** Decides what to delete from {@code home}, given the job repository's runs; changes nothing. */
    public static Plan plan(Path home, List<RunHistory.Entry> runs, Duration olderThan, Instant now) {
        Instant limit = now.minus(olderThan);
        Instant temporaryLimit = now.minus(TEMPORARY_GRACE);
        Map<Long, RunHistory.Entry> byId = new HashMap<>();
        Map<String, List<RunHistory.Entry>> bySha = new HashMap<>();
        for (RunHistory.Entry run : runs) {
            byId.put(run.runId(), run);
            if (run.modelSha256() != null) {
                bySha.computeIfAbsent(run.modelSha256(), sha -> new ArrayList<>()).add(run);
            }
        }
        List<Entry> deletions = new ArrayList<>();
        List<Entry> keptOld = new ArrayList<>();
        int keptRecent = 0;
        for (Path directory : children(home.resolve("models"))) {
            String sha = directory.getFileName().toString();
            if (!Files.isDirectory(directory) || !SHA256.matcher(sha).matches()) {
                continue;
            }
            List<RunHistory.Entry> pinning = bySha.getOrDefault(sha, List.of());
            List<RunHistory.Entry> relaunchable = pinning.stream().filter(RunHistory.Entry::relaunchable).toList();
            Instant lastUsed = lastUsed(directory, pinning);
            if (!relaunchable.isEmpty()) {
                if (lastUsed.isBefore(limit)) {
                    keptOld.add(model(directory, "pinned by " + describe(relaunchable) + ", which is not finished or abandoned"));
                } else {
                    keptRecent++;
                }
                deletions.addAll(temporaries(directory, temporaryLimit));
            } else if (lastUsed.isBefore(limit)) {
                deletions.add(model(directory, "last used " + WHEN.format(lastUsed) + (pinning.isEmpty() ? "" : " (" + describe(pinning) + ")")));
            } else {
                keptRecent++;
                deletions.addAll(temporaries(directory, temporaryLimit));
            }
        }
        for (Path log : children(home.resolve("logs"))) {
            Matcher matcher = RUN_LOG.matcher(log.getFileName().toString());
            if (!matcher.matches() || !Files.isRegularFile(log)) {
                continue;
            }
            RunHistory.Entry run = byId.get(Long.parseLong(matcher.group(1)));
            Instant written = modified(log);
            if (!written.isBefore(limit)) {
                keptRecent++;
            } else if (run != null && run.relaunchable()) {
                keptOld.add(new Entry(Kind.LOG, log, 1, size(log), "run " + run.runId() + " is " + run.status()
                        + " and not abandoned (abandon it to let its log go)"));
            } else {
                deletions.add(new Entry(Kind.LOG, log, 1, size(log), (run == null ? "no such run in the job repository"
                        : "run " + run.runId() + " " + run.status()) + ", last written " + WHEN.format(written)));
            }
        }
        deletions.sort(Comparator.comparing(Entry::kind).thenComparing(Entry::path));
        return new Plan(home, olderThan, deletions, keptOld, keptRecent);
    }

    /** Deletes what {@code plan} lists; an entry that cannot be deleted is reported and the rest still go. */
    public static Result delete(Plan plan) {
        long files = 0;
        long bytes = 0;
        List<String> failures = new ArrayList<>();
        for (Entry entry : plan.deletions()) {
            try {
                // A command may have started using the model between planning and now: then it stays.
                if (entry.kind() == Kind.MODEL && modified(entry.path()).isAfter(entry.seen())) {
                    continue;
                }
                deleteTree(entry.path());
                files += entry.files();
                bytes += entry.bytes();
            } catch (IOException | UncheckedIOException e) {
                failures.add(entry.path() + ": " + e.getMessage());
            }
        }
        return new Result(files, bytes, failures);
    }

    private static Entry model(Path directory, String why) {
        long[] filesAndBytes = filesAndBytes(directory);
        return new Entry(Kind.MODEL, directory, filesAndBytes[0], filesAndBytes[1], why);
    }

    private static List<Entry> temporaries(Path directory, Instant olderThan) {
        List<Entry> leftovers = new ArrayList<>();
        for (Path file : children(directory)) {
            if (TEMPORARY.matcher(file.getFileName().toString()).matches() && Files.isRegularFile(file)
                    && modified(file).isBefore(olderThan)) {
                leftovers.add(new Entry(Kind.TEMPORARY, file, 1, size(file), "left over by a command killed while caching the model"));
            }
        }
        return leftovers;
    }

    private static Instant lastUsed(Path directory, List<RunHistory.Entry> pinning) {
        Instant used = modified(directory);
        for (RunHistory.Entry run : pinning) {
            if (run.lastStarted() != null && run.lastStarted().isAfter(used)) {
                used = run.lastStarted();
            }
        }
        return used;
    }

    /** {@code run 3 COMPLETED, run 7 FAILED}, at most a few. */
    private static String describe(List<RunHistory.Entry> runs) {
        TreeSet<Long> ids = new TreeSet<>(runs.stream().map(RunHistory.Entry::runId).toList());
        List<String> shown = new ArrayList<>();
        for (RunHistory.Entry run : runs.stream().sorted(Comparator.comparingLong(RunHistory.Entry::runId)).limit(3).toList()) {
            shown.add("run " + run.runId() + " " + run.status());
        }
        return String.join(", ", shown) + (ids.size() > 3 ? " and " + (ids.size() - 3) + " more" : "");
    }

    /** Entries of a directory, sorted; none when it does not exist. */
    private static List<Path> children(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            List<Path> children = new ArrayList<>();
            stream.forEach(children::add);
            children.sort(Comparator.naturalOrder());
            return children;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Instant modified(Path path) {
        try {
            return Files.getLastModifiedTime(path).toInstant();
        } catch (NoSuchFileException e) {
            return Instant.MAX;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the modification time of " + path + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long[] filesAndBytes(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            long[] result = new long[2];
            walk.filter(Files::isRegularFile).forEach(file -> {
                result[0]++;
                result[1] += size(file);
            });
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                for (Path inside : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(inside);
                }
            }
        } else {
            Files.deleteIfExists(path);
        }
    }

    /** How a size reads to a person: {@code 512 B}, {@code 14.2 KiB}, {@code 3.1 MiB}, {@code 1.0 GiB}. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
