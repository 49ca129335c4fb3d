package io.nightshift.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Set;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What an S3 failure means for Nightshift: the {@link IOException} a caller sees (naming the location and S3's
 * reason), and whether trying the same thing again can help.
 */
final class S3Errors {

    /** Error codes S3 uses for "try again": throttling, and its own trouble. */
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "RequestTimeTooSkewed", "Throttling", "ThrottlingException", "RequestLimitExceeded");

    private S3Errors() {
    }

    /**
     * Maps an SDK failure to an IOException naming the location and S3's reason.
     *
     * @throws MissingCredentialsException when there are no credentials at all: no request can succeed, whichever
     *         location, so it is no I/O failure of this one
     */
    static IOException failure(String action, String uri, SdkException e) {
        if (isMissingCredentials(e)) {
            throw new MissingCredentialsException(e);
        }
        String reason = reason(e);
        IOException mapped;
        if (e instanceof S3Exception s3 && (s3.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(s3)))) {
            mapped = new NoSuchFileException(uri, null, "cannot " + action + ": " + reason);
        } else if (e instanceof S3Exception s3 && s3.statusCode() == 403) {
            mapped = new AccessDeniedException(uri, null, "cannot " + action + ": " + reason);
        } else if (isTransient(e)) {
            return new StorageUnavailableException("Cannot " + action + " " + uri + ": " + reason, e);
        } else {
            return new IOException("Cannot " + action + " " + uri + ": " + reason, e);
        }
        mapped.initCause(e);
        return mapped;
    }

    /**
     * S3's error code and message ("NoSuchBucket: The specified bucket does not exist"), or the client's message; on
     * one line, as it ends up in one-line log messages and run summaries.
     */
    static String reason(Throwable e) {
        return oneLine(rawReason(e));
    }

    private static String rawReason(Throwable e) {
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String message = details == null ? null : details.errorMessage();
            String status = "HTTP " + service.statusCode();
            if (code == null) {
                return message == null ? status : status + ": " + message;
            }
            return code + (message == null ? "" : ": " + message) + " (" + status + ")";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    /** The default chain found no credentials (the SDK has no type for it, only this message). */
    static boolean isMissingCredentials(SdkException e) {
        return e instanceof SdkClientException && e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials");
    }

    static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    static boolean isStatus(SdkException e, int status) {
        return e instanceof S3Exception s3 && s3.statusCode() == status;
    }

    /**
     * Whether the failure can go away by itself: throttling, a server error, or a connection that broke. Used when
     * the SDK has given up on a request and a whole operation (an upload) is re-issued; a 4xx answer is final.
     */
    static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException service) {
            int status = service.statusCode();
            return status >= 500 || status == 429 || TRANSIENT_CODES.contains(errorCode(service));
        }
        return e instanceof SdkClientException && brokeOnTheWire(e);
    }

    /**
     * Whether an I/O error is somewhere in the cause chain: the connection broke, even if the SDK reports it as
     * something else (a response body cut off mid-way surfaces as "Could not parse XML response").
     */
    static boolean brokeOnTheWire(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException)) {
                // An interrupted thread is being stopped; retrying would only delay the stop.
                return false;
            }
            if (cause instanceof IOException || cause instanceof UncheckedIOException) {
                return true;
            }
            if (cause.getCause() == cause) {
                return false;
            }
        }
        return false;
    }
}
