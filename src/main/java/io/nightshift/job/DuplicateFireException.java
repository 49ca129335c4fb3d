package io.nightshift.job;

import io.nightshift.NightshiftException;

/** A schedule's fire that already has its run (another node, or a recovered job, launched it first): not run again. */
public final class DuplicateFireException extends NightshiftException {
    public DuplicateFireException(String message) {
        super(Disposition.USAGE, message, null);
    }
}
