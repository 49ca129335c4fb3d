package io.nightshift.testing;

import java.net.URI;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

import io.nightshift.storage.S3Settings;
import io.nightshift.storage.S3Storage;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An in-process S3-compatible server (S3Proxy over an in-memory store) on a free port of 127.0.0.1, with AWS V4
 * authentication under a fixed key pair. Start with {@link #start()}, close when done.
 */
public final class S3TestServer implements AutoCloseable {

    /** Small enough that a test can cross it with a few MiB; 5 MiB is the smallest part S3 accepts. */
    public static final long MULTIPART_THRESHOLD_BYTES = 5L * 1024 * 1024;
    public static final long PART_SIZE_BYTES = 5L * 1024 * 1024;
    private static final int MAX_ATTEMPTS = 3;

    private static final String ACCESS_KEY = "nightshift-test-access-key";
    private static final String SECRET_KEY = "nightshift-test-secret-key";

    private final S3Proxy proxy;
    private final String endpoint;
    private final S3Client client;

    private S3TestServer(S3Proxy proxy, String endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .build();
    }

    public static S3TestServer start() throws Exception {
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new TransientNio2BlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        return new S3TestServer(proxy, "http://127.0.0.1:" + proxy.getPort());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return endpoint;
    }

    public int port() {
        return proxy.getPort();
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    public void createBucket(String bucket) {
        client.createBucket(request -> request.bucket(bucket));
    }

    /** Settings for this server: path-style addressing, 3 attempts, multipart from 5 MiB in 5 MiB parts. */
    public S3Settings settings() {
        return settingsFor(endpoint);
    }

    /** The same settings pointed at another endpoint, e.g. a fault-injecting proxy in front of this server. */
    public S3Settings settingsFor(String otherEndpoint) {
        return new S3Settings("us-east-1", otherEndpoint, true, MAX_ATTEMPTS, MULTIPART_THRESHOLD_BYTES,
                PART_SIZE_BYTES);
    }

    /** A plain SDK client for this server, owned by the server (closed with it). */
    public S3Client client() {
        return client;
    }

    /** A new {@link S3Storage} for this server; the caller closes it. */
    public S3Storage storage() {
        return new S3Storage(settings(), credentials());
    }

    @Override
    public void close() throws Exception {
        try {
            client.close();
        } finally {
            proxy.stop();
        }
    }
}
