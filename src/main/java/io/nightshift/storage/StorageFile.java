package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

/**
 * A file found by a listing or a stat: its normalised URI, size in bytes and version. The version is a readable token
 * that changes whenever the content does ({@code ETag "9b2c…"} or {@code versionId 3HL4…} on S3,
 * {@code size 1234, modified 2026-12-01T02:00:00.123456789Z} locally); pass it to
 * {@link Storage#openForRead(String, String)} to read that version and no other.
 */
public record StorageFile(String uri, long size, String version) {
    public StorageFile {
        requireNonNull(uri, "uri is null");
        requireNonNull(version, "version is null");
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
