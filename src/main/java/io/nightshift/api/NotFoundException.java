package io.nightshift.api;

/** The job, run, model, version or report a request names does not exist: 404. */
final class NotFoundException extends RuntimeException {
    NotFoundException(String message) {
        super(message);
    }
}
