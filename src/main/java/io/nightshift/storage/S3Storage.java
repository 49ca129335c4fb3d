package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * {@link Storage} over S3 and S3-compatible servers ({@code s3://bucket/key} URIs).
 *
 * <p>Objects are written create-only ({@code If-None-Match: *}), so an existing object is never overwritten.
 * Reads are ranged GETs that are re-issued when the connection breaks while the body is being read, which the
 * SDK's own retries do not cover.
 */
public final class S3Storage implements Storage, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

    /** S3 allows at most this many parts in one multipart upload. */
    private static final int MAX_PARTS = 10_000;
    private static final int COMPARE_BUFFER_BYTES = 64 * 1024;
    private static final int SPOOL_BUFFER_BYTES = 64 * 1024;
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;
    private static final String PROBE_PREFIX = ".nightshift-probe-";

    private final S3Client client;
    private final S3Settings settings;

    /** Uses the default AWS credential chain (environment, profile, web identity, container and instance roles). */
    public S3Storage(S3Settings settings) {
        this(buildClient(settings, null), settings);
    }

    /** Uses the given credentials, e.g. static ones for an S3-compatible test server. */
    public S3Storage(S3Settings settings, AwsCredentialsProvider credentials) {
        this(buildClient(settings, requireNonNull(credentials, "credentials is null")), settings);
    }

    /** Takes ownership of {@code client}: {@link #close()} closes it. */
    S3Storage(S3Client client, S3Settings settings) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    static S3Client buildClient(S3Settings settings, AwsCredentialsProvider credentials) {
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

    @Override
    public String normalize(String location) {
        S3Location.parse(location);
        return location;
    }

    @Override
    public String resolve(String directory, String name) {
        requireNonNull(name, "name is null");
        S3Location.parse(directory);
        String base = directory;
        while (base.endsWith("/") && base.length() > S3Location.SCHEME_PREFIX.length()) {
            base = base.substring(0, base.length() - 1);
        }
        String relative = name;
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        return base + "/" + relative;
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        S3Location parsed = S3Location.parse(location);
        String key = parsed.key();
        int glob = LocalStorage.firstGlobCharacter(key);
        if (glob >= 0) {
            int slash = key.lastIndexOf('/', glob);
            String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + key.substring(slash + 1));
            return listPrefix(parsed.withKey(prefix), false, location,
                    relativeKey -> isDataKey(relativeKey) && matches(matcher, relativeKey));
        }
        if (!key.isEmpty() && !key.endsWith("/")) {
            Optional<StorageFile> single = stat(location);
            if (single.isPresent()) {
                return List.of(single.get());
            }
        }
        return listPrefix(parsed.withKey(parsed.directoryPrefix()), true, location, S3Storage::isDataKey);
    }

    @Override
    public boolean wouldList(String location, String uri) {
        if (!uri.startsWith(S3Location.SCHEME_PREFIX)) {
            return false;
        }
        S3Location parsed = S3Location.parse(location);
        S3Location file = S3Location.parse(uri);
        if (!parsed.bucket().equals(file.bucket()) || !isDataKey(file.key())) {
            return false;
        }
        String key = parsed.key();
        int glob = LocalStorage.firstGlobCharacter(key);
        if (glob >= 0) {
            int slash = key.lastIndexOf('/', glob);
            String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + key.substring(slash + 1));
            return file.key().startsWith(prefix) && matches(matcher, file.key().substring(prefix.length()));
        }
        if (file.key().equals(key)) {
            return true;
        }
        String directory = parsed.directoryPrefix();
        return file.key().startsWith(directory) && file.key().indexOf('/', directory.length()) < 0;
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        S3Location parsed = S3Location.parse(directory);
        return listPrefix(parsed.withKey(parsed.directoryPrefix()), false, directory, relativeKey -> true);
    }

    /** Lists objects under a prefix whose key relative to the prefix passes {@code filter}, sorted by URI. */
    private List<StorageFile> listPrefix(S3Location prefix, boolean directChildrenOnly, String location,
            Predicate<String> filter) throws IOException {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(prefix.bucket())
                .prefix(prefix.key());
        if (directChildrenOnly) {
            request.delimiter("/");
        }
        List<StorageFile> files = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(request.build()).contents()) {
                String relativeKey = object.key().substring(prefix.key().length());
                // A key ending in '/' is a "directory marker" some tools create, not a file.
                if (!relativeKey.isEmpty() && !relativeKey.endsWith("/") && filter.test(relativeKey)) {
                    files.add(new StorageFile(prefix.withKey(object.key()).uri(), object.size(), S3Version.of(object.eTag(), null)));
                }
            }
        } catch (SdkException e) {
            throw failure("list", location, e);
        }
        files.sort(Comparator.comparing(StorageFile::uri));
        return List.copyOf(files);
    }

    private static boolean isDataKey(String relativeKey) {
        return LocalStorage.isDataFileName(relativeKey.substring(relativeKey.lastIndexOf('/') + 1));
    }

    private static boolean matches(PathMatcher matcher, String relativeKey) {
        try {
            return matcher.matches(Path.of(relativeKey));
        } catch (InvalidPathException e) {
            // A key no local path can spell (e.g. with a NUL) cannot match a glob the user typed.
            return false;
        }
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (location.key().isEmpty()) {
            return Optional.empty();
        }
        try {
            HeadObjectResponse head = client.headObject(request -> request.bucket(location.bucket()).key(location.key()));
            return Optional.of(new StorageFile(location.uri(), head.contentLength(), S3Version.of(head.eTag(), head.versionId())));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("stat", uri, e);
        } catch (SdkException e) {
            throw failure("stat", uri, e);
        }
    }

    @Override
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (expectedVersion == null) {
            StorageFile file = stat(uri).orElseThrow(
                    () -> new NoSuchFileException(uri, null, "cannot open for reading: no such object"));
            return new RangedGetReader(location, file.size(), S3Version.parse(file.version()), file.version());
        }
        S3Version expected = S3Version.parse(expectedVersion);
        HeadObjectResponse head;
        try {
            head = client.headObject(request -> request.bucket(location.bucket()).key(location.key())
                    .versionId(expected.versionId()).ifMatch(expected.eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 412) {
                throw changed(uri, expectedVersion, e);
            }
            throw failure("open", uri, e);
        } catch (SdkException e) {
            throw failure("open", uri, e);
        }
        return new RangedGetReader(location, head.contentLength(), expected, expectedVersion);
    }

    /** The failure for a pinned version that is no longer there, naming the version the object has now. */
    private FileChangedException changed(String uri, String expectedVersion, Exception cause) throws IOException {
        FileChangedException changed = new FileChangedException(uri, expectedVersion, stat(uri).map(StorageFile::version).orElse(null));
        changed.initCause(cause);
        return changed;
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        try {
            return client.getObjectAsBytes(request -> request.bucket(location.bucket()).key(location.key()))
                    .asByteArray();
        } catch (SdkException e) {
            throw failure("read", uri, e);
        }
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (location.key().isEmpty() || location.key().endsWith("/")) {
            throw new IllegalArgumentException("Cannot create " + uri + ": the location names a directory, not an object");
        }
        if (stat(uri).isPresent()) {
            throw new FileAlreadyExistsException(uri, null, "an object already exists");
        }
        Path spool = Files.createTempFile("nightshift-s3-upload-", ".tmp");
        try {
            return new SpoolingUpload(location, spool, Files.newOutputStream(spool, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            deleteSpool(spool, e);
            throw e;
        }
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        S3Location location = S3Location.parse(uri);
        requireNonNull(content, "content is null");
        for (int attempt = 1; ; attempt++) {
            try {
                client.putObject(request -> request.bucket(location.bucket()).key(location.key()).ifNoneMatch("*")
                        .contentLength((long) content.length), RequestBody.fromBytes(content));
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    // The SDK may have retried a PUT that had already landed (aws-sdk-java-v2#6580): the object
                    // is then ours. Callers that must tell writers apart put a unique marker in the content.
                    return objectHasContent(location, content.length, () -> new ByteArrayInputStream(content));
                }
                if (e.statusCode() == 409 && attempt < settings.maxAttempts()) {
                    // ConditionalRequestConflict: another conditional write to this key is in flight; S3 asks
                    // the caller to retry, and the retry then sees 412 or succeeds.
                    backoff(attempt, uri);
                    continue;
                }
                throw failure("create", uri, e);
            } catch (SdkException e) {
                throw failure("create", uri, e);
            }
        }
    }

    @Override
    public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
        S3Location location = S3Location.parse(uri);
        requireNonNull(content, "content is null");
        S3Version expected = S3Version.parse(requireNonNull(expectedVersion, "expectedVersion is null"));
        try {
            client.putObject(request -> request.bucket(location.bucket()).key(location.key()).ifMatch(expected.eTag())
                    .contentLength((long) content.length), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                // A retried PUT whose first attempt landed also answers 412: the object then holds our bytes.
                return objectHasContent(location, content.length, () -> new ByteArrayInputStream(content));
            }
            throw failure("replace", uri, e);
        } catch (SdkException e) {
            throw failure("replace", uri, e);
        }
    }

    @Override
    public void delete(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        try {
            client.deleteObject(request -> request.bucket(location.bucket()).key(location.key()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && "NoSuchKey".equals(errorCode(e))) {
                return;
            }
            throw failure("delete", uri, e);
        } catch (SdkException e) {
            throw failure("delete", uri, e);
        }
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        S3Location probe = S3Location.parse(resolve(directory, PROBE_PREFIX + UUID.randomUUID()));
        try {
            client.putObject(request -> request.bucket(probe.bucket()).key(probe.key()).contentLength(0L),
                    RequestBody.empty());
        } catch (SdkException e) {
            throw new IOException("Cannot write to " + directory + ": " + reason(e), e);
        }
        try {
            client.deleteObject(request -> request.bucket(probe.bucket()).key(probe.key()));
        } catch (SdkException e) {
            throw new IOException("Cannot write to " + directory + ": wrote the probe object " + probe
                    + " but could not delete it: " + reason(e), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private void upload(S3Location location, Path spool) throws IOException {
        long size = Files.size(spool);
        if (size < settings.multipartThresholdBytes()) {
            putNew(location, spool, size);
        } else {
            multipartUploadNew(location, spool, size);
        }
    }

    private void putNew(S3Location location, Path spool, long size) throws IOException {
        try {
            client.putObject(request -> request.bucket(location.bucket()).key(location.key()).ifNoneMatch("*")
                    .contentLength(size), RequestBody.fromFile(spool));
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throwUnlessOurs(location, spool, size, e);
                return;
            }
            throw failure("upload", location.uri(), e);
        } catch (SdkException e) {
            throw failure("upload", location.uri(), e);
        }
    }

    private void multipartUploadNew(S3Location location, Path spool, long size) throws IOException {
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(request -> request.bucket(location.bucket()).key(location.key()))
                    .uploadId();
        } catch (SdkException e) {
            throw failure("start a multipart upload of", location.uri(), e);
        }
        try {
            long partSize = Math.max(settings.partSizeBytes(), Math.ceilDiv(size, MAX_PARTS));
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                long length = Math.min(partSize, size - offset);
                UploadPartRequest request = UploadPartRequest.builder()
                        .bucket(location.bucket())
                        .key(location.key())
                        .uploadId(uploadId)
                        .partNumber(partNumber)
                        .contentLength(length)
                        .build();
                UploadPartResponse response = client.uploadPart(request,
                        RequestBody.fromContentProvider(fileSlice(spool, offset, length), length,
                                "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
            }
            try {
                client.completeMultipartUpload(request -> request.bucket(location.bucket()).key(location.key())
                        .uploadId(uploadId).ifNoneMatch("*").multipartUpload(upload -> upload.parts(parts)));
            } catch (S3Exception e) {
                if (e.statusCode() == 412 || "NoSuchUpload".equals(errorCode(e))) {
                    // A retried complete whose first attempt landed answers 412 or NoSuchUpload.
                    throwUnlessOurs(location, spool, size, e);
                    return;
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            abortMultipartUpload(location, uploadId, e);
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof SdkException sdk) {
                throw failure("upload", location.uri(), sdk);
            }
            throw (RuntimeException) e;
        }
    }

    private void abortMultipartUpload(S3Location location, String uploadId, Exception cause) {
        try {
            client.abortMultipartUpload(request -> request.bucket(location.bucket()).key(location.key())
                    .uploadId(uploadId));
        } catch (SdkException e) {
            cause.addSuppressed(new IOException("Cannot abort multipart upload " + uploadId + " of " + location
                    + " (a bucket lifecycle rule AbortIncompleteMultipartUpload removes it): " + reason(e), e));
        }
    }

    private void throwUnlessOurs(S3Location location, Path spool, long size, S3Exception conflict)
            throws IOException {
        if (objectHasContent(location, size, () -> Files.newInputStream(spool))) {
            return;
        }
        FileAlreadyExistsException exists = new FileAlreadyExistsException(location.uri(), null,
                "another object was created there while this one was being written");
        exists.initCause(conflict);
        throw exists;
    }

    private interface ContentSource {
        InputStream open() throws IOException;
    }

    /** Whether the object exists with exactly the expected bytes; compared as streams so large objects fit. */
    private boolean objectHasContent(S3Location location, long expectedSize, ContentSource expected)
            throws IOException {
        Optional<StorageFile> existing = stat(location.uri());
        if (existing.isEmpty() || existing.get().size() != expectedSize) {
            return false;
        }
        ResponseInputStream<GetObjectResponse> actual;
        try {
            actual = client.getObject(request -> request.bucket(location.bucket()).key(location.key()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("read back", location.uri(), e);
        } catch (SdkException e) {
            throw failure("read back", location.uri(), e);
        }
        boolean drained = false;
        Throwable failure = null;
        try (InputStream ours = expected.open()) {
            byte[] theirBuffer = new byte[COMPARE_BUFFER_BYTES];
            byte[] ourBuffer = new byte[COMPARE_BUFFER_BYTES];
            while (true) {
                int theirCount = actual.readNBytes(theirBuffer, 0, theirBuffer.length);
                int ourCount = ours.readNBytes(ourBuffer, 0, ourBuffer.length);
                if (theirCount != ourCount
                        || !Arrays.equals(theirBuffer, 0, theirCount, ourBuffer, 0, ourCount)) {
                    return false;
                }
                if (theirCount == 0) {
                    drained = true;
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            closeResponse(actual, drained, failure);
        }
    }

    /**
     * Always closes a GET's body. Closing an undrained body would read the rest of it to reuse the connection, so
     * it is aborted first. A failure to close is added to {@code primary} when there is one.
     */
    private static void closeResponse(ResponseInputStream<GetObjectResponse> stream, boolean drained,
            Throwable primary) throws IOException {
        try {
            if (!drained) {
                stream.abort();
            }
            stream.close();
        } catch (IOException | RuntimeException e) {
            if (primary == null) {
                throw e;
            }
            primary.addSuppressed(e);
        }
    }

    private void backoff(int failedAttempts, String uri) throws InterruptedIOException {
        long millis = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failedAttempts - 1, 20));
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while retrying " + uri);
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** Maps an SDK failure to an IOException naming the location and S3's reason. */
    static IOException failure(String action, String uri, SdkException e) {
        String reason = reason(e);
        IOException mapped;
        if (e instanceof S3Exception s3 && (s3.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(s3)))) {
            mapped = new NoSuchFileException(uri, null, "cannot " + action + ": " + reason);
        } else if (e instanceof S3Exception s3 && s3.statusCode() == 403) {
            mapped = new AccessDeniedException(uri, null, "cannot " + action + ": " + reason);
        } else {
            return new IOException("Cannot " + action + " " + uri + ": " + reason, e);
        }
        mapped.initCause(e);
        return mapped;
    }

    /** S3's error code and message ("NoSuchBucket: The specified bucket does not exist"), or the client's message. */
    static String reason(SdkException e) {
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
        return e.getMessage();
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static ContentStreamProvider fileSlice(Path file, long offset, long length) {
        // A fresh stream per call: the SDK asks again when it retries the part.
        return () -> {
            try {
                return new FileSliceInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read upload spool file " + file, e);
            }
        };
    }

    private static void deleteSpool(Path spool, Throwable primary) {
        try {
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** Ranged GETs of one object, re-issued for the remaining bytes when the body breaks off mid-read. */
    private final class RangedGetReader implements RangeReader {
        private final S3Location location;
        private final long length;
        private final S3Version pinned;
        private final String version;
        private volatile boolean closed;

        RangedGetReader(S3Location location, long length, S3Version pinned, String version) {
            this.location = location;
            this.length = length;
            this.pinned = pinned;
            this.version = version;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public String version() {
            return version;
        }

        @Override
        public void readFully(long position, byte[] buffer, int offset, int count) throws IOException {
            Objects.checkFromIndexSize(offset, count, buffer.length);
            if (closed) {
                throw new IOException("Cannot read " + location + ": the reader is closed");
            }
            if (position < 0) {
                throw new IllegalArgumentException("position is negative: " + position);
            }
            if (position + count > length) {
                throw new EOFException("Cannot read " + count + " bytes at offset " + position + " of " + location
                        + ": the object has only " + length + " bytes");
            }
            int done = 0;
            int failedAttempts = 0;
            while (done < count) {
                long start = position + done;
                ResponseInputStream<GetObjectResponse> body = rangedGet(start, count - done);
                IOException broken = null;
                try {
                    while (done < count) {
                        int n = body.read(buffer, offset + done, count - done);
                        if (n < 0) {
                            throw new IOException("the response body ended after " + (done - (start - position))
                                    + " of " + (count - (start - position)) + " bytes");
                        }
                        done += n;
                    }
                } catch (IOException e) {
                    broken = e;
                } finally {
                    closeResponse(body, done == count, broken);
                }
                if (broken != null) {
                    failedAttempts++;
                    if (failedAttempts >= settings.maxAttempts()) {
                        throw new IOException("Cannot read " + (count - done) + " bytes at offset " + (position + done)
                                + " of " + location + " after " + failedAttempts + " broken reads: " + broken, broken);
                    }
                    log.warn("Re-issuing ranged GET of {} at offset {} after a broken read (attempt {} of {}): {}",
                            location, position + done, failedAttempts + 1, settings.maxAttempts(), broken.toString());
                    backoff(failedAttempts, location.uri());
                }
            }
        }

        /** Issues a GET for {@code count} bytes from {@code start}; the SDK retries failures before the body. */
        private ResponseInputStream<GetObjectResponse> rangedGet(long start, int count) throws IOException {
            String range = "bytes=" + start + "-" + (start + count - 1);
            ResponseInputStream<GetObjectResponse> body;
            try {
                // If-Match (and the versionId on versioned buckets): every byte comes from the version opened.
                body = client.getObject(request -> request.bucket(location.bucket()).key(location.key()).range(range)
                        .versionId(pinned.versionId()).ifMatch(pinned.eTag()));
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    throw changed(location.uri(), version, e);
                }
                if (e.statusCode() == 416) {
                    EOFException eof = new EOFException("Cannot read " + range + " of " + location
                            + ": the object is shorter than that (it changed while being read?)");
                    eof.initCause(e);
                    throw eof;
                }
                throw failure("read " + range + " of", location.uri(), e);
            } catch (SdkException e) {
                throw failure("read " + range + " of", location.uri(), e);
            }
            Long contentLength = body.response().contentLength();
            if (contentLength != null && contentLength != count) {
                IOException unexpected = new IOException("Cannot read " + range + " of " + location
                        + ": the server answered with " + contentLength + " bytes instead of " + count
                        + " (does it ignore Range headers?)");
                closeResponse(body, false, unexpected);
                throw unexpected;
            }
            return body;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Buffers an object in a local spool file and uploads it, create-only, when closed. */
    private final class SpoolingUpload extends OutputStream {
        private final S3Location location;
        private final Path spool;
        private final OutputStream out;
        private boolean closed;

        SpoolingUpload(S3Location location, Path spool, OutputStream out) {
            this.location = location;
            this.spool = spool;
            this.out = new BufferedOutputStream(out, SPOOL_BUFFER_BYTES);
        }

        @Override
        public void write(int b) throws IOException {
            ensureOpen();
            out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ensureOpen();
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            ensureOpen();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                out.close();
                upload(location, spool);
            } catch (IOException | RuntimeException e) {
                deleteSpool(spool, e);
                throw e;
            }
            Files.deleteIfExists(spool);
        }

        private void ensureOpen() throws IOException {
            if (closed) {
                throw new IOException("Cannot write to " + location + ": the stream is closed");
            }
        }
    }

    /** Reads {@code length} bytes of a file from {@code offset}, for one part of a multipart upload. */
    private static final class FileSliceInputStream extends InputStream {
        private final FileChannel channel;
        private long position;
        private final long end;

        FileSliceInputStream(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (position >= end) {
                return -1;
            }
            if (length == 0) {
                return 0;
            }
            int wanted = (int) Math.min(length, end - position);
            int n = channel.read(ByteBuffer.wrap(bytes, offset, wanted), position);
            if (n < 0) {
                return -1;
            }
            position += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
