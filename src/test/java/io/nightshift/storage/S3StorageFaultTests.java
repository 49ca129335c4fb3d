package io.nightshift.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.nightshift.testing.FaultInjectingProxy;
import io.nightshift.testing.FaultInjectingProxy.Fault;
import io.nightshift.testing.FaultInjectingProxy.Request;
import io.nightshift.testing.S3TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@link S3Storage} through a proxy that injects one kind of fault into chosen requests: every operation rides through
 * every kind, writes land exactly once and are recognised as this writer's by a HEAD, and nothing is left behind.
 * The test server's settings allow 3 attempts per request and 3 per upload.
 */
class S3StorageFaultTests {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3TestServer server;
    private static FaultInjectingProxy proxy;

    private S3Storage storage;
    private String bucket;

    @BeforeAll
    static void startServerAndProxy() throws Exception {
        server = S3TestServer.start();
        // The delay fault only has to make a request late; 2 s (the end-to-end tests' delay) would only slow this class.
        proxy = FaultInjectingProxy.start(server.port(), Duration.ofMillis(300));
    }

    @AfterAll
    static void stopProxyAndServer() throws Exception {
        proxy.close();
        server.close();
    }

    @BeforeEach
    void createBucketAndStorageThroughTheProxy() {
        bucket = "faults-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        storage = new S3Storage(server.settingsFor(proxy.endpoint()), server.credentials());
        proxy.reset();
    }

    @AfterEach
    void closeStorage() {
        proxy.reset();
        storage.close();
    }

    // --- every operation, every kind of fault ------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aSmallFileLandsExactlyOnceWhenItsPutFails(Fault fault) throws IOException {
        // given
        proxy.inject(fault, 1, S3StorageFaultTests::isObjectPut);

        // when
        try (OutputStream out = storage.create(uri("out/part-0.parquet"))) {
            out.write("scores".getBytes(UTF_8));
        }

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(directRead("out/part-0.parquet")).asString(UTF_8).isEqualTo("scores");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aMultipartUploadLandsWhenOneOfItsPartsFailsAndLeavesNoUploadBehind(Fault fault) throws IOException {
        // given: 6 MiB in parts of 5 and 1 MiB; the second part's first attempt fails
        byte[] content = randomBytes(6 * 1024 * 1024, 1);
        proxy.inject(fault, 1, request -> request.isUpload() && request.query().contains("partNumber=2"));

        // when
        try (OutputStream out = storage.create(uri("out/big.bin"))) {
            out.write(content);
        }

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(directRead("out/big.bin")).isEqualTo(content);
        assertThat(server.client().listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void createIfAbsentReportsItsOwnWriteWhenThePutFails(Fault fault) throws IOException {
        // given
        proxy.inject(fault, 1, S3StorageFaultTests::isObjectPut);

        // when
        boolean created = storage.createIfAbsent(uri("_manifest.json"), "run 7".getBytes(UTF_8));

        // then
        assertThat(created).isTrue();
        assertThat(proxy.injected(fault)).isOne();
        assertThat(directRead("_manifest.json")).asString(UTF_8).isEqualTo("run 7");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void replaceReportsItsOwnWriteWhenThePutFails(Fault fault) throws IOException {
        // given
        directPut("_manifest.json", "v1");
        String version = storage.stat(uri("_manifest.json")).orElseThrow().version();
        proxy.inject(fault, 1, S3StorageFaultTests::isObjectPut);

        // when
        boolean replaced = storage.replace(uri("_manifest.json"), "v2".getBytes(UTF_8), version);

        // then
        assertThat(replaced).isTrue();
        assertThat(proxy.injected(fault)).isOne();
        assertThat(directRead("_manifest.json")).asString(UTF_8).isEqualTo("v2");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aListingIsCompleteWhenItsRequestFails(Fault fault) throws IOException {
        // given
        directPut("in/part-0.parquet", "0");
        directPut("in/part-1.parquet", "1");
        proxy.inject(fault, 1, request -> request.method().equals("GET") && request.query().contains("list-type=2"));

        // when
        List<StorageFile> files = storage.list(uri("in/"));

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(files).extracting(StorageFile::uri).containsExactly(uri("in/part-0.parquet"), uri("in/part-1.parquet"));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void statAnswersWhenItsHeadFails(Fault fault) throws IOException {
        // given
        directPut("a.bin", "12345");
        proxy.inject(fault, 1, request -> request.method().equals("HEAD"));

        // when
        long size = storage.stat(uri("a.bin")).orElseThrow().size();

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(size).isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void readAllReturnsEveryByteWhenItsGetFails(Fault fault) throws IOException {
        // given
        byte[] content = randomBytes(300_000, 2);
        directPutBytes("model.onnx", content);
        proxy.inject(fault, 1, Request::isObjectGet);

        // when
        byte[] read = storage.readAll(uri("model.onnx"));

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(read).isEqualTo(content);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aRangedReadReturnsTheRightBytesWhenItsGetFails(Fault fault) throws IOException {
        // given
        byte[] content = randomBytes(2 * 1024 * 1024, 3);
        directPutBytes("data.bin", content);
        byte[] buffer = new byte[1024 * 1024];
        try (RangeReader reader = storage.openForRead(uri("data.bin"))) {
            proxy.inject(fault, 1, request -> request.isObjectGet() && request.headers().containsKey("range"));

            // when
            reader.readFully(100, buffer, 0, buffer.length);
        }

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(buffer).isEqualTo(Arrays.copyOfRange(content, 100, 100 + buffer.length));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void deleteRemovesTheObjectWhenItsRequestFails(Fault fault) throws IOException {
        // given
        directPut("orphan.parquet", "x");
        proxy.inject(fault, 1, request -> request.method().equals("DELETE"));

        // when
        storage.delete(uri("orphan.parquet"));

        // then
        assertThat(proxy.injected(fault)).isOne();
        assertThat(server.client().listObjectsV2(request -> request.bucket(bucket)).contents()).isEmpty();
    }

    // --- recognising our own writes ------------------------------------------------------------------------------

    @Test
    void aCreateWhoseAnswerWasLostIsRecognisedAsOursWithOneHeadAndNoDownload() throws IOException {
        // given: the first PUT lands but its answer is cut off, so the SDK sends it again and gets 412
        proxy.inject(Fault.RESET_DURING_RESPONSE_BODY, 1, S3StorageFaultTests::isObjectPut);

        // when
        boolean created = storage.createIfAbsent(uri("_manifest.json"), "run 7".getBytes(UTF_8));

        // then
        assertThat(created).isTrue();
        assertThat(proxy.seen()).extracting(Request::method).containsExactly("PUT", "PUT", "HEAD");
        assertThat(proxy.seen().get(0).headers()).containsKey(S3Upload.WRITE_ID_HEADER);
    }

    @Test
    void aReplaceWhoseAnswerWasLostIsRecognisedAsOursWithOneHeadAndNoDownload() throws IOException {
        // given
        directPut("_manifest.json", "v1");
        String version = storage.stat(uri("_manifest.json")).orElseThrow().version();
        proxy.reset();
        proxy.inject(Fault.RESET_DURING_RESPONSE_BODY, 1, S3StorageFaultTests::isObjectPut);

        // when
        boolean replaced = storage.replace(uri("_manifest.json"), "v2".getBytes(UTF_8), version);

        // then
        assertThat(replaced).isTrue();
        assertThat(proxy.seen()).extracting(Request::method).containsExactly("PUT", "PUT", "HEAD");
        assertThat(directRead("_manifest.json")).asString(UTF_8).isEqualTo("v2");
    }

    @Test
    void anObjectWithTheSameBytesFromAnotherWriterIsNotOurs() throws IOException {
        // given: someone else wrote exactly what we are about to write
        directPut("_manifest.json", "run 7");

        // when
        boolean created = storage.createIfAbsent(uri("_manifest.json"), "run 7".getBytes(UTF_8));

        // then: only the write id tells writers apart; equal bytes prove nothing about who wrote them
        assertThat(created).isFalse();
    }

    @Test
    void aReplaceLosingToAnotherWriterReturnsFalseAndLeavesTheirContent() throws IOException {
        // given: our expected version is stale, and the answer to our PUT is cut off too
        directPut("_manifest.json", "v1");
        String version = storage.stat(uri("_manifest.json")).orElseThrow().version();
        directPut("_manifest.json", "theirs");
        proxy.inject(Fault.RESET_DURING_RESPONSE_BODY, 1, S3StorageFaultTests::isObjectPut);

        // when
        boolean replaced = storage.replace(uri("_manifest.json"), "ours".getBytes(UTF_8), version);

        // then
        assertThat(replaced).isFalse();
        assertThat(directRead("_manifest.json")).asString(UTF_8).isEqualTo("theirs");
    }

    // --- when the SDK gives up ---------------------------------------------------------------------------------

    @Test
    void anUploadTheClientGaveUpOnIsReissuedAsAWhole() throws IOException {
        // given: every one of the SDK's 3 attempts at the first PUT fails
        proxy.inject(Fault.INTERNAL_ERROR, 3, S3StorageFaultTests::isObjectPut);

        // when
        try (OutputStream out = storage.create(uri("out/part-0.parquet"))) {
            out.write("scores".getBytes(UTF_8));
        }

        // then
        assertThat(proxy.seen().stream().filter(S3StorageFaultTests::isObjectPut)).hasSize(4);
        assertThat(directRead("out/part-0.parquet")).asString(UTF_8).isEqualTo("scores");
    }

    @Test
    void anUploadWhoseEveryAnswerWasLostCountsAsLandedWhenReissued() throws IOException {
        // given: the first PUT lands, and the answers to it and to the SDK's two retries (412) are all cut off
        proxy.inject(Fault.RESET_DURING_RESPONSE_BODY, 3, S3StorageFaultTests::isObjectPut);

        // when
        try (OutputStream out = storage.create(uri("out/part-0.parquet"))) {
            out.write("scores".getBytes(UTF_8));
        }

        // then: the re-issued PUT gets 412, and the HEAD finds this upload's write id
        assertThat(directRead("out/part-0.parquet")).asString(UTF_8).isEqualTo("scores");
        assertThat(proxy.seen()).extracting(Request::method).endsWith("PUT", "HEAD");
    }

    @Test
    void anUploadFailsNamingTheObjectAndTheReasonOnceEveryAttemptFailed() {
        // given: 3 attempts per request × 3 attempts per upload
        proxy.inject(Fault.INTERNAL_ERROR, 9, request -> request.isUpload() && request.query().contains("partNumber=1"));

        // when
        assertThatThrownBy(() -> {
            try (OutputStream out = storage.create(uri("out/big.bin"))) {
                out.write(randomBytes(6 * 1024 * 1024, 4));
            }
        })
                // then
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot upload " + uri("out/big.bin"))
                .hasMessageContaining("InternalError");
        assertThat(proxy.injected(Fault.INTERNAL_ERROR)).isEqualTo(9);
        assertThat(server.client().listObjectsV2(request -> request.bucket(bucket)).contents()).isEmpty();
        assertThat(server.client().listMultipartUploads(request -> request.bucket(bucket)).uploads())
                .as("each failed multipart upload is aborted").isEmpty();
    }

    @Test
    void aFinalAnswerIsNotRetried() {
        // when: 404 NoSuchBucket is S3 saying no, not S3 having trouble
        assertThatThrownBy(() -> storage.list("s3://no-such-bucket/in/"))

                // then
                .isInstanceOf(IOException.class)
                .hasMessageContaining("NoSuchBucket");
        assertThat(proxy.requests()).isOne();
    }

    // --- what the requests carry and what the log says -----------------------------------------------------------

    @Test
    void everyReadOfAPinnedVersionCarriesIfMatchEvenWhenReissued() throws IOException {
        // given
        directPutBytes("data.bin", randomBytes(1024 * 1024, 5));
        String version = storage.stat(uri("data.bin")).orElseThrow().version();
        proxy.reset();
        proxy.inject(Fault.RESET_DURING_RESPONSE_BODY, 1, Request::isObjectGet);

        // when
        try (RangeReader reader = storage.openForRead(uri("data.bin"), version)) {
            reader.readFully(0, new byte[600_000], 0, 600_000);
            reader.readFully(700_000, new byte[1_000], 0, 1_000);
        }

        // then
        List<Request> reads = proxy.seen().stream().filter(request -> !request.method().equals("PUT")).toList();
        assertThat(reads).hasSizeGreaterThanOrEqualTo(4);
        assertThat(reads).allSatisfy(request -> assertThat(request.headers()).containsKey("if-match"));
    }

    @Test
    void aRetryIsLoggedAsOneWarningWithTheRequestAndTheAttemptAndNoStackTrace() throws IOException {
        // given: a listing, whose error answers have a body to say why (a HEAD's would only say "HTTP 503")
        directPut("in/a.parquet", "1");
        proxy.inject(Fault.SLOW_DOWN, 1, request -> request.query().contains("list-type=2"));
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(S3Storage.class);
        appender.start();
        logger.addAppender(appender);

        // when
        try {
            storage.list(uri("in/"));
        } finally {
            logger.detachAppender(appender);
        }

        // then
        assertThat(appender.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage())
                    .startsWith("Retrying ListObjectsV2 " + uri("in/") + " (attempt 2 of 3) in ")
                    .contains("SlowDown: Please reduce your request rate. (HTTP 503)")
                    .doesNotContain("\n");
            assertThat(event.getThrowableProxy()).isNull();
        });
    }

    private static boolean isObjectPut(Request request) {
        return request.isUpload() && !request.query().contains("partNumber");
    }

    private String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private byte[] directRead(String key) {
        return server.client().getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
    }

    private void directPut(String key, String content) {
        directPutBytes(key, content.getBytes(UTF_8));
    }

    private void directPutBytes(String key, byte[] content) {
        server.client().putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
