package io.nightshift.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.nightshift.testing.S3TestServer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

class S3StorageTests {

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3TestServer server;

    private S3Storage storage;
    private String bucket;

    @BeforeAll
    static void startServer() throws Exception {
        server = S3TestServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void createBucket() {
        bucket = "bucket-" + BUCKETS.incrementAndGet();
        server.createBucket(bucket);
        storage = server.storage();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void checkReachableAnswersForAnExistingBucketAndNamesAMissingOne() throws IOException {
        storage.checkReachable(uri("out/2026-12-02/"));

        assertThatThrownBy(() -> storage.checkReachable("s3://no-such-bucket-here/out/"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot reach bucket no-such-bucket-here");
    }

    @Test
    void listingAnObjectKeyReturnsJustThatObject() throws IOException {
        put("in/part-0.parquet", "abc");

        List<StorageFile> files = storage.list(uri("in/part-0.parquet"));

        assertThat(files).extracting(StorageFile::uri, StorageFile::size).containsExactly(tuple(uri("in/part-0.parquet"), 3L));
    }

    @Test
    void listingAPrefixReturnsTheObjectsDirectlyUnderItSortedAndSkipsUnderscoreAndDotNames() throws IOException {
        put("in/part-1.parquet", "1");
        put("in/part-0.parquet", "0");
        put("in/_SUCCESS", "");
        put("in/.part-0.parquet.crc", "x");
        put("in/nested/part-9.parquet", "9");
        put("input-other/part-5.parquet", "5");

        List<StorageFile> files = storage.list(uri("in"));

        assertThat(files).extracting(StorageFile::uri)
                .containsExactly(uri("in/part-0.parquet"), uri("in/part-1.parquet"));
    }

    @Test
    void listingAPrefixWithATrailingSlashReturnsTheSameObjects() throws IOException {
        put("in/part-0.parquet", "0");
        put("in/_SUCCESS", "");

        assertThat(storage.list(uri("in/"))).extracting(StorageFile::uri).containsExactly(uri("in/part-0.parquet"));
    }

    @Test
    void listingTheBucketRootReturnsTheTopLevelObjects() throws IOException {
        put("top.parquet", "t");
        put("in/part-0.parquet", "0");

        assertThat(storage.list("s3://" + bucket)).extracting(StorageFile::uri).containsExactly(uri("top.parquet"));
    }

    @Test
    void aSingleStarGlobMatchesObjectsInOneLevelOnly() throws IOException {
        put("in/a.parquet", "a");
        put("in/b.csv", "b");
        put("in/_c.parquet", "c");
        put("in/nested/d.parquet", "d");

        List<StorageFile> files = storage.list(uri("in/*.parquet"));

        assertThat(files).extracting(StorageFile::uri).containsExactly(uri("in/a.parquet"));
    }

    @Test
    void aDoubleStarGlobCrossesLevelsAndStillSkipsUnderscoreAndDotNames() throws IOException {
        put("in/a.parquet", "a");
        put("in/nested/d.parquet", "d");
        put("in/nested/_e.parquet", "e");
        put("in/nested/.f.parquet", "f");

        List<StorageFile> files = storage.list(uri("in/**.parquet"));

        assertThat(files).extracting(StorageFile::uri)
                .containsExactly(uri("in/a.parquet"), uri("in/nested/d.parquet"));
    }

    @Test
    void aGlobInADirectorySegmentMatchesAcrossDirectories() throws IOException {
        put("in/2026-01-01/part-0.parquet", "0");
        put("in/2026-01-02/part-0.parquet", "0");
        put("in/2025-12-31/part-0.parquet", "0");

        List<StorageFile> files = storage.list(uri("in/2026-*/*.parquet"));

        assertThat(files).extracting(StorageFile::uri)
                .containsExactly(uri("in/2026-01-01/part-0.parquet"), uri("in/2026-01-02/part-0.parquet"));
    }

    @Test
    void listingAMissingLocationReturnsAnEmptyList() throws IOException {
        assertThat(storage.list(uri("missing"))).isEmpty();
        assertThat(storage.list(uri("missing/*.parquet"))).isEmpty();
    }

    @Test
    void listingMoreObjectsThanOnePageReturnsThemAll() throws IOException {
        for (int i = 0; i < 1_005; i++) {
            put("many/part-%04d.parquet".formatted(i), "");
        }

        assertThat(storage.list(uri("many"))).hasSize(1_005);
    }

    @Test
    void listingAMissingBucketFailsNamingTheLocation() {
        assertThatThrownBy(() -> storage.list("s3://no-such-bucket/in/"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("s3://no-such-bucket/in/")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void listRecursiveReturnsEverythingUnderThePrefixUnfiltered() throws IOException {
        put("out/part-0.parquet", "0");
        put("out/_manifest/v1.json", "{}");
        put("out/.hidden", "h");
        put("outside.parquet", "x");

        List<StorageFile> files = storage.listRecursive(uri("out"));

        assertThat(files).extracting(StorageFile::uri)
                .containsExactly(uri("out/.hidden"), uri("out/_manifest/v1.json"), uri("out/part-0.parquet"));
    }

    @Test
    void statReturnsTheSizeOfAnObject() throws IOException {
        put("a.bin", "12345");

        assertThat(storage.stat(uri("a.bin"))).hasValueSatisfying(file -> {
            assertThat(file.uri()).isEqualTo(uri("a.bin"));
            assertThat(file.size()).isEqualTo(5);
            assertThat(file.version()).startsWith("ETag \"");
        });
    }

    @Test
    void statOfAMissingObjectIsEmpty() throws IOException {
        assertThat(storage.stat(uri("missing.bin"))).isEmpty();
    }

    @Test
    void rangedReadsReturnTheBytesAtArbitraryOffsets() throws IOException {
        byte[] content = randomBytes(1_000_003, 1);
        putBytes("data.bin", content);

        try (RangeReader reader = storage.openForRead(uri("data.bin"))) {
            assertThat(reader.length()).isEqualTo(content.length);
            for (long[] range : new long[][] {{0, 1}, {0, 4096}, {12_345, 70_001}, {999_999, 4}, {1_000_002, 1}}) {
                int position = (int) range[0];
                int length = (int) range[1];
                byte[] buffer = new byte[length + 2];

                reader.readFully(position, buffer, 1, length);

                assertThat(Arrays.copyOfRange(buffer, 1, 1 + length))
                        .as("bytes %d..%d", position, position + length)
                        .isEqualTo(Arrays.copyOfRange(content, position, position + length));
            }
        }
    }

    @Test
    void readingPastTheEndThrowsEofExceptionNamingTheObject() throws IOException {
        put("data.bin", "0123456789");

        try (RangeReader reader = storage.openForRead(uri("data.bin"))) {
            assertThatThrownBy(() -> reader.readFully(8, new byte[4], 0, 4))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining(uri("data.bin"));
        }
    }

    @Test
    void openingAMissingObjectThrowsNoSuchFileNamingIt() {
        assertThatThrownBy(() -> storage.openForRead(uri("missing.bin")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(uri("missing.bin"));
    }

    @Test
    void readingAllOfAMissingObjectThrowsNoSuchFileNamingIt() {
        assertThatThrownBy(() -> storage.readAll(uri("missing.bin")))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(uri("missing.bin"));
    }

    @Test
    void aSmallFileWrittenWithCreateIsReadBackIdentical() throws IOException {
        try (OutputStream out = storage.create(uri("out/small.bin"))) {
            out.write("hello".getBytes(UTF_8));
        }

        assertThat(storage.readAll(uri("out/small.bin"))).asString(UTF_8).isEqualTo("hello");
    }

    @Test
    void aTwelveMebibyteFileIsUploadedInPartsAndReadBackByteIdentical() throws IOException {
        byte[] content = randomBytes(12 * 1024 * 1024 + 17, 2);

        try (OutputStream out = storage.create(uri("out/big.bin"))) {
            for (int offset = 0; offset < content.length; offset += 1_000_000) {
                out.write(content, offset, Math.min(1_000_000, content.length - offset));
            }
        }

        String eTag = server.client().headObject(request -> request.bucket(bucket).key("out/big.bin")).eTag();
        assertThat(eTag).as("a multipart ETag ends in -<parts>").endsWith("-3\"");
        assertThat(storage.readAll(uri("out/big.bin"))).isEqualTo(content);
    }

    @Test
    void aMultipartUploadLeavesNoIncompleteUploadBehind() throws IOException {
        try (OutputStream out = storage.create(uri("out/big.bin"))) {
            out.write(randomBytes(6 * 1024 * 1024, 3));
        }

        assertThat(server.client().listMultipartUploads(request -> request.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void closingACreatedStreamTwiceUploadsOnce() throws IOException {
        OutputStream out = storage.create(uri("out/once.bin"));
        out.write(1);
        out.close();

        out.close();

        assertThat(storage.readAll(uri("out/once.bin"))).containsExactly(1);
    }

    @Test
    void createFailsWhenTheObjectAlreadyExists() throws IOException {
        put("out/part-0.parquet", "old");

        assertThatThrownBy(() -> storage.create(uri("out/part-0.parquet")))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(uri("out/part-0.parquet"));
    }

    @Test
    void closingACreatedStreamFailsWhenAnotherWriterCreatedTheObjectMeanwhile() throws IOException {
        OutputStream out = storage.create(uri("out/part-0.parquet"));
        out.write("mine".getBytes(UTF_8));
        put("out/part-0.parquet", "theirs");

        assertThatThrownBy(out::close).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(storage.readAll(uri("out/part-0.parquet"))).asString(UTF_8).isEqualTo("theirs");
    }

    @Test
    void createIfAbsentCreatesTheObjectWhenNothingIsThere() throws IOException {
        boolean created = storage.createIfAbsent(uri("manifest.json"), "first".getBytes(UTF_8));

        assertThat(created).isTrue();
        assertThat(storage.readAll(uri("manifest.json"))).asString(UTF_8).isEqualTo("first");
    }

    @Test
    void createIfAbsentReturnsFalseAndLeavesTheOriginalContent() throws IOException {
        storage.createIfAbsent(uri("manifest.json"), "first".getBytes(UTF_8));

        boolean created = storage.createIfAbsent(uri("manifest.json"), "second".getBytes(UTF_8));

        assertThat(created).isFalse();
        assertThat(storage.readAll(uri("manifest.json"))).asString(UTF_8).isEqualTo("first");
    }

    @Test
    void createIfAbsentInAMissingBucketFailsNamingTheReason() {
        assertThatThrownBy(() -> storage.createIfAbsent("s3://no-such-bucket/_manifest.json", "x".getBytes(UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("s3://no-such-bucket/_manifest.json")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void deletingAMissingObjectSucceeds() throws IOException {
        storage.delete(uri("missing.bin"));

        assertThat(storage.stat(uri("missing.bin"))).isEmpty();
    }

    @Test
    void deleteRemovesTheObject() throws IOException {
        put("a.bin", "a");

        storage.delete(uri("a.bin"));

        assertThat(storage.stat(uri("a.bin"))).isEmpty();
    }

    @Test
    void checkWritableSucceedsAndLeavesNothingBehind() throws IOException {
        storage.checkWritable(uri("out/"));

        assertThat(server.client().listObjectsV2(request -> request.bucket(bucket)).contents())
                .extracting(S3Object::key).isEmpty();
    }

    @Test
    void checkWritableOnAMissingBucketFailsNamingTheLocationAndTheReason() {
        assertThatThrownBy(() -> storage.checkWritable("s3://no-such-bucket/out"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("s3://no-such-bucket/out")
                .hasMessageContaining("NoSuchBucket");
    }

    @Test
    void resolveJoinsADirectoryAndANameWithExactlyOneSlash() {
        assertThat(storage.resolve("s3://b/out", "part-1.parquet")).isEqualTo("s3://b/out/part-1.parquet");
        assertThat(storage.resolve("s3://b/out/", "/part-1.parquet")).isEqualTo("s3://b/out/part-1.parquet");
        assertThat(storage.resolve("s3://b", "part-1.parquet")).isEqualTo("s3://b/part-1.parquet");
    }

    @Test
    void aReaderPinnedToAVersionFailsOnceTheObjectIsReplaced() throws IOException {
        put("in.bin", "version one");
        String planned = storage.stat(uri("in.bin")).orElseThrow().version();
        try (RangeReader reader = storage.openForRead(uri("in.bin"), planned)) {
            put("in.bin", "version two");

            assertThatThrownBy(() -> reader.readFully(0, new byte[3], 0, 3))
                    .isInstanceOf(FileChangedException.class)
                    .hasMessageContaining(uri("in.bin"))
                    .hasMessageContaining(planned);
        }
        assertThatThrownBy(() -> storage.openForRead(uri("in.bin"), planned)).isInstanceOf(FileChangedException.class);
    }

    @Test
    void replaceSwapsTheContentOnlyWhileTheVersionIsTheExpectedOne() throws IOException {
        put("_manifest.json", "old");
        String version = storage.stat(uri("_manifest.json")).orElseThrow().version();

        assertThat(storage.replace(uri("_manifest.json"), "new".getBytes(UTF_8), version)).isTrue();
        assertThat(storage.replace(uri("_manifest.json"), "newer".getBytes(UTF_8), version)).isFalse();

        assertThat(new String(storage.readAll(uri("_manifest.json")), UTF_8)).isEqualTo("new");
    }

    private String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private void put(String key, String content) {
        putBytes(key, content.getBytes(UTF_8));
    }

    private void putBytes(String key, byte[] content) {
        server.client().putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
