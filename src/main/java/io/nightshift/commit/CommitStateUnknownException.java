package io.nightshift.commit;

/**
 * Whether a commit took effect cannot be told from here (the location changed under it). Unlike
 * {@link CommitConflictException} it must not be retried blindly: look at the location first.
 */
public final class CommitStateUnknownException extends RuntimeException {
    public CommitStateUnknownException(String message) {
        super(message);
    }
}
