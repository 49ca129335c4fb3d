package io.nightshift.scoring;

import io.nightshift.NightshiftException;

/**
 * A run cannot go on because of its input, model or output; the message names the file, column or setting and
 * says what to do. {@link Kind#CONFIGURATION} problems are found before a run is created or while planning it, before
 * anything is scored (exit code 2);
 * {@link Kind#RUN} problems fail the run (exit code 1) and are fixed, then relaunched.
 */
public final class ScoringException extends NightshiftException {

    public enum Kind { CONFIGURATION, RUN }

    private final Kind kind;

    public ScoringException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ScoringException(Kind kind, String message, Throwable cause) {
        super(kind == Kind.CONFIGURATION ? Disposition.CONFIGURATION : Disposition.RELAUNCHABLE, message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
