package io.nightshift.scoring;

import io.nightshift.storage.ForwardingStorage;
import io.nightshift.storage.Storage;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * A {@link Storage} view that computes the CRC-32C and size of every file created through it while the bytes flow
 * out, so the manifest can record part checksums without reading the parts back. One instance per part file.
 */
final class ChecksummingStorage extends ForwardingStorage {

    private final CRC32C crc = new CRC32C();
    private long bytes;

    ChecksummingStorage(Storage delegate) {
        super(delegate);
    }

    String crc32c() {
        return "%08x".formatted(crc.getValue());
    }

    long bytes() {
        return bytes;
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        return new FilterOutputStream(delegate().create(uri)) {
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

}
