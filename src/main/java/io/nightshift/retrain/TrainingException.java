package io.nightshift.retrain;

import io.nightshift.NightshiftException;

/**
 * Training could not be done: a setting or the training data must be fixed ({@link Disposition#CONFIGURATION}), or
 * the store did not answer and trying again may work ({@link Disposition#RELAUNCHABLE}). The message names the file,
 * column or setting.
 */
public final class TrainingException extends NightshiftException {

    public TrainingException(Disposition disposition, String message, Throwable cause) {
        super(disposition, message, cause);
    }

    static TrainingException configuration(String message) {
        return new TrainingException(Disposition.CONFIGURATION, message, null);
    }

    static TrainingException configuration(String message, Throwable cause) {
        return new TrainingException(Disposition.CONFIGURATION, message, cause);
    }
}
