package io.nightshift.commit;

import io.nightshift.NightshiftException;

/**
 * Whether a commit took effect cannot be told from here (the location changed under it). Unlike
 * {@link CommitConflictException} it must not be retried blindly: look at the location first.
 */
public final class CommitStateUnknownException extends NightshiftException {
    public CommitStateUnknownException(String message) {
        super(Disposition.COMMIT_STATE_UNKNOWN, message, null);
    }
}
