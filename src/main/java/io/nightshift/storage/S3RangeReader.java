package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Positional reads of one S3 object version as ranged GETs. Each GET carries {@code If-Match} (and the version id on
 * versioned buckets), so every byte comes from the version opened, and a replaced object fails with
 * {@link FileChangedException}. A body that breaks off mid-read, which the SDK's retries do not cover (it has
 * handed the stream over), is re-issued for the remaining bytes.
 */
final class S3RangeReader implements RangeReader {

    private static final Logger log = LoggerFactory.getLogger(S3Storage.class);

    /** Finds what is at a URI now, to say what a changed file changed into. */
    interface Stat {
        Optional<StorageFile> stat(String uri) throws IOException;
    }

    private final S3Client client;
    private final Stat stat;
    private final S3Location location;
    private final long length;
    private final S3Version pinned;
    private final String version;
    private final int maxAttempts;
    private volatile boolean closed;

    private S3RangeReader(S3Client client, Stat stat, S3Location location, long length, S3Version pinned, String version,
            int maxAttempts) {
        this.client = client;
        this.stat = stat;
        this.location = location;
        this.length = length;
        this.pinned = pinned;
        this.version = version;
        this.maxAttempts = maxAttempts;
    }

    /** Opens the version {@code expectedVersion} names, or the current one when it is null. */
    static S3RangeReader open(S3Client client, Stat stat, S3Location location, String expectedVersion, int maxAttempts)
            throws IOException {
        requireNonNull(client, "client is null");
        requireNonNull(stat, "stat is null");
        String uri = location.uri();
        if (expectedVersion == null) {
            StorageFile file = stat.stat(uri).orElseThrow(
                    () -> new NoSuchFileException(uri, null, "cannot open for reading: no such object"));
            return new S3RangeReader(client, stat, location, file.size(), S3Version.parse(file.version()), file.version(),
                    maxAttempts);
        }
        S3Version expected = S3Version.parse(expectedVersion);
        HeadObjectResponse head;
        try {
            head = client.headObject(request -> request.bucket(location.bucket()).key(location.key())
                    .versionId(expected.versionId()).ifMatch(expected.eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 || e.statusCode() == 412) {
                throw changed(stat, uri, expectedVersion, e);
            }
            throw S3Errors.failure("open", uri, e);
        } catch (SdkException e) {
            throw S3Errors.failure("open", uri, e);
        }
        return new S3RangeReader(client, stat, location, head.contentLength(), expected, expectedVersion, maxAttempts);
    }

    /** The failure for a pinned version that is no longer there, naming the version the object has now. */
    private static FileChangedException changed(Stat stat, String uri, String expectedVersion, Exception cause)
            throws IOException {
        FileChangedException changed = new FileChangedException(uri, expectedVersion,
                stat.stat(uri).map(StorageFile::version).orElse(null));
        changed.initCause(cause);
        return changed;
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
                if (failedAttempts >= maxAttempts) {
                    throw new IOException("Cannot read " + (count - done) + " bytes at offset " + (position + done)
                            + " of " + location + " after " + failedAttempts + " broken reads: " + broken, broken);
                }
                log.warn("Re-issuing ranged GET of {} at offset {} after a broken read (attempt {} of {}): {}",
                        location, position + done, failedAttempts + 1, maxAttempts, broken.toString());
                S3Backoff.SHORT.pause(failedAttempts, location.uri());
            }
        }
    }

    /** Issues a GET for {@code count} bytes from {@code start}; the SDK retries failures before the body. */
    private ResponseInputStream<GetObjectResponse> rangedGet(long start, int count) throws IOException {
        String range = "bytes=" + start + "-" + (start + count - 1);
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = client.getObject(request -> request.bucket(location.bucket()).key(location.key()).range(range)
                    .versionId(pinned.versionId()).ifMatch(pinned.eTag()));
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw changed(stat, location.uri(), version, e);
            }
            if (e.statusCode() == 416) {
                EOFException eof = new EOFException("Cannot read " + range + " of " + location
                        + ": the object is shorter than that (it changed while being read?)");
                eof.initCause(e);
                throw eof;
            }
            throw S3Errors.failure("read " + range + " of", location.uri(), e);
        } catch (SdkException e) {
            throw S3Errors.failure("read " + range + " of", location.uri(), e);
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

    /**
     * Always closes a GET's body. Closing an undrained body would read the rest of it to reuse the connection, so
     * it is aborted first. A failure to close is added to {@code primary} when there is one.
     */
    private static void closeResponse(ResponseInputStream<GetObjectResponse> stream, boolean drained, Throwable primary)
            throws IOException {
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

    @Override
    public void close() {
        // Every GET's body is closed before readFully returns: nothing is held open between reads.
        closed = true;
    }
}
