package io.nightshift.cli;

import io.nightshift.commit.CommitConflictException;
import io.nightshift.database.DatabaseUnavailableException;
import io.nightshift.job.JobSpecException;
import io.nightshift.job.RunRequestException;
import io.nightshift.model.ModelException;
import io.nightshift.scoring.ScoringException;
import picocli.CommandLine;

/**
 * Turns exceptions into one clear line on stderr and an exit code: 2 for problems a user fixes in the command,
 * job spec or configuration (nothing ran), 1 for everything else. Stack traces only with NIGHTSHIFT_DEBUG=1.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Throwable cause = unwrap(exception);
        commandLine.getErr().println("nightshift: " + cause.getMessage());
        if (System.getenv("NIGHTSHIFT_DEBUG") != null) {
            exception.printStackTrace(commandLine.getErr());
        }
        return exitCode(cause);
    }

    static int exitCode(Throwable cause) {
        if (cause instanceof ScoringException scoring) {
            return scoring.kind() == ScoringException.Kind.CONFIGURATION ? ExitCodes.USAGE : ExitCodes.FAILED;
        }
        if (cause instanceof ModelException || cause instanceof JobSpecException || cause instanceof RunRequestException
                || cause instanceof IllegalArgumentException || cause instanceof CommitConflictException) {
            return ExitCodes.USAGE;
        }
        return ExitCodes.FAILED;
    }

    /** Spring wraps start-up failures; the user needs the innermost of ours, or the root cause. */
    static Throwable unwrap(Throwable exception) {
        Throwable ours = null;
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof ScoringException || cause instanceof ModelException || cause instanceof JobSpecException
                    || cause instanceof RunRequestException || cause instanceof IllegalArgumentException
                    || cause instanceof DatabaseUnavailableException) {
                ours = cause;
            }
            if (cause.getCause() == null) {
                return ours != null ? ours : cause;
            }
        }
        return exception;
    }
}
