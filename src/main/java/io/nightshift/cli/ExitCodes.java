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

    private ExitCodes() {
    }
}
