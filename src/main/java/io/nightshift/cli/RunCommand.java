package io.nightshift.cli;

import io.nightshift.job.JobSpec;
import io.nightshift.job.JobSpecParser;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a job spec (jobs/NAME.yaml) once, now, as a new run.",
        exitCodeListHeading = ExitCodes.HEADING, footerHeading = ExitCodes.FOOTER_HEADING, exitCodeList = {ExitCodes.SUCCESS_LINE, ExitCodes.FAILED_LINE, ExitCodes.USAGE_LINE})
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", description = "A job spec file, e.g. jobs/demo.yaml.")
    Path spec;

    @Option(names = "--as-of", paramLabel = "TIME",
            description = "Resolve {fire_date}/{fire_time} in the spec's locations for this ISO time (default: now), e.g. 2026-12-01T02:00 in the job's time zone.")
    String asOf;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        JobSpec job = JobSpecParser.read(spec);
        if (job.kind() == JobSpec.Kind.RETRAIN) {
            return RunExecution.execute(runs -> runs.retrain(spec), System.out, output.json);
        }
        Instant time = asOf == null ? Instant.now() : asOf(asOf, job.zone());
        return RunExecution.execute(runs -> runs.score(job.name(), job.scoringAt(time)), System.out, output.json);
    }

    /** {@code 2026-12-01T02:00:00Z}, {@code 2026-12-01T02:00+01:00}, or a local {@code 2026-12-01T02:00} in the job's zone. */
    static Instant asOf(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException notLocal) {
                throw new IllegalArgumentException("--as-of must be an ISO date-time such as 2026-12-01T02:00 (in the job's"
                        + " time zone, " + zone + ") or 2026-12-01T02:00:00Z, was '" + text + "'");
            }
        }
    }
}
