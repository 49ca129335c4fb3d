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
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder())
                .region(Region.of(settings.region()))
                .forcePathStyle(settings.pathStyle())
                .overrideConfiguration(override -> override.retryStrategy(
                        AwsRetryStrategy.forRetryMode(RetryMode.ADAPTIVE_V2).toBuilder()
                                .maxAttempts(settings.maxAttempts())
                                .build()));
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

}
