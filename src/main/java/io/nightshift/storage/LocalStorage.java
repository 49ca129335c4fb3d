package io.nightshift.storage;

import static java.util.Objects.requireNonNull;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@link Storage} over the local file system ({@code file:} URIs and plain paths). */
public final class LocalStorage implements Storage {

    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");
    /** {@code .<name>.<uuid>.tmp}: see {@link #withTemporary}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

    @Override
    public String normalize(String location) {
        return path(location).toUri().toString();
    }

    @Override
    public String resolve(String directory, String name) {
        return path(directory).resolve(name).toUri().toString();
    }

    @Override
    public List<StorageFile> list(String location) throws IOException {
        String raw = location.startsWith("file:") ? URI.create(location).getPath() : location;
        int glob = firstGlobCharacter(raw);
        if (glob >= 0) {
            int slash = raw.lastIndexOf('/', glob);
            Path base = Path.of(slash < 0 ? "." : raw.substring(0, slash + 1)).toAbsolutePath().normalize();
            String pattern = raw.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            if (!Files.isDirectory(base)) {
                return List.of();
            }
            return files(Files.walk(base), file -> matcher.matches(base.relativize(file)) && isDataFile(file));
        }
        Path path = path(location);
        if (Files.isRegularFile(path)) {
            return List.of(toStorageFile(path));
        }
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        return files(Files.list(path), LocalStorage::isDataFile);
    }

    @Override
    public boolean wouldList(String location, String uri) {
        if (!uri.startsWith("file:") && URI_SCHEME.matcher(uri).matches()) {
            return false;
        }
        Path file = path(uri);
        if (!isDataFile(file)) {
            return false;
        }
        String raw = location.startsWith("file:") ? URI.create(location).getPath() : location;
        int glob = firstGlobCharacter(raw);
        if (glob >= 0) {
            int slash = raw.lastIndexOf('/', glob);
            Path base = Path.of(slash < 0 ? "." : raw.substring(0, slash + 1)).toAbsolutePath().normalize();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + raw.substring(slash + 1));
            return file.startsWith(base) && matcher.matches(base.relativize(file));
        }
        Path path = path(location);
        return file.equals(path) || path.equals(file.getParent());
    }

    @Override
    public List<StorageFile> listRecursive(String directory) throws IOException {
        Path path = path(directory);
        if (!Files.isDirectory(path)) {
            return List.of();
        }
        return files(Files.walk(path), file -> true);
    }

    /** The regular files of a directory stream that pass a filter, sorted by URI; closes the stream. */
    private static List<StorageFile> files(Stream<Path> paths, java.util.function.Predicate<Path> filter) throws IOException {
        try (paths) {
            return paths.filter(Files::isRegularFile)
                    .filter(filter)
                    .map(LocalStorage::toStorageFile)
                    .sorted(Comparator.comparing(StorageFile::uri))
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static boolean isDataFile(Path file) {
        return isDataFileName(file.getFileName().toString());
    }

    @Override
    public Optional<StorageFile> stat(String uri) throws IOException {
        Path path = path(uri);
        return Files.isRegularFile(path) ? Optional.of(toStorageFile(path)) : Optional.empty();
    }

    @Override
    public RangeReader openForRead(String uri, String expectedVersion) throws IOException {
        Path path = path(uri);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        long length;
        String version;
        try {
            // Stat through the open channel's path after opening: a rename over the path after this point leaves
            // the channel on the version checked here.
            length = channel.size();
            version = version(path);
            if (expectedVersion != null && !expectedVersion.equals(version)) {
                throw new FileChangedException(path.toUri().toString(), expectedVersion, version);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new RangeReader() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public void readFully(long position, byte[] buffer, int offset, int count) throws IOException {
                ByteBuffer target = ByteBuffer.wrap(buffer, offset, count);
                long at = position;
                while (target.hasRemaining()) {
                    int read = channel.read(target, at);
                    if (read < 0) {
                        throw new EOFException("Cannot read " + count + " bytes at offset " + position + " of " + uri
                                + ": the file has only " + length + " bytes");
                    }
                    at += read;
                }
                if (expectedVersion != null) {
                    // Like S3's If-Match on every GET: a file rewritten in place or replaced (renamed over) since it
                    // was pinned fails the read, so bytes of two versions never meet in one run.
                    String now = Files.exists(path) ? LocalStorage.version(path) : null;
                    if (!version.equals(now)) {
                        throw new FileChangedException(path.toUri().toString(), version, now);
                    }
                }
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    @Override
    public byte[] readAll(String uri) throws IOException {
        return Files.readAllBytes(path(uri));
    }

    @Override
    public OutputStream create(String uri) throws IOException {
        Path path = path(uri);
        Files.createDirectories(path.getParent());
        return new DurableFileOutputStream(FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * Buffered writes to a new file that is forced to disk on close: a checkpoint that lists a part file is
     * committed after the part is closed, so the part must not live only in the page cache when the node dies.
     */
    private static final class DurableFileOutputStream extends OutputStream {
        private final FileChannel channel;
        private final OutputStream out;
        private boolean closed;

        DurableFileOutputStream(FileChannel channel) {
            this.channel = channel;
            this.out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 256 * 1024);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try (channel; out) {
                out.flush();
                channel.force(true);
            }
        }
    }

    @Override
    public boolean createIfAbsent(String uri, byte[] content) throws IOException {
        Path path = path(uri);
        Files.createDirectories(path.getParent());
        // Write fully to a private temporary name, then hard-link: link() fails if the target exists, so the
        // file appears atomically and complete, or not at all.
        return withTemporary(path, content, temporary -> {
            try {
                Files.createLink(path, temporary);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        });
    }

    /**
     * Local replace: under an exclusive OS lock (released by the kernel if the process dies) check the version,
     * write the new content to a temporary file, force it to disk and rename it over the old one atomically. Every
     * replace of the file on this machine takes the same lock, so check and swap are one step. The lock file lives
     * in the temporary directory, named by the target's path, so the target's directory holds nothing extra.
     */
    @Override
    public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
        requireNonNull(expectedVersion, "expectedVersion is null");
        Path path = path(uri);
        Path lock = lockFile(path);
        try (FileChannel lockChannel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            if (!Files.isRegularFile(path) || !expectedVersion.equals(version(path))) {
                return false;
            }
            return withTemporary(path, content, temporary -> {
                Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return true;
            });
        }
    }

    /** What is done with a complete, durable temporary file: link or rename it to its target. */
    private interface TemporaryAction {
        boolean apply(Path temporary) throws IOException;
    }

    /**
     * Writes {@code content} to a private temporary file beside {@code target} ({@code .<name>.<uuid>.tmp}, hidden from
     * readers by its leading dot), forces it to disk, runs {@code action} on it and deletes what is left. The writer
     * holds an OS lock on the temporary for its whole life; the kernel releases it when the process dies, however it
     * dies. That is how {@link #removeAbandonedTemporaries} tells a killed writer's leftover (unlocked) from a write in
     * flight (locked), in this process, another one, or another pod sharing the volume. A temporary removed by that
     * clean-up between its creation and its lock is noticed and written again.
     */
    private static boolean withTemporary(Path target, byte[] content, TemporaryAction action) throws IOException {
        while (true) {
            Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    FileLock ignored = channel.lock()) {
                if (!Files.exists(temporary)) {
                    continue;
                }
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
                try {
                    return action.apply(temporary);
                } finally {
                    Files.deleteIfExists(temporary);
                }
            }
        }
    }

    /**
     * Deletes the temporaries that a killed process left between writing and renaming ({@code ._SUCCESS.<uuid>.tmp}):
     * only those no writer holds a lock on (see {@link #withTemporary}), so a write in flight is never disturbed.
     * Best effort: a file it cannot lock or delete is left for the next commit.
     */
    @Override
    public List<String> removeAbandonedTemporaries(String directory) throws IOException {
        List<String> removed = new ArrayList<>();
        Path root = path(directory);
        if (!Files.isDirectory(root)) {
            return removed;
        }
        List<Path> candidates;
        try (Stream<Path> paths = Files.walk(root)) {
            candidates = paths.filter(file -> TEMPORARY.matcher(file.getFileName().toString()).matches())
                    .filter(Files::isRegularFile).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (Path file : candidates) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock()) {
                if (lock != null) {
                    Files.deleteIfExists(file);
                    removed.add(file.toUri().toString());
                }
            } catch (OverlappingFileLockException e) {
                // A writer in this process holds it: in flight.
            } catch (NoSuchFileException e) {
                // Its writer finished meanwhile.
            }
        }
        return removed;
    }

    private static Path lockFile(Path path) throws IOException {
        Path directory = Path.of(System.getProperty("java.io.tmpdir"), "nightshift-locks");
        Files.createDirectories(directory);
        return directory.resolve(UUID.nameUUIDFromBytes(path.toString().getBytes(StandardCharsets.UTF_8)) + ".lock");
    }

    @Override
    public void delete(String uri) throws IOException {
        Files.deleteIfExists(path(uri));
    }

    @Override
    public void checkReachable(String directory) throws IOException {
        Path path = path(directory);
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IOException((existing == null ? path : existing) + " is not a directory");
        }
        if (!Files.isReadable(existing)) {
            throw new AccessDeniedException(existing.toString(), null, "not readable by this process");
        }
    }

    @Override
    public void checkWritable(String directory) throws IOException {
        Path path = path(directory);
        try {
            Files.createDirectories(path);
            Path probe = Files.createTempFile(path, ".nightshift-probe-", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(path.toString(), null, "permission denied");
        } catch (FileAlreadyExistsException e) {
            throw new IOException(path + " exists and is not a directory", e);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot create directory " + path, e);
        }
    }

    static Path path(String location) {
        if (location.startsWith("file:")) {
            return Path.of(URI.create(location)).toAbsolutePath().normalize();
        }
        return Path.of(location).toAbsolutePath().normalize();
    }

    private static StorageFile toStorageFile(Path path) {
        try {
            return new StorageFile(path.toUri().toString(), Files.size(path), version(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A local file's version: size and modification time to the nanosecond (as the file system keeps it). A file
     * rewritten in place or replaced gets a new one; restoring a file with its old time ({@code cp -p}) keeps it,
     * which is why the planner also pins the Parquet footer's checksum.
     */
    private static String version(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        return "size " + attributes.size() + ", modified " + attributes.lastModifiedTime().toInstant();
    }

    static boolean isDataFileName(String name) {
        return !name.startsWith("_") && !name.startsWith(".");
    }

    static int firstGlobCharacter(String location) {
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }

}
