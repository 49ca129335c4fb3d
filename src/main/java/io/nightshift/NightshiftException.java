package io.nightshift;

import static java.util.Objects.requireNonNull;

/**
 * The base of every error Nightshift raises on purpose: its message says what could not be done, why, and what to do,
 * and its {@link Disposition} says what kind of problem it is. The command line maps the disposition to an exit code
 * (and the REST API to a status), so no face keeps its own list of exception types.
 */
public abstract class NightshiftException extends RuntimeException {

    /** What kind of problem an error is, and so what its caller may do about it. */
    public enum Disposition {
        /** The request itself cannot be carried out as asked (unknown run, run still alive, already complete). */
        USAGE(2),
        /** A setting, job spec, model or input the user must fix; relaunching as it is cannot help. */
        CONFIGURATION(2),
        /** The run failed or stopped, and a relaunch (after fixing the cause, or as it is) resumes it. */
        RELAUNCHABLE(1),
        /** Whether a commit took effect is unknown: look at the output before retrying. */
        COMMIT_STATE_UNKNOWN(1),
        /** An invariant broke: a defect in Nightshift; the output was not committed. */
        BUG(1);

        private final int exitCode;

        Disposition(int exitCode) {
            this.exitCode = exitCode;
        }

        /** 0 success, 1 run failed or stopped (relaunchable), 2 usage or configuration error. */
        public int exitCode() {
            return exitCode;
        }

        /** Whether the user must change something before trying again (exit 2, no relaunch advice). */
        public boolean fixFirst() {
            return this == USAGE || this == CONFIGURATION;
        }
    }

    private final Disposition disposition;

    protected NightshiftException(Disposition disposition, String message, Throwable cause) {
        super(message, cause);
        this.disposition = requireNonNull(disposition, "disposition is null");
    }

    public final Disposition disposition() {
        return disposition;
    }

    /**
     * What this error means when it fails a run that exists (planned, claimed, partly scored): the same as
     * {@link #disposition()} unless the fix leaves the run's plan valid, so that relaunching after the fix is the way on.
     */
    public Disposition dispositionInRun() {
        return disposition;
    }
}
