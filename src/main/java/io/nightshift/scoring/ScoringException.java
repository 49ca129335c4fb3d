package io.nightshift.scoring;

/**
 * A run cannot go on because of its input, model or output; the message names the file, column or setting and
 * says what to do. {@link Kind#CONFIGURATION} problems are found before a run is created or while planning it, before
 * anything is scored (exit code 2);
 * {@link Kind#RUN} problems fail the run (exit code 1) and are fixed, then relaunched.
 */
public final class ScoringException extends RuntimeException {

    public enum Kind { CONFIGURATION, RUN }

    private final Kind kind;

    public ScoringException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public ScoringException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
