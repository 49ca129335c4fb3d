package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * How {@link S3Storage} reaches S3: region, an optional endpoint override for S3-compatible servers, retries and
 * when to switch from a single PUT to a multipart upload.
 *
 * @param region AWS region, e.g. {@code us-east-1}
 * @param endpoint endpoint override ({@code http://127.0.0.1:9000}), or null for the region's AWS endpoint
 * @param pathStyle address buckets as {@code endpoint/bucket/key} instead of {@code bucket.endpoint/key}
 * @param maxAttempts attempts per request, including the first (SDK retries, and re-issued ranged reads)
 * @param multipartThresholdBytes files at least this large are uploaded in parts
 * @param partSizeBytes size of each uploaded part (S3 requires at least 5 MiB for all but the last part)
 * @param uploadAttempts attempts at writing a whole object, including the first: once the SDK has given up on a
 *        request of an upload after {@code maxAttempts} with a transient failure, the upload is re-issued as a whole
 */
public record S3Settings(
        String region,
        String endpoint,
        boolean pathStyle,
        int maxAttempts,
        long multipartThresholdBytes,
        long partSizeBytes,
        int uploadAttempts) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final int DEFAULT_UPLOAD_ATTEMPTS = 3;
    public static final long DEFAULT_MULTIPART_THRESHOLD_BYTES = 64L * 1024 * 1024;
    public static final long DEFAULT_PART_SIZE_BYTES = 16L * 1024 * 1024;

    public S3Settings {
        requireNonNull(region, "region is null");
        if (region.isBlank()) {
            throw new IllegalArgumentException("region is blank");
        }
        if (endpoint != null) {
            URI parsed = URI.create(endpoint);
            if (parsed.getScheme() == null || parsed.getHost() == null) {
                throw new IllegalArgumentException("endpoint is not an absolute http(s) URL: " + endpoint);
            }
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (multipartThresholdBytes <= 0) {
            throw new IllegalArgumentException("multipartThresholdBytes must be positive: " + multipartThresholdBytes);
        }
        if (partSizeBytes <= 0) {
            throw new IllegalArgumentException("partSizeBytes must be positive: " + partSizeBytes);
        }
        if (uploadAttempts < 1) {
            throw new IllegalArgumentException("uploadAttempts must be at least 1: " + uploadAttempts);
        }
    }

    /** Settings with the default number of upload attempts ({@value #DEFAULT_UPLOAD_ATTEMPTS}). */
    public S3Settings(String region, String endpoint, boolean pathStyle, int maxAttempts, long multipartThresholdBytes,
            long partSizeBytes) {
        this(region, endpoint, pathStyle, maxAttempts, multipartThresholdBytes, partSizeBytes, DEFAULT_UPLOAD_ATTEMPTS);
    }

    /**
     * AWS S3 in {@code us-east-1}, virtual-host addressing, 10 attempts per request, multipart from 64 MiB in 16 MiB
     * parts, 3 attempts per upload.
     */
    public static S3Settings defaults() {
        return new S3Settings(DEFAULT_REGION, null, false, DEFAULT_MAX_ATTEMPTS, DEFAULT_MULTIPART_THRESHOLD_BYTES,
                DEFAULT_PART_SIZE_BYTES, DEFAULT_UPLOAD_ATTEMPTS);
    }
}
