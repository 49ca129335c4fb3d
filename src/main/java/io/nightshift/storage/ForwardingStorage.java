package io.nightshift.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Storage} that forwards every call to another; designed for extension by decorators that watch or
 * change a few calls (checksums of written bytes, counting reads in tests) without restating the rest.
 */
public abstract class ForwardingStorage implements Storage {

    private final Storage delegate;

    protected ForwardingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    protected final Storage delegate() {
        return delegate;
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
    public boolean wouldList(String location, String uri) {
        return delegate.wouldList(location, uri);
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
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        return delegate.openForRead(uri, expectedVersion);
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        return delegate.readAll(uri);
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        return delegate.create(uri);
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        return delegate.createIfAbsent(uri, content);
    }

    @Override
    public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
        return delegate.replace(uri, content, expectedVersion);
    }

    @Override
    public void delete(String uri) throws IOException {
        delegate.delete(uri);
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        delegate.checkWritable(directory);
    }

    @Override
    public void checkReachable(String directory) throws IOException {
        delegate.checkReachable(directory);
    }

    @Override
    public List<String> removeAbandonedTemporaries(String directory) throws IOException {
        return delegate.removeAbandonedTemporaries(directory);
    }
}
