package io.nightshift.cli;

/** Exit codes every command keeps: scripts and schedulers depend on them. */
final class ExitCodes {
    static final int SUCCESS = 0;
    /** The run failed or was stopped; it can be relaunched. */
    static final int FAILED = 1;
    /** Bad usage or configuration (found before or while planning a run); nothing was scored. */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
