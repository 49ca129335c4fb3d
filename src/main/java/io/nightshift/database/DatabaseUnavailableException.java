package io.nightshift.database;

import io.nightshift.NightshiftException;

/**
 * The embedded database cannot be opened: the message names its location, says why, and what to do. Nothing ran;
 * trying again once the cause is gone is safe.
 */
public final class DatabaseUnavailableException extends NightshiftException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(Disposition.RELAUNCHABLE, message, cause);
    }
}
