package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import io.nightshift.storage.Storage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over {@link Storage#create(String)}. Part files are created once and never
 * overwritten, so {@link #createOrOverwrite(long)} also refuses an existing file.
 */
public final class StorageOutputFile implements OutputFile {

    /** Parquet writes its footer in many tiny thrift writes; buffer them so they are not one syscall each. */
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Storage storage;
    private final String uri;
    private CountingOutputStream stream;

    public StorageOutputFile(Storage storage, String uri) {
        this.storage = requireNonNull(storage, "storage is null");
        this.uri = requireNonNull(uri, "uri is null");
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        stream = new CountingOutputStream(storage.create(uri));
        return stream;
    }

    /** The stream the last {@link #create(long)} returned, or null; lets a failed writer release it. */
    CountingOutputStream stream() {
        return stream;
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return uri;
    }

    @Override
    public String toString() {
        return uri;
    }

    /** Counts bytes so Parquet can record column chunk offsets without asking the storage where it is. */
    static final class CountingOutputStream extends PositionOutputStream {
        private final OutputStream out;
        private long position;
        private boolean closed;

        CountingOutputStream(OutputStream out) {
            this.out = new BufferedOutputStream(requireNonNull(out, "out is null"), BUFFER_BYTES);
        }

        @Override
        public long getPos() {
            return position;
        }

        @Override
        public void write(int value) throws IOException {
            out.write(value);
            position++;
        }

        @Override
        public void write(byte[] buffer, int offset, int count) throws IOException {
            out.write(buffer, offset, count);
            position += count;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        boolean isClosed() {
            return closed;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.close();
            }
        }
    }
}
