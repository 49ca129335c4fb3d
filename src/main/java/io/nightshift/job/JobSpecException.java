package io.nightshift.job;

/** A job spec that cannot be read; the message names the file and the setting. Exit code 2. */
public final class JobSpecException extends RuntimeException {
    public JobSpecException(String message) {
        super(message);
    }
}
