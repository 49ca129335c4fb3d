package io.nightshift.cli;

import io.nightshift.NightshiftException;
import picocli.CommandLine;

/**
 * Turns exceptions into one clear line on stderr and an exit code from the error's disposition
 * ({@link NightshiftException.Disposition}): 2 for problems a user fixes in the command, job spec or configuration,
 * 1 for a failed run and everything else. Stack traces only with --verbose (or NIGHTSHIFT_DEBUG=1); otherwise a
 * failure after the run got its log file names the file, which has the trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        Throwable cause = unwrap(exception);
        int exitCode = exitCode(cause);
        // A failure that is not the user's to fix: where its trace is, when the run it belongs to has a log file.
        String details = exitCode != ExitCodes.USAGE && RunLog.lastFile() != null && !ConsoleLog.verbose()
                ? " (details in " + RunLog.lastFile() + ")" : "";
        commandLine.getErr().println("nightshift: " + cause.getMessage() + details);
        if (ConsoleLog.verbose() || System.getenv("NIGHTSHIFT_DEBUG") != null) {
            exception.printStackTrace(commandLine.getErr());
        }
        return exitCode;
    }

    /** The exit code of an error: its disposition's when it is one of ours; 2 for a bad argument; 1 otherwise. */
    static int exitCode(Throwable cause) {
        if (cause instanceof NightshiftException ours) {
            return ours.disposition().exitCode();
        }
        return cause instanceof IllegalArgumentException ? ExitCodes.USAGE : ExitCodes.FAILED;
    }

    /** Spring wraps start-up failures; the user needs the innermost of ours, or the root cause. */
    static Throwable unwrap(Throwable exception) {
        Throwable ours = null;
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof NightshiftException || cause instanceof IllegalArgumentException) {
                ours = cause;
            }
            if (cause.getCause() == null) {
                return ours != null ? ours : cause;
            }
        }
        return exception;
    }
}
