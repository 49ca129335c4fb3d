package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

/**
 * A parsed {@code s3://bucket/key} location. Parsed by hand rather than with {@link java.net.URI} because object
 * keys may hold characters a URI does not allow (spaces, {@code [}, {@code {}).
 */
record S3Location(String bucket, String key) {

    static final String SCHEME_PREFIX = "s3://";

    S3Location {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(key, "key is null");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("bucket is empty");
        }
    }

    static S3Location parse(String location) {
        requireNonNull(location, "location is null");
        if (!location.startsWith(SCHEME_PREFIX)) {
            throw new IllegalArgumentException("Not an S3 location (expected s3://bucket/key): " + location);
        }
        String rest = location.substring(SCHEME_PREFIX.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("S3 location has no bucket: " + location);
        }
        return new S3Location(bucket, key);
    }

    /** The key as a "directory" prefix: empty for the bucket root, otherwise ending in exactly one '/'. */
    String directoryPrefix() {
        return key.isEmpty() || key.endsWith("/") ? key : key + "/";
    }

    S3Location withKey(String newKey) {
        return new S3Location(bucket, newKey);
    }

    String uri() {
        return SCHEME_PREFIX + bucket + "/" + key;
    }

    @Override
    public String toString() {
        return uri();
    }
}
