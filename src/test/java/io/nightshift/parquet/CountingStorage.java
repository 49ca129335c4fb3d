package io.nightshift.parquet;

import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.RangeReader;
import io.nightshift.storage.ForwardingStorage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Local storage that records every positional read, as S3 would bill them: one ranged GET each. */
final class CountingStorage extends ForwardingStorage {

    /** One positional read: where it started and how many bytes it asked for. */
    record RangeRead(long position, int length) {
    }

    private final List<RangeRead> reads = new CopyOnWriteArrayList<>();

    CountingStorage() {
        super(new LocalStorage());
    }

    List<RangeRead> reads() {
        return List.copyOf(reads);
    }

    void forgetReads() {
        reads.clear();
    }

    @Override
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        RangeReader reader = delegate().openForRead(uri, expectedVersion);
        return new RangeReader() {
            @Override
            public long length() {
                return reader.length();
            }

            @Override
            public String version() {
                return reader.version();
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

}
