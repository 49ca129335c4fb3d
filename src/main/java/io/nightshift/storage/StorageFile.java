package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

/** A file found by a listing: its normalised URI and size in bytes. */
public record StorageFile(String uri, long size) {
    public StorageFile {
        requireNonNull(uri, "uri is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /** The last path segment ({@code part-3.parquet}). */
    public String name() {
        int slash = uri.lastIndexOf('/');
        return slash < 0 ? uri : uri.substring(slash + 1);
    }
}
