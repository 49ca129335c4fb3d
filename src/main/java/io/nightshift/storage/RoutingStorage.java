package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@link Storage} the rest of Nightshift uses: sends {@code s3://} locations to S3 and {@code file:} URIs and
 * plain paths to the local file system. The S3 client is built on first use, so local runs never need AWS
 * configuration.
 */
public final class RoutingStorage implements Storage, AutoCloseable {

    private static final Pattern URI_WITH_AUTHORITY = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

    private final LocalStorage local;
    private final Supplier<S3Storage> s3Factory;
    private S3Storage s3;
    private boolean closed;

    public RoutingStorage(LocalStorage local, Supplier<S3Storage> s3Factory) {
        this.local = requireNonNull(local, "local is null");
        this.s3Factory = requireNonNull(s3Factory, "s3Factory is null");
    }

    @Override
    public String normalize(String location) {
        return route(location).normalize(location);
    }

    @Override
    public String resolve(String directory, String name) {
        return route(directory).resolve(directory, name);
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        return route(location).list(location);
    }

    @Override
    public boolean wouldList(String location, String uri) {
        return route(location).wouldList(location, uri);
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        return route(directory).listRecursive(directory);
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        return route(uri).stat(uri);
    }

    @Override
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        return route(uri).openForRead(uri, expectedVersion);
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        return route(uri).readAll(uri);
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        return route(uri).create(uri);
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        return route(uri).createIfAbsent(uri, content);
    }

    @Override
    public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
        return route(uri).replace(uri, content, expectedVersion);
    }

    @Override
    public void delete(String uri) throws IOException {
        route(uri).delete(uri);
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        route(directory).checkWritable(directory);
    }

    @Override
    public void checkReachable(String directory) throws IOException {
        route(directory).checkReachable(directory);
    }

    @Override
    public List<String> removeAbandonedTemporaries(String directory) throws IOException {
        return route(directory).removeAbandonedTemporaries(directory);
    }

    /** Closes the S3 client if one was built. */
    @Override
    public synchronized void close() {
        closed = true;
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    private Storage route(String location) {
        requireNonNull(location, "location is null");
        if (location.startsWith(S3Location.SCHEME_PREFIX)) {
            return s3();
        }
        if (location.startsWith("file:") || !URI_WITH_AUTHORITY.matcher(location).matches()) {
            return local;
        }
        throw new IllegalArgumentException(
                "Unsupported storage location " + location + ": use a local path, file:// or s3://");
    }

    private synchronized S3Storage s3() {
        if (closed) {
            throw new IllegalStateException("Storage is closed");
        }
        if (s3 == null) {
            s3 = requireNonNull(s3Factory.get(), "S3 storage factory returned null");
        }
        return s3;
    }
}
