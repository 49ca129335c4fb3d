package io.nightshift.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTests {

    @Test
    void throttlingAndServerErrorsAreTransient() {
        assertThat(S3Errors.isTransient(s3(503, "SlowDown"))).isTrue();
        assertThat(S3Errors.isTransient(s3(500, "InternalError"))).isTrue();
        assertThat(S3Errors.isTransient(s3(400, "RequestTimeout"))).isTrue();
        assertThat(S3Errors.isTransient(s3(429, null))).isTrue();
    }

    @Test
    void answersThatSayNoAreNotTransient() {
        assertThat(S3Errors.isTransient(s3(403, "AccessDenied"))).isFalse();
        assertThat(S3Errors.isTransient(s3(404, "NoSuchBucket"))).isFalse();
        assertThat(S3Errors.isTransient(s3(412, "PreconditionFailed"))).isFalse();
    }

    @Test
    void aBrokenConnectionIsTransientButAClientProblemIsNot() {
        assertThat(S3Errors.isTransient(SdkClientException.create("Unable to execute HTTP request: Connection reset",
                new SocketException("Connection reset")))).isTrue();
        assertThat(S3Errors.isTransient(SdkClientException.create("Unable to load credentials"))).isFalse();
    }

    @Test
    void aBrokenConnectionIsFoundWhereverItIsInTheCauseChain() {
        // what the SDK reports for a listing whose body was cut off: an XML parse error around the reset
        SdkClientException parseError = SdkClientException.create("Could not parse XML response.",
                new IllegalStateException("Unexpected EOF", new SocketException("Connection reset")));

        assertThat(S3Errors.brokeOnTheWire(parseError)).isTrue();
        assertThat(S3Errors.brokeOnTheWire(SdkClientException.create("Unable to execute HTTP request: Read timed out",
                new SocketTimeoutException("Read timed out")))).isTrue();
    }

    @Test
    void anInterruptedCallOrAnAnswerIsNotABrokenConnection() {
        assertThat(S3Errors.brokeOnTheWire(SdkClientException.create("Unable to execute HTTP request",
                new InterruptedIOException("interrupted")))).isFalse();
        assertThat(S3Errors.brokeOnTheWire(s3(503, "SlowDown"))).isFalse();
    }

    @Test
    void failuresNameTheLocationAndS3sReasonAsTheMatchingIoException() {
        IOException missing = S3Errors.failure("read", "s3://b/k", s3(404, "NoSuchKey"));
        IOException denied = S3Errors.failure("read", "s3://b/k", s3(403, "AccessDenied"));
        IOException noBucket = S3Errors.failure("read", "s3://b/k", s3(404, "NoSuchBucket"));

        assertThat(missing).isInstanceOf(NoSuchFileException.class).hasMessageContaining("s3://b/k").hasMessageContaining("NoSuchKey");
        assertThat(denied).isInstanceOf(AccessDeniedException.class).hasMessageContaining("AccessDenied");
        assertThat(noBucket).isExactlyInstanceOf(IOException.class)
                .hasMessage("Cannot read s3://b/k: NoSuchBucket: the message (HTTP 404)");
    }

    @Test
    void aReasonIsOneLine() {
        assertThat(S3Errors.reason(SdkClientException.create("Unable to execute HTTP request:\n  Connection reset\r\n")))
                .isEqualTo("Unable to execute HTTP request: Connection reset");
    }

    private static S3Exception s3(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("the message").build()).build();
    }
}
