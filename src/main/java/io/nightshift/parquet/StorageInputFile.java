package io.nightshift.parquet;

import static java.util.Objects.requireNonNull;

import io.nightshift.storage.RangeReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over {@link Storage}, so parquet-java reads local files and S3 objects the same way
 * (ranged reads, no Hadoop FileSystem). Each {@link #newStream()} opens its own {@link RangeReader}.
 */
public final class StorageInputFile implements InputFile {

    private final Storage storage;
    private final String uri;
    private final String expectedVersion;
    private long length = -1;

    public StorageInputFile(Storage storage, String uri) {
        this(storage, uri, null);
    }

    /** Reads only {@code expectedVersion} of the file (null: whatever version it has when opened). */
    public StorageInputFile(Storage storage, String uri, String expectedVersion) {
        this.storage = requireNonNull(storage, "storage is null");
        this.uri = requireNonNull(uri, "uri is null");
        this.expectedVersion = expectedVersion;
    }

    @Override
    public long getLength() throws IOException {
        if (length < 0) {
            StorageFile file = storage.stat(uri).orElseThrow(
                    () -> new FileNotFoundException("Cannot read " + uri + ": no such file"));
            length = file.size();
        }
        return length;
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
        return openStream();
    }

    /** Like {@link #newStream()}, typed so this package can ask whether a failure came from storage. */
    RangeReaderInputStream openStream() throws IOException {
        RangeReaderInputStream stream = new RangeReaderInputStream(
                storage.openForRead(uri, expectedVersion), uri, RangeReaderInputStream.DEFAULT_WINDOW_BYTES);
        // The reader knows the length already; remembering it saves a metadata request (an S3 HEAD) later.
        length = stream.length();
        return stream;
    }

    /** The file this reads. */
    public String uri() {
        return uri;
    }

    @Override
    public String toString() {
        return uri;
    }
}
