package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.net.URI;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds the S3 client Nightshift uses: region, endpoint, addressing, credentials, and how it retries. */
final class S3Clients {

    private S3Clients() {
    }

    /** A client with the default AWS credential chain when {@code credentials} is null. */
    static S3Client build(S3Settings settings, AwsCredentialsProvider credentials) {
        requireNonNull(settings, "settings is null");
        // ADAPTIVE_V2, not ADAPTIVE: the first adaptive mode also rate-limited on non-throttling errors.
        // The SDK retries I/O errors only when they are the cause of its exception; a response body cut off mid-way
        // reaches it wrapped in an XML parse error ("Could not parse XML response", seen on listings through a
        // fault-injecting proxy), which it would not retry. Any I/O error in the chain is a broken connection.
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .overrideConfiguration(override -> override
                        .retryStrategy(new LoggingRetryStrategy(AwsRetryStrategy.forRetryMode(RetryMode.ADAPTIVE_V2).toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .retryOnException(S3Clients::brokenConnection)
                                .build()))
                        .addExecutionInterceptor(LoggingRetryStrategy.requestNaming()));
        // Without an explicit provider the client builds the default chain (DefaultCredentialsProvider) itself
        // and closes it with the client.
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        if (settings.endpoint() != null) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        return builder.build();
    }

    private static boolean brokenConnection(Throwable failure) {
        // An interrupted thread is being stopped: retrying would only delay the stop.
        return !Thread.currentThread().isInterrupted() && S3Errors.brokeOnTheWire(failure);
    }
}
