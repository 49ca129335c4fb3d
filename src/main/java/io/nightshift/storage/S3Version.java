package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

/**
 * An S3 object version as {@link StorageFile#version()} spells it: {@code ETag "9b2c…"}, plus
 * {@code , versionId 3HL4…} when the bucket is versioned and the version came from a HEAD (listings carry no
 * version ids). Reads pinned to it carry {@code If-Match} with the ETag and, when known, the version id.
 */
record S3Version(String eTag, String versionId) {

    private static final String ETAG = "ETag ";
    private static final String VERSION_ID = ", versionId ";

    S3Version {
        requireNonNull(eTag, "eTag is null");
    }

    static String of(String eTag, String versionId) {
        return new S3Version(eTag, versionId).toString();
    }

    static S3Version parse(String version) {
        if (!version.startsWith(ETAG)) {
            throw new IllegalArgumentException("Not an S3 object version: " + version);
        }
        int comma = version.indexOf(VERSION_ID);
        return comma < 0 ? new S3Version(version.substring(ETAG.length()), null)
                : new S3Version(version.substring(ETAG.length(), comma), version.substring(comma + VERSION_ID.length()));
    }

    @Override
    public String toString() {
        return ETAG + eTag + (versionId == null || "null".equals(versionId) ? "" : VERSION_ID + versionId);
    }
}
