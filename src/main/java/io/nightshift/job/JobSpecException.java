package io.nightshift.job;

import io.nightshift.NightshiftException;

/** A job spec that cannot be read; the message names the file and the setting. Exit code 2. */
public final class JobSpecException extends NightshiftException {
    public JobSpecException(String message) {
        super(Disposition.CONFIGURATION, message, null);
    }
}
