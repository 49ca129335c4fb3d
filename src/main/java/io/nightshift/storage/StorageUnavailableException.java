package io.nightshift.storage;

import java.io.IOException;

/**
 * The store did not answer usefully even after retries — throttled, a server error, a connection that kept breaking —
 * but nothing says the request was wrong: the same call can succeed later. Callers tell the user to retry or
 * relaunch, never to fix their input.
 */
public final class StorageUnavailableException extends IOException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
