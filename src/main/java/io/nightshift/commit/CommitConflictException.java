package io.nightshift.commit;

import io.nightshift.NightshiftException;

/**
 * The output location already holds another run's committed result. Not safe to retry blindly: someone must decide
 * whether to overwrite it.
 */
public final class CommitConflictException extends NightshiftException {
    public CommitConflictException(String message) {
        super(Disposition.CONFIGURATION, message, null);
    }
}
