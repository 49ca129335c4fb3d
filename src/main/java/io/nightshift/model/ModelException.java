package io.nightshift.model;

import io.nightshift.NightshiftException;

/** A model that cannot be found, parsed, loaded or run; the message names the model location and what to do. */
public final class ModelException extends NightshiftException {
    public ModelException(String message) {
        super(Disposition.CONFIGURATION, message, null);
    }

    public ModelException(String message, Throwable cause) {
        super(Disposition.CONFIGURATION, message, cause);
    }
}
