package io.nightshift.parquet;

import io.nightshift.storage.RangeReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A {@link SeekableInputStream} over a positional {@link RangeReader}. On S3 every positional read is a ranged GET,
 * so small reads (footer length, magic, thrift headers) are served from a window fetched in one request, while large
 * reads (whole column chunks) go straight through as one positional read without copying through the window.
 */
final class RangeReaderInputStream extends SeekableInputStream {

    static final int DEFAULT_WINDOW_BYTES = 64 * 1024;
    /** Largest temporary array used to fill a direct (off-heap) buffer, so a huge chunk does not need a huge copy. */
    private static final int MAX_DIRECT_COPY_BYTES = 1024 * 1024;

    private final RangeReader rangeReader;
    private final String uri;
    private final long length;
    private final byte[] window;
    private long windowStart;
    private int windowLength;
    private long position;
    private boolean closed;
    private boolean storageFailed;

    RangeReaderInputStream(RangeReader rangeReader, String uri, int windowBytes) {
        this.rangeReader = Objects.requireNonNull(rangeReader, "rangeReader is null");
        this.uri = Objects.requireNonNull(uri, "uri is null");
        if (windowBytes <= 0) {
            throw new IllegalArgumentException("windowBytes must be positive: " + windowBytes);
        }
        this.length = rangeReader.length();
        this.window = new byte[windowBytes];
    }

    long length() {
        return length;
    }

    /** The file being read. */
    String uri() {
        return uri;
    }

    /** The version of the file being read (see {@code StorageFile.version()}). */
    String version() {
        return rangeReader.version();
    }

    /**
     * Whether a read from storage itself failed (as opposed to the bytes being unparseable); lets a caller tell a
     * network error, worth retrying, from a corrupt file, which is not.
     */
    boolean storageFailed() {
        return storageFailed;
    }

    @Override
    public long getPos() {
        return position;
    }

    @Override
    public void seek(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0 || newPosition > length) {
            throw new EOFException("Cannot seek to offset " + newPosition + " of " + uri + ": the file has " + length + " bytes");
        }
        position = newPosition;
    }

    @Override
    public long skip(long count) throws IOException {
        ensureOpen();
        if (count <= 0) {
            return 0;
        }
        long skipped = Math.min(count, length - position);
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        long remaining = length - position;
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public int read() throws IOException {
        ensureOpen();
        if (position >= length) {
            return -1;
        }
        if (!inWindow(position, 1)) {
            fillWindowAt(position);
        }
        int value = window[(int) (position - windowStart)] & 0xFF;
        position++;
        return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, buffer.length);
        ensureOpen();
        if (count == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int toRead = (int) Math.min(count, length - position);
        copyInto(buffer, offset, toRead);
        return toRead;
    }

    @Override
    public void readFully(byte[] buffer) throws IOException {
        readFully(buffer, 0, buffer.length);
    }

    @Override
    public void readFully(byte[] buffer, int offset, int count) throws IOException {
        Objects.checkFromIndexSize(offset, count, buffer.length);
        ensureOpen();
        requireAvailable(count);
        copyInto(buffer, offset, count);
    }

    @Override
    public int read(ByteBuffer buffer) throws IOException {
        ensureOpen();
        if (!buffer.hasRemaining()) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int toRead = (int) Math.min(buffer.remaining(), length - position);
        copyInto(buffer, toRead);
        return toRead;
    }

    @Override
    public void readFully(ByteBuffer buffer) throws IOException {
        ensureOpen();
        requireAvailable(buffer.remaining());
        copyInto(buffer, buffer.remaining());
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            rangeReader.close();
        }
    }

    private void copyInto(ByteBuffer buffer, int count) throws IOException {
        if (buffer.hasArray()) {
            int offset = buffer.arrayOffset() + buffer.position();
            copyInto(buffer.array(), offset, count);
            buffer.position(buffer.position() + count);
            return;
        }
        if (count < window.length || inWindow(position, count)) {
            byte[] temporary = new byte[count];
            copyInto(temporary, 0, count);
            buffer.put(temporary);
            return;
        }
        // Off-heap target: read in bounded pieces so a 100 MB chunk does not need a 100 MB temporary array.
        byte[] temporary = new byte[Math.min(count, MAX_DIRECT_COPY_BYTES)];
        int remaining = count;
        while (remaining > 0) {
            int piece = Math.min(remaining, temporary.length);
            positionalRead(position, temporary, 0, piece);
            buffer.put(temporary, 0, piece);
            position += piece;
            remaining -= piece;
        }
    }

    /** Copies {@code count} bytes at the current position (known to exist) and advances. */
    private void copyInto(byte[] buffer, int offset, int count) throws IOException {
        if (inWindow(position, count)) {
            System.arraycopy(window, (int) (position - windowStart), buffer, offset, count);
        } else if (count >= window.length) {
            positionalRead(position, buffer, offset, count);
        } else {
            fillWindowAt(position);
            System.arraycopy(window, (int) (position - windowStart), buffer, offset, count);
        }
        position += count;
    }

    private boolean inWindow(long at, int count) {
        return at >= windowStart && at + count <= windowStart + windowLength;
    }

    /**
     * Loads the window so it covers {@code at}. Near the end of the file the window is moved back to end at the last
     * byte, so reading a footer (length, then metadata just before it) costs one request.
     */
    private void fillWindowAt(long at) throws IOException {
        long start = Math.max(0, Math.min(at, length - window.length));
        int count = (int) Math.min(window.length, length - start);
        windowLength = 0;
        positionalRead(start, window, 0, count);
        windowStart = start;
        windowLength = count;
    }

    private void positionalRead(long at, byte[] buffer, int offset, int count) throws IOException {
        try {
            rangeReader.readFully(at, buffer, offset, count);
        } catch (IOException | RuntimeException e) {
            storageFailed = true;
            throw e;
        }
    }

    private void requireAvailable(int count) throws EOFException {
        if (count > length - position) {
            throw new EOFException("Cannot read " + count + " bytes at offset " + position + " of " + uri
                    + ": the file has only " + length + " bytes");
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("Cannot read " + uri + ": the stream is closed");
        }
    }
}
