package io.nightshift.job;

/** A request about runs that cannot be carried out as asked (unknown run id, run still alive, already complete): exit code 2. */
public final class RunRequestException extends RuntimeException {
    public RunRequestException(String message) {
        super(message);
    }
}
