package io.nightshift.model;

/** A model that cannot be found, parsed, loaded or run; the message names the model location and what to do. */
public final class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
