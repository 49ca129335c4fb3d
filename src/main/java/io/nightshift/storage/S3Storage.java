package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link Storage} over S3 and S3-compatible servers ({@code s3://bucket/key} URIs): listing, HEAD, whole-object
 * reads and deletes here; the rest in its parts, split the way trino-filesystem-s3 is: {@link S3Clients} builds the
 * client (SDK retries of every request, logged), {@link S3RangeReader} does pinned ranged reads that re-issue a
 * broken body, {@link S3Upload} does conditional writes recognised by a write id, re-issued as a whole when the SDK
 * gave up, and {@link S3Errors} says what a failure means.
 *
 * <p>Objects are written create-only ({@code If-None-Match: *}) or replaced only while unchanged
 * ({@code If-Match}), so nothing is ever overwritten by accident. S3 logs everything under this class's logger.
 */
public final class S3Storage implements Storage, AutoCloseable {

    private static final String PROBE_PREFIX = ".nightshift-probe-";

    private final S3Client client;
    private final S3Settings settings;
    private final S3Upload uploads;

    /** Uses the default AWS credential chain (environment, profile, web identity, container and instance roles). */
    public S3Storage(S3Settings settings) {
        this(S3Clients.build(settings, null), settings);
    }

    /** Uses the given credentials, e.g. static ones for an S3-compatible test server. */
    public S3Storage(S3Settings settings, AwsCredentialsProvider credentials) {
        this(S3Clients.build(settings, requireNonNull(credentials, "credentials is null")), settings);
    }

    /** Takes ownership of {@code client}: {@link #close()} closes it. */
    S3Storage(S3Client client, S3Settings settings) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.uploads = new S3Upload(client, settings);
    }

    @Override
    public String normalize(String location) {
        S3Location.parse(location);
        return location;
    }

    @Override
    public String resolve(String directory, String name) {
        requireNonNull(name, "name is null");
        S3Location.parse(directory);
        String base = directory;
        while (base.endsWith("/") && base.length() > S3Location.SCHEME_PREFIX.length()) {
            base = base.substring(0, base.length() - 1);
        }
        String relative = name;
        while (relative.startsWith("/")) {
            relative = relative.substring(1);
        }
        return base + "/" + relative;
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        S3Location parsed = S3Location.parse(location);
        String key = parsed.key();
        int glob = LocalStorage.firstGlobCharacter(key);
        if (glob >= 0) {
            int slash = key.lastIndexOf('/', glob);
            String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + key.substring(slash + 1));
            return listPrefix(parsed.withKey(prefix), false, location,
                    relativeKey -> isDataKey(relativeKey) && matches(matcher, relativeKey));
        }
        if (!key.isEmpty() && !key.endsWith("/")) {
            Optional<StorageFile> single = stat(location);
            if (single.isPresent()) {
                return List.of(single.get());
            }
        }
        return listPrefix(parsed.withKey(parsed.directoryPrefix()), true, location, S3Storage::isDataKey);
    }

    @Override
    public boolean wouldList(String location, String uri) {
        if (!uri.startsWith(S3Location.SCHEME_PREFIX)) {
            return false;
        }
        S3Location parsed = S3Location.parse(location);
        S3Location file = S3Location.parse(uri);
        if (!parsed.bucket().equals(file.bucket()) || !isDataKey(file.key())) {
            return false;
        }
        String key = parsed.key();
        int glob = LocalStorage.firstGlobCharacter(key);
        if (glob >= 0) {
            int slash = key.lastIndexOf('/', glob);
            String prefix = slash < 0 ? "" : key.substring(0, slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + key.substring(slash + 1));
            return file.key().startsWith(prefix) && matches(matcher, file.key().substring(prefix.length()));
        }
        if (file.key().equals(key)) {
            return true;
        }
        String directory = parsed.directoryPrefix();
        return file.key().startsWith(directory) && file.key().indexOf('/', directory.length()) < 0;
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        S3Location parsed = S3Location.parse(directory);
        return listPrefix(parsed.withKey(parsed.directoryPrefix()), false, directory, relativeKey -> true);
    }

    /** Lists objects under a prefix whose key relative to the prefix passes {@code filter}, sorted by URI. */
    private List<StorageFile> listPrefix(S3Location prefix, boolean directChildrenOnly, String location,
            Predicate<String> filter) throws IOException {
        ListObjectsV2Request.Builder request = ListObjectsV2Request.builder()
                .bucket(prefix.bucket())
                .prefix(prefix.key());
        if (directChildrenOnly) {
            request.delimiter("/");
        }
        List<StorageFile> files = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(request.build()).contents()) {
                String relativeKey = object.key().substring(prefix.key().length());
                // A key ending in '/' is a "directory marker" some tools create, not a file.
                if (!relativeKey.isEmpty() && !relativeKey.endsWith("/") && filter.test(relativeKey)) {
                    files.add(new StorageFile(prefix.withKey(object.key()).uri(), object.size(), S3Version.of(object.eTag(), null)));
                }
            }
        } catch (SdkException e) {
            throw S3Errors.failure("list", location, e);
        }
        files.sort(Comparator.comparing(StorageFile::uri));
        return List.copyOf(files);
    }

    private static boolean isDataKey(String relativeKey) {
        return LocalStorage.isDataFileName(relativeKey.substring(relativeKey.lastIndexOf('/') + 1));
    }

    private static boolean matches(PathMatcher matcher, String relativeKey) {
        try {
            return matcher.matches(Path.of(relativeKey));
        } catch (InvalidPathException e) {
            // A key no local path can spell (e.g. with a NUL) cannot match a glob the user typed.
            return false;
        }
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (location.key().isEmpty()) {
            return Optional.empty();
        }
        try {
            HeadObjectResponse head = client.headObject(request -> request.bucket(location.bucket()).key(location.key()));
            return Optional.of(new StorageFile(location.uri(), head.contentLength(), S3Version.of(head.eTag(), head.versionId())));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw S3Errors.failure("stat", uri, e);
        } catch (SdkException e) {
            throw S3Errors.failure("stat", uri, e);
        }
    }

    @Override
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        return S3RangeReader.open(client, this::stat, S3Location.parse(uri), expectedVersion, settings.maxAttempts());
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        try {
            // The SDK reads the whole body inside its retries (a body broken mid-read is retried), then closes it.
            return client.getObjectAsBytes(request -> request.bucket(location.bucket()).key(location.key()))
                    .asByteArray();
        } catch (SdkException e) {
            throw S3Errors.failure("read", uri, e);
        }
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (location.key().isEmpty() || location.key().endsWith("/")) {
            throw new IllegalArgumentException("Cannot create " + uri + ": the location names a directory, not an object");
        }
        // Fails before any bytes are produced; the create-only upload on close is what guarantees it.
        if (stat(uri).isPresent()) {
            throw new FileAlreadyExistsException(uri, null, "an object already exists");
        }
        return uploads.create(location);
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        return uploads.createIfAbsent(S3Location.parse(uri), content);
    }

    @Override
    public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
        S3Location location = S3Location.parse(uri);
        return uploads.replace(location, content, S3Version.parse(requireNonNull(expectedVersion, "expectedVersion is null")));
    }

    @Override
    public void delete(String uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        try {
            client.deleteObject(request -> request.bucket(location.bucket()).key(location.key()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && "NoSuchKey".equals(S3Errors.errorCode(e))) {
                return;
            }
            throw S3Errors.failure("delete", uri, e);
        } catch (SdkException e) {
            throw S3Errors.failure("delete", uri, e);
        }
    }

    /** Nothing to do: an upload cut off by a kill is never visible (an incomplete multipart upload is not an object). */
    @Override
    public List<String> removeAbandonedTemporaries(String directory) {
        return List.of();
    }

    @Override
    public void checkReachable(String directory) throws IOException {
        S3Location location = S3Location.parse(directory);
        try {
            client.headBucket(request -> request.bucket(location.bucket()));
        } catch (SdkException e) {
            String message = "Cannot reach bucket " + location.bucket() + ": " + S3Errors.reason(e);
            throw S3Errors.isTransient(e) ? new StorageUnavailableException(message, e) : new IOException(message, e);
        }
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        S3Location probe = S3Location.parse(resolve(directory, PROBE_PREFIX + UUID.randomUUID()));
        try {
            client.putObject(request -> request.bucket(probe.bucket()).key(probe.key()).contentLength(0L),
                    RequestBody.empty());
        } catch (SdkException e) {
            String message = "Cannot write to " + directory + ": " + S3Errors.reason(e);
            throw S3Errors.isTransient(e) ? new StorageUnavailableException(message, e) : new IOException(message, e);
        }
        try {
            client.deleteObject(request -> request.bucket(probe.bucket()).key(probe.key()));
        } catch (SdkException e) {
            throw new IOException("Cannot write to " + directory + ": wrote the probe object " + probe
                    + " but could not delete it: " + S3Errors.reason(e), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
