package io.nightshift.parquet;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.RangeReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Local storage that records every positional read, as S3 would bill them: one ranged GET each. */
final class CountingStorage implements Storage {

    /** One positional read: where it started and how many bytes it asked for. */
    record RangeRead(long position, int length) {
    }

    private final LocalStorage local = new LocalStorage();
    private final List<RangeRead> reads = new CopyOnWriteArrayList<>();

    List<RangeRead> reads() {
        return List.copyOf(reads);
    }

    void forgetReads() {
        reads.clear();
    }

    @Override
    public RangeReader openForRead(String uri) throws IOException {
        RangeReader reader = local.openForRead(uri);
        return new RangeReader() {
            @Override
            public long length() {
                return reader.length();
            }

            @Override
            public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
                reads.add(new RangeRead(position, length));
                reader.readFully(position, buffer, offset, length);
            }

            @Override
            public void close() throws IOException {
                reader.close();
            }
        };
    }

    @Override
    public String normalize(String location) {
        return local.normalize(location);
    }

    @Override
    public String resolve(String directory, String name) {
        return local.resolve(directory, name);
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        return local.list(location);
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        return local.listRecursive(directory);
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        return local.stat(uri);
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        return local.readAll(uri);
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        return local.create(uri);
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        return local.createIfAbsent(uri, content);
    }

    @Override
    public void delete(String uri) throws IOException {
        local.delete(uri);
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        local.checkWritable(directory);
    }
}
