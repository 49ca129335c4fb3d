package io.nightshift.schedule;

import static java.util.Objects.requireNonNull;

import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecException;
import io.nightshift.job.JobSpecParser;
import io.nightshift.NightshiftException;
import io.nightshift.model.ModelReferences;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job specs of a jobs directory as the scheduler sees them: each file valid (scheduled, disabled or manual-only) or
 * invalid with its error, and the next fire times of the scheduled ones. A bad file never disables a good one: it is
 * kept as INVALID with its error (logged once per change), and a job whose file turns bad keeps its last valid version
 * scheduled until the file is fixed or removed, so a typo made at 17:00 does not cancel tonight's run.
 */
public final class JobRegistry {

    private static final Logger log = LoggerFactory.getLogger(JobRegistry.class);
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:.*");
    private static final int NEXT_FIRES = 3;

    /** What a spec file is to the scheduler. */
    public enum Status {
        /** Valid, with an enabled schedule: fired by the scheduler. */
        SCHEDULED,
        /** Valid, with {@code schedule.enabled: false}. */
        DISABLED,
        /** Valid, without a schedule: runs only with {@code nightshift run}. */
        MANUAL,
        /** Not valid; {@link JobState#error()} says why (naming the file and the field). */
        INVALID
    }

    /**
     * One spec file.
     *
     * @param name      the job's name; null when the file is too broken to tell
     * @param spec      the spec in force: the file's, or for an INVALID file its last valid version (still scheduled), or null
     * @param error     why the file is INVALID; null otherwise
     * @param nextFires the next fire times of the spec in force, if it is scheduled
     */
    public record JobState(Path file, String name, Status status, JobSpec spec, String error, List<Instant> nextFires,
            Instant checkedAt) {
        public JobState {
            requireNonNull(file, "file is null");
            requireNonNull(status, "status is null");
            nextFires = List.copyOf(nextFires);
        }

        /** Whether the scheduler fires this job: a valid enabled schedule, or the last valid one of a file turned bad. */
        public boolean scheduled() {
            return spec != null && spec.schedule() != null && spec.schedule().enabled();
        }
    }

    private final Path directory;
    private final Map<Path, JobState> states = new LinkedHashMap<>();
    private String fingerprint = "";

    private final ModelReferences models;

    /** Specs whose {@code model} is a registry reference are refused: there is no registry to check it against. */
    public JobRegistry(Path directory) {
        this(directory, ModelReferences.NONE);
    }

    /** @param models checks that a {@code model: churn@production} reference names a registered version */
    public JobRegistry(Path directory, ModelReferences models) {
        this.directory = requireNonNull(directory, "directory is null").toAbsolutePath().normalize();
        this.models = requireNonNull(models, "models is null");
    }

    public Path directory() {
        return directory;
    }

    /** Reads every spec of the directory again; returns the states, by file name. */
    public synchronized List<JobState> reload() {
        List<Path> files = specFiles();
        fingerprint = fingerprint(files);
        Map<Path, JobState> previous = new HashMap<>(states);
        Map<String, Path> owners = new HashMap<>();
        states.clear();
        for (Path file : files) {
            JobState state = read(file, previous.get(file));
            if (state.name() != null && state.status() != Status.INVALID && owners.containsKey(state.name())) {
                state = invalid(file, state.name(), "Cannot read job spec " + file + ": 'name' " + state.name()
                        + " is already the name of " + owners.get(state.name()) + "; job names must be unique", null);
            }
            if (state.name() != null && state.spec() != null) {
                owners.putIfAbsent(state.name(), file);
            }
            JobState before = previous.get(file);
            if (state.status() == Status.INVALID && (before == null || !state.error().equals(before.error()))) {
                log.error("Job spec {} is invalid{}: {}", file.getFileName(), state.spec() == null ? ""
                        : " (its last valid version stays scheduled)", state.error());
            } else if (before == null || before.status() != state.status() || !java.util.Objects.equals(before.spec(), state.spec())) {
                log.info("Job {} ({}): {}{}", state.name(), file.getFileName(), state.status(),
                        state.nextFires().isEmpty() ? "" : ", next fire " + state.nextFires().getFirst());
            }
            states.put(file, state);
        }
        previous.keySet().stream().filter(file -> !states.containsKey(file))
                .forEach(file -> log.info("Job spec {} was removed; its job is no longer scheduled", file.getFileName()));
        return jobs();
    }

    /** Whether a spec was added, changed or removed since the last {@link #reload()} (file names, sizes, times). */
    public synchronized boolean changed() {
        return !fingerprint.equals(fingerprint(specFiles()));
    }

    /** Every spec file's state, by file name, with next fire times from now. */
    public synchronized List<JobState> jobs() {
        return states.values().stream().sorted(java.util.Comparator.comparing(state -> state.file().getFileName().toString()))
                .map(state -> state.scheduled() ? new JobState(state.file(), state.name(), state.status(), state.spec(),
                        state.error(), nextFires(state.spec()), state.checkedAt()) : state)
                .toList();
    }

    /** The spec in force of the job named so, if the scheduler fires it. */
    public synchronized Optional<JobSpec> scheduled(String jobName) {
        return states.values().stream().filter(JobState::scheduled).map(JobState::spec)
                .filter(spec -> spec.name().equals(jobName)).findFirst();
    }

    /** The spec in force of the job named so, scheduled or not (for max-attempts of a job whose schedule was disabled). */
    public synchronized Optional<JobSpec> spec(String jobName) {
        return states.values().stream().map(JobState::spec).filter(java.util.Objects::nonNull)
                .filter(spec -> spec.name().equals(jobName)).findFirst();
    }

    private JobState read(Path file, JobState previous) {
        JobSpec spec;
        try {
            spec = JobSpecParser.read(file);
            validateLocations(spec, file);
        } catch (JobSpecException e) {
            JobSpec lastGood = previous == null ? null : previous.spec();
            return invalid(file, lastGood == null ? nameOf(file) : lastGood.name(), e.getMessage(), lastGood);
        }
        Status status = spec.schedule() == null ? Status.MANUAL : spec.schedule().enabled() ? Status.SCHEDULED : Status.DISABLED;
        List<Instant> next = status == Status.SCHEDULED ? nextFires(spec) : List.of();
        if (status == Status.SCHEDULED && next.isEmpty()) {
            JobSpec lastGood = previous == null ? null : previous.spec();
            return invalid(file, spec.name(), "Cannot read job spec " + file + ": 'schedule.cron' '" + spec.schedule().cron()
                    + "' never fires after now (in " + spec.zone() + "); fix it, or set 'schedule.enabled' to false", lastGood);
        }
        return new JobState(file, spec.name(), status, spec, null, next, Instant.now());
    }

    private static JobState invalid(Path file, String name, String error, JobSpec lastGood) {
        return new JobState(file, name, Status.INVALID, lastGood, error,
                lastGood != null && lastGood.schedule() != null && lastGood.schedule().enabled() ? nextFires(lastGood) : List.of(),
                Instant.now());
    }

    /**
     * What parsing cannot see: a local model that does not exist, a location that is not a path. (An input may not
     * exist yet at start-up, tonight's files arrive later: it is checked when a fire plans its run.)
     */
    void validateLocations(JobSpec spec, Path file) {
        if (spec.kind() == JobSpec.Kind.RETRAIN) {
            if (spec.schedule() != null && spec.schedule().enabled()) {
                throw new JobSpecException("Cannot schedule job spec " + file + ": 'kind' retrain jobs are not fired by serve yet;"
                        + " run it with nightshift run " + file + ", or set 'schedule.enabled' to false");
            }
            return;
        }
        String model = spec.scoring().model();
        if (ModelReferences.isReference(model) && !Files.exists(Path.of(model))) {
            try {
                models.requireKnown(model);
            } catch (NightshiftException e) {
                throw new JobSpecException("Cannot read job spec " + file + ": 'model' " + model + " is not a registered version: "
                        + e.getMessage());
            }
        } else if (!SCHEME.matcher(model).matches() && !Files.exists(Path.of(model))) {
            throw new JobSpecException("Cannot read job spec " + file + ": 'model' " + model + " does not exist (a .onnx file,"
                    + " or a model directory with model.onnx and model.yaml)");
        }
        checkPath(spec.scoring().input(), "input", file);
        checkPath(spec.scoring().output(), "output", file);
        checkPath(spec.scoring().rejects(), "rejects", file);
    }

    private static void checkPath(String location, String field, Path file) {
        if (location == null || SCHEME.matcher(location).matches()) {
            return;
        }
        try {
            Path.of(location);
        } catch (InvalidPathException e) {
            throw new JobSpecException("Cannot read job spec " + file + ": '" + field + "' is not a valid path: " + e.getMessage());
        }
    }

    /** The next fire times of a scheduled spec, computed as Quartz computes them. */
    static List<Instant> nextFires(JobSpec spec) {
        try {
            CronExpression cron = new CronExpression(spec.schedule().cron());
            cron.setTimeZone(TimeZone.getTimeZone(spec.zone()));
            List<Instant> fires = new ArrayList<>();
            Date after = new Date();
            for (int i = 0; i < NEXT_FIRES; i++) {
                after = cron.getNextValidTimeAfter(after);
                if (after == null) {
                    break;
                }
                fires.add(after.toInstant());
            }
            return fires;
        } catch (java.text.ParseException e) {
            return List.of();
        }
    }

    /** A broken file's job name, if a {@code name:} line can be found in it (so the registry can still say which job). */
    private static String nameOf(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> line.startsWith("name:")).map(line -> line.substring(5).trim()).filter(name -> !name.isEmpty())
                    .findFirst().orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    private List<Path> specFiles() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> {
                String name = file.getFileName().toString();
                return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".") && Files.isRegularFile(file);
            }).sorted().toList();
        } catch (IOException e) {
            log.warn("Cannot list the jobs directory {}: {}", directory, e.getMessage());
            return List.copyOf(states.keySet());
        }
    }

    private static String fingerprint(List<Path> files) {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            try {
                text.append(file).append(':').append(Files.size(file)).append(':').append(Files.getLastModifiedTime(file).toMillis())
                        .append('\n');
            } catch (IOException e) {
                text.append(file).append(":gone\n");
            }
        }
        return text.toString();
    }
}
