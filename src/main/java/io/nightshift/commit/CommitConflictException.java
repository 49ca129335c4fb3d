package io.nightshift.commit;

/**
 * The output location already holds another run's committed result. Not safe to retry blindly: someone must decide
 * whether to overwrite it.
 */
public final class CommitConflictException extends RuntimeException {
    public CommitConflictException(String message) {
        super(message);
    }
}
