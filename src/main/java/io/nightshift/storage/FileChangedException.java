package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * A file no longer has the version a reader pinned: it was replaced, rewritten or deleted since it was first seen.
 * Callers that planned work on the old version must not go on reading the new one.
 */
public final class FileChangedException extends IOException {

    private final String uri;
    private final String expectedVersion;
    private final String actualVersion;

    /** {@code actualVersion} is null when the file is gone. */
    public FileChangedException(String uri, String expectedVersion, String actualVersion) {
        super(uri + " changed (" + requireNonNull(expectedVersion, "expectedVersion is null") + " → "
                + (actualVersion == null ? "deleted" : actualVersion) + ")");
        this.uri = requireNonNull(uri, "uri is null");
        this.expectedVersion = expectedVersion;
        this.actualVersion = actualVersion;
    }

    public String uri() {
        return uri;
    }

    public String expectedVersion() {
        return expectedVersion;
    }

    /** The version the file has now, or null when it no longer exists. */
    public String actualVersion() {
        return actualVersion;
    }

    /** "ETag "a1…" → "b7…"" style: what changed, for a sentence of the caller's. */
    public String change() {
        return expectedVersion + " → " + (actualVersion == null ? "deleted" : actualVersion);
    }
}
