package io.nightshift.scoring;

import io.nightshift.storage.RangeReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link Storage} view that computes the CRC-32C and size of every file created through it while the bytes flow
 * out, so the manifest can record part checksums without reading the parts back. One instance per part file.
 */
final class ChecksummingStorage implements Storage {

    private final Storage delegate;
    private final CRC32C crc = new CRC32C();
    private long bytes;

    ChecksummingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    String crc32c() {
        return "%08x".formatted(crc.getValue());
    }

    long bytes() {
        return bytes;
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        return new FilterOutputStream(delegate.create(uri)) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                crc.update(b);
                bytes++;
            }

            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                out.write(buffer, offset, length);
                crc.update(buffer, offset, length);
                bytes += length;
            }
        };
    }

    @Override
    public String normalize(String location) {
        return delegate.normalize(location);
    }

    @Override
    public String resolve(String directory, String name) {
        return delegate.resolve(directory, name);
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        return delegate.list(location);
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        return delegate.listRecursive(directory);
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        return delegate.stat(uri);
    }

    @Override
    public RangeReader openForRead(String uri) throws IOException {
        return delegate.openForRead(uri);
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        return delegate.readAll(uri);
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        return delegate.createIfAbsent(uri, content);
    }

    @Override
    public void delete(String uri) throws IOException {
        delegate.delete(uri);
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        delegate.checkWritable(directory);
    }
}
