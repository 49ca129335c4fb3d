package io.nightshift.job;

import io.nightshift.NightshiftException;

/** A request about runs that cannot be carried out as asked (unknown run id, run still alive, already complete): exit code 2. */
public final class RunRequestException extends NightshiftException {
    public RunRequestException(String message) {
        super(Disposition.USAGE, message, null);
    }
}
