package io.nightshift.job;

import io.nightshift.NightshiftException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Why an execution of a run did not complete, in words for whoever has to act on it. The exceptions that failed an
 * execution exist only in the process that ran it, so that process records the reason with the execution (its
 * execution context, {@link #REASON_KEY}) when the execution ends. An execution without one (its process was killed
 * before it could record it, or it ended before reasons were recorded) gets one derived from what Spring Batch stored:
 * the exit descriptions of the execution and its steps, which begin with the failure's stack trace.
 */
final class RunReasons {

    /** The reason recorded with an execution that did not complete. */
    static final String REASON_KEY = "nightshift.reason";
    /** The {@link NightshiftException.Disposition} of the error that failed an execution, when it was one of ours. */
    static final String DISPOSITION_KEY = "nightshift.disposition";
    /** Who stopped an execution when it was not a user or a signal: {@code budget} (left for an operator, never relaunched by the scheduler). */
    static final String STOPPED_BY_KEY = "nightshift.stopped-by";
    /** {@link #STOPPED_BY_KEY} of a run its budget guard stopped. */
    static final String BUDGET = "budget";

    private static final Logger log = LoggerFactory.getLogger(RunReasons.class);
    private static final String CAUSED_BY = "Caused by: ";

    private RunReasons() {
    }

    /**
     * The most useful failure message of an execution that ran in this process: ours (what and why) if any; else any
     * message in any cause chain that says what could not be done ("Cannot finish s3://…"); else the root cause of a
     * failure that is not one of Spring Batch's own wrappers ("Partition handler returned an unsuccessful step" says
     * nothing). Null when the execution has no failure exceptions.
     */
    static String fromFailures(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.STOPPED) {
            return "stopped on request after a chunk; relaunch it to resume from its last checkpoint";
        }
        List<Throwable> failures = new ArrayList<>(execution.getAllFailureExceptions());
        for (Throwable failure : failures) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof NightshiftException) {
                    return cause.getMessage();
                }
            }
        }
        for (Throwable failure : failures) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause.getMessage() != null && cause.getMessage().startsWith("Cannot ")) {
                    return cause.getMessage();
                }
            }
        }
        failures.sort(Comparator.comparing(RunReasons::isBatchWrapper));
        for (Throwable failure : failures) {
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
            return message + (root != failure ? " (caused by " + root + ")" : "");
        }
        return null;
    }

    /** The disposition of the first of our errors among an execution's failures (in this process), if any. */
    static Optional<NightshiftException.Disposition> disposition(JobExecution execution) {
        for (Throwable failure : execution.getAllFailureExceptions()) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof NightshiftException ours) {
                    return Optional.of(ours.dispositionInRun());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Saves the reason (and the disposition, if known) with an execution that has ended. Best effort: the run's state
     * is already recorded, and a database that fails now only costs status its exact words.
     */
    static void record(JobRepository jobRepository, JobExecution execution, String reason,
            NightshiftException.Disposition disposition) {
        if (reason == null) {
            return;
        }
        try {
            execution.getExecutionContext().putString(REASON_KEY, reason);
            if (disposition != null) {
                execution.getExecutionContext().putString(DISPOSITION_KEY, disposition.name());
            }
            jobRepository.updateExecutionContext(execution);
        } catch (RuntimeException e) {
            log.warn("Cannot record why execution {} ended ({}): {}", execution.getId(), reason, e.getMessage());
        }
    }

    /** The reason an execution read back from the job repository ended, or null for a completed or running one. */
    static String of(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.COMPLETED || execution.getStatus().isRunning()) {
            return null;
        }
        if (execution.getExecutionContext().containsKey(REASON_KEY)) {
            return execution.getExecutionContext().getString(REASON_KEY);
        }
        return switch (execution.getStatus()) {
            case STOPPED -> "stopped on request after a chunk; relaunch it to resume from its last checkpoint";
            case ABANDONED -> "abandoned with `nightshift abandon`: its files were deleted; start a new run";
            default -> fromExitDescriptions(execution)
                    .orElse("failed without a recorded reason (exit code " + execution.getExitStatus().getExitCode()
                            + "); the log of the process that ran it says more");
        };
    }

    /** The disposition recorded with an execution, if any. */
    static Optional<NightshiftException.Disposition> recordedDisposition(JobExecution execution) {
        if (!execution.getExecutionContext().containsKey(DISPOSITION_KEY)) {
            return Optional.empty();
        }
        try {
            return Optional.of(NightshiftException.Disposition.valueOf(execution.getExecutionContext().getString(DISPOSITION_KEY)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The message of the most telling exception in the stack traces Spring Batch stored as exit descriptions, the
     * execution's first, then its failed steps': one of ours ({@code io.nightshift.…}); else a message that says what
     * could not be done; else the first exception that is not one of Spring Batch's own.
     */
    static Optional<String> fromExitDescriptions(JobExecution execution) {
        List<String> descriptions = new ArrayList<>();
        descriptions.add(execution.getExitStatus().getExitDescription());
        execution.getStepExecutions().stream()
                .filter(step -> step.getStatus() != BatchStatus.COMPLETED)
                .sorted(Comparator.comparing((StepExecution step) -> !step.getStepName().contains(":")))
                .forEach(step -> descriptions.add(step.getExitStatus().getExitDescription()));
        List<String[]> exceptions = new ArrayList<>();
        for (String description : descriptions) {
            exceptions.addAll(exceptions(description));
        }
        return exceptions.stream().filter(exception -> exception[0].startsWith("io.nightshift.")).findFirst()
                .or(() -> exceptions.stream().filter(exception -> exception[1].startsWith("Cannot ")).findFirst())
                .or(() -> exceptions.stream().filter(exception -> !exception[0].startsWith("org.springframework.batch.")).findFirst())
                .or(() -> exceptions.stream().findFirst())
                .map(exception -> exception[1].isEmpty() ? exception[0] : exception[1]);
    }

    /** {class, message} of the exception on a stack trace's first line and of each "Caused by:" line. */
    private static List<String[]> exceptions(String stackTrace) {
        List<String[]> exceptions = new ArrayList<>();
        if (stackTrace == null || stackTrace.isBlank()) {
            return exceptions;
        }
        List<String> lines = stackTrace.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 || line.startsWith(CAUSED_BY)) {
                String text = line.startsWith(CAUSED_BY) ? line.substring(CAUSED_BY.length()) : line;
                int colon = text.indexOf(": ");
                String type = colon < 0 ? text.strip() : text.substring(0, colon);
                if (!type.isEmpty() && type.chars().noneMatch(Character::isWhitespace)) {
                    exceptions.add(new String[] {type, colon < 0 ? "" : text.substring(colon + 2).strip()});
                }
            }
        }
        return exceptions;
    }

    private static boolean isBatchWrapper(Throwable failure) {
        return failure.getCause() == null && failure.getClass().getName().startsWith("org.springframework.batch.");
    }
}
