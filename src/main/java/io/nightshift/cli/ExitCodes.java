package io.nightshift.cli;

/** Exit codes every command keeps: scripts and schedulers depend on them. */
final class ExitCodes {
    static final int SUCCESS = 0;
    /** The run failed or was stopped; it can be relaunched. */
    static final int FAILED = 1;
    /** Bad usage or configuration (found before or while planning a run); nothing was scored. */
    static final int USAGE = 2;

    /** The footer of the top-level and the run commands' help (Picocli's "CODE:Description" lines). */
    static final String HEADING = "%nExit codes:%n";
    /** Picocli ends the exit code list without a line break. */
    static final String FOOTER_HEADING = "%n";
    static final String SUCCESS_LINE = "0:Success.";
    static final String FAILED_LINE = "1:The run failed or was stopped: relaunch it (nightshift relaunch RUN_ID).";
    static final String USAGE_LINE = "2:Usage or configuration error: fix the command, job spec or settings.";
    /** The registry commands' exit codes: nothing they do is a run. */
    static final String REGISTRY_FAILED_LINE = "1:Unexpected failure (database or registry store unreachable): try again.";
    static final String REGISTRY_USAGE_LINE = "2:Refused or bad usage: unknown model, version or alias, a four-eyes rule, "
            + "a candidate in the wrong state, or a tampered artifact.";

    private ExitCodes() {
    }
}
