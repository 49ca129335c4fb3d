package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Conditional writes of whole objects: create-only ({@code If-None-Match: *}) from a local spool file or from bytes,
 * and replace-if-unchanged ({@code If-Match}) of bytes; single PUTs, or multipart uploads for large spool files.
 *
 * <p>Every write carries a unique write id in its user metadata ({@value #WRITE_ID_HEADER}). When a condition fails
 * with 412, one HEAD tells whether the object there is this write's, landed by an attempt whose answer was lost
 * (the SDK re-sends a PUT that had landed: aws-sdk-java-v2#6580), or someone else's; nothing is downloaded.
 *
 * <p>Bodies are replayable (a file, a file slice per part, bytes), so the SDK retries every request of an upload
 * with its own back-off. When it has given up on a transient failure, the write is re-issued as a whole, up to
 * {@link S3Settings#uploadAttempts()} times: the content is complete and local, the condition keeps a re-issued
 * write from overwriting anything, and the write id makes a landed earlier attempt count as this one.
 */
final class S3Upload {

    /** User metadata key ({@code x-amz-meta-nightshift-write-id}) naming the write that created an object. */
    static final String WRITE_ID = "nightshift-write-id";
    static final String WRITE_ID_HEADER = "x-amz-meta-" + WRITE_ID;

    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);
    /** S3 allows at most this many parts in one multipart upload. */
    private static final int MAX_PARTS = 10_000;
    private static final int SPOOL_BUFFER_BYTES = 64 * 1024;

    private final S3Client client;
    private final S3Settings settings;

    S3Upload(S3Client client, S3Settings settings) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** A stream that spools to a local file and uploads it, create-only, when closed. */
    OutputStream create(S3Location location) throws IOException {
        Path spool = Files.createTempFile("nightshift-s3-upload-", ".tmp");
        try {
            return new SpoolingOutputStream(location, spool, Files.newOutputStream(spool, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            deleteSpool(spool, e);
            throw e;
        }
    }

    /** Creates the object only if nothing is there; false, changing nothing, if something else is. */
    boolean createIfAbsent(S3Location location, byte[] content) throws IOException {
        return writeObject(location, new Bytes(requireNonNull(content, "content is null")), Condition.CREATE, "create");
    }

    /** Replaces the object only if it still has {@code expected}; false, changing nothing, if not. */
    boolean replace(S3Location location, byte[] content, S3Version expected) throws IOException {
        return writeObject(location, new Bytes(requireNonNull(content, "content is null")), Condition.replacing(expected), "replace");
    }

    /** What is uploaded: bytes in memory, or a complete spool file. Either can be read again for a retry. */
    private sealed interface Content permits Bytes, SpoolFile {
        long size();

        RequestBody whole();
    }

    private record Bytes(byte[] bytes) implements Content {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public RequestBody whole() {
            return RequestBody.fromBytes(bytes);
        }
    }

    private record SpoolFile(Path file, long size) implements Content {
        @Override
        public RequestBody whole() {
            return RequestBody.fromFile(file);
        }

        /** One part's bytes; a fresh stream per call, as the SDK asks again when it retries the part. */
        RequestBody slice(long offset, long length) {
            ContentStreamProvider provider = () -> {
                try {
                    return new FileSliceInputStream(FileChannel.open(file, StandardOpenOption.READ), offset, length);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read upload spool file " + file, e);
                }
            };
            return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
        }
    }

    /** The precondition a write is made under: nothing there yet, or the ETag seen before. */
    private record Condition(String ifNoneMatch, String ifMatch) {
        static final Condition CREATE = new Condition("*", null);

        static Condition replacing(S3Version expected) {
            return new Condition(null, requireNonNull(expected, "expected is null").eTag());
        }
    }

    /**
     * Writes {@code content} under {@code condition}: true when the object there is this write's, false when the
     * condition failed because of another write or a change.
     */
    private boolean writeObject(S3Location location, Content content, Condition condition, String action) throws IOException {
        String writeId = UUID.randomUUID().toString();
        int transientFailures = 0;
        int conflicts = 0;
        while (true) {
            try {
                return content instanceof SpoolFile file && file.size() >= settings.multipartThresholdBytes()
                        ? multipartUpload(location, file, condition, writeId)
                        : put(location, content, condition, writeId);
            } catch (SdkException e) {
                if (S3Errors.isStatus(e, 409) && ++conflicts < settings.maxAttempts()) {
                    // ConditionalRequestConflict: another conditional write to this key is in flight; S3 asks the
                    // caller to retry, and the retry then sees 412 or succeeds.
                    S3Backoff.SHORT.pause(conflicts, location.uri());
                    continue;
                }
                if (S3Errors.isTransient(e) && ++transientFailures < settings.uploadAttempts()) {
                    log.warn("Re-issuing the {} of {} as a whole (attempt {} of {}): the S3 client gave up: {}", action,
                            location, transientFailures + 1, settings.uploadAttempts(), S3Errors.reason(e));
                    S3Backoff.LONG.pause(transientFailures, location.uri());
                    continue;
                }
                throw S3Errors.failure(action, location.uri(), e);
            }
        }
    }

    private boolean put(S3Location location, Content content, Condition condition, String writeId) {
        try {
            client.putObject(request -> request.bucket(location.bucket()).key(location.key())
                    .ifNoneMatch(condition.ifNoneMatch()).ifMatch(condition.ifMatch())
                    .metadata(Map.of(WRITE_ID, writeId))
                    .contentLength(content.size()), content.whole());
            return true;
        } catch (S3Exception e) {
            // 412: something is there (create) or it has changed (replace); NoSuchKey: a replace of an object that is
            // gone. Either may be the answer to a re-sent PUT whose first attempt landed.
            if (e.statusCode() == 412 || (condition.ifMatch() != null && "NoSuchKey".equals(S3Errors.errorCode(e)))) {
                return isOurs(location, writeId);
            }
            throw e;
        }
    }

    private boolean multipartUpload(S3Location location, SpoolFile content, Condition condition, String writeId) {
        String uploadId = client.createMultipartUpload(request -> request.bucket(location.bucket()).key(location.key())
                .metadata(Map.of(WRITE_ID, writeId))).uploadId();
        boolean ours;
        try {
            ours = complete(location, uploadId, uploadParts(location, uploadId, content), condition, writeId);
        } catch (RuntimeException e) {
            abort(location, uploadId, e);
            throw e;
        }
        if (!ours) {
            // Another object is there: this upload's parts would stay (and be billed) until a lifecycle rule runs.
            abort(location, uploadId, null);
        }
        return ours;
    }

    private List<CompletedPart> uploadParts(S3Location location, String uploadId, SpoolFile content) {
        long size = content.size();
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
            UploadPartResponse response = client.uploadPart(request, content.slice(offset, length));
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(response.eTag()).build());
        }
        return parts;
    }

    private boolean complete(S3Location location, String uploadId, List<CompletedPart> parts, Condition condition,
            String writeId) {
        try {
            client.completeMultipartUpload(request -> request.bucket(location.bucket()).key(location.key())
                    .uploadId(uploadId).ifNoneMatch(condition.ifNoneMatch()).ifMatch(condition.ifMatch())
                    .multipartUpload(upload -> upload.parts(parts)));
            return true;
        } catch (S3Exception e) {
            // A retried complete whose first attempt landed answers 412 or NoSuchUpload.
            if (e.statusCode() == 412 || "NoSuchUpload".equals(S3Errors.errorCode(e))) {
                return isOurs(location, writeId);
            }
            throw e;
        }
    }

    /** Whether the object at {@code location} was created by the write {@code writeId}: one HEAD, no download. */
    private boolean isOurs(S3Location location, String writeId) {
        try {
            HeadObjectResponse head = client.headObject(request -> request.bucket(location.bucket()).key(location.key()));
            return writeId.equals(head.metadata().get(WRITE_ID));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Aborts an unfinished multipart upload, whose parts S3 would otherwise keep (and bill). A failure to abort is
     * added to {@code cause} when there is one, and logged when the upload simply lost its condition.
     */
    private void abort(S3Location location, String uploadId, Exception cause) {
        try {
            client.abortMultipartUpload(request -> request.bucket(location.bucket()).key(location.key()).uploadId(uploadId));
        } catch (SdkException e) {
            String message = "Cannot abort multipart upload " + uploadId + " of " + location
                    + " (a bucket lifecycle rule AbortIncompleteMultipartUpload removes it): " + S3Errors.reason(e);
            if (cause != null) {
                cause.addSuppressed(new IOException(message, e));
            } else {
                log.warn(message);
            }
        }
    }

    private static void deleteSpool(Path spool, Throwable primary) {
        try {
            Files.deleteIfExists(spool);
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }

    /** Buffers an object in a local spool file and uploads it, create-only, when closed. */
    private final class SpoolingOutputStream extends OutputStream {
        private final S3Location location;
        private final Path spool;
        private final OutputStream out;
        private boolean closed;

        SpoolingOutputStream(S3Location location, Path spool, OutputStream out) {
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
                if (!writeObject(location, new SpoolFile(spool, Files.size(spool)), Condition.CREATE, "upload")) {
                    throw new FileAlreadyExistsException(location.uri(), null,
                            "another object was created there while this one was being written");
                }
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
