package io.nightshift.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * One API over every place Nightshift reads from or writes to ({@code file://}, plain paths and {@code s3://}).
 * Nothing outside this package knows which kind of location a URI names.
 *
 * <p>Locations are URIs. Plain paths are accepted everywhere and normalised by {@link #normalize(String)} to
 * absolute {@code file://} URIs. "Directories" are prefixes: for S3 a key prefix, for files a folder.
 */
public interface Storage {

    /** Normalises a user-given location: plain and relative paths become absolute {@code file:} URIs. */
    String normalize(String location);

    /** Joins a directory location and a relative name ({@code s3://b/out} + {@code part-1.parquet}). */
    String resolve(String directory, String name);

    /**
     * Lists the data files a user-given location names, sorted by URI:
     * a single file; a directory (files directly inside it, skipping names starting with {@code _} or {@code .});
     * or a glob in the path ({@code s3://b/in/2026-*.parquet}, {@code data/**.parquet}).
     * Returns an empty list when nothing matches; never null.
     */
    List<StorageFile> list(String location) throws IOException;

    /**
     * Whether {@link #list(String)} of {@code location} would return a file at {@code uri} if one existed there: used to
     * refuse an output whose part files a job's own input pattern would read back tomorrow.
     */
    boolean wouldList(String location, String uri);

    /** Every object directly or indirectly under a directory location (no filtering), sorted by URI. */
    List<StorageFile> listRecursive(String directory) throws IOException;

    /** The file at a URI, or empty when there is none. */
    Optional<StorageFile> stat(String uri) throws IOException;

    /** Opens a file for positional (ranged) reads, of whatever version it has now. */
    default RangeReader openForRead(String uri) throws IOException {
        return openForRead(uri, null);
    }

    /**
     * Opens a file for positional reads of exactly the version {@code expectedVersion} names (a
     * {@link StorageFile#version()} seen earlier), or of the current version when it is null. A file that no longer
     * has that version fails with {@link FileChangedException}: at open, and on S3 at every read (ranged GETs carry
     * {@code If-Match}), so bytes of two versions are never mixed.
     */
    RangeReader openForRead(String uri, String expectedVersion) throws IOException;

    /** Reads a whole (small) file. */
    byte[] readAll(String uri) throws IOException;

    /**
     * Creates a new file, visible complete when the stream is closed (S3: single or multipart PUT on close;
     * local: written in place, so a crash can leave a truncated file under its final name, which is why part
     * names are unique per attempt). Fails with {@link java.nio.file.FileAlreadyExistsException} if it exists.
     */
    OutputStream create(String uri) throws IOException;

    /**
     * Atomically creates a file with this content only if nothing exists at the URI (S3: {@code If-None-Match: *};
     * local: hard link of a fully written temporary file). Returns false, changing nothing, if something exists.
     */
    boolean createIfAbsent(String uri, byte[] content) throws IOException;

    /**
     * Replaces a file's content in one atomic, conditional step, only if it still has {@code expectedVersion}
     * (S3: a PUT with {@code If-Match}; local: a rename under an OS file lock). Readers see the old content or the new,
     * never a mix. Returns false, changing nothing, if the file has another version or is gone.
     */
    boolean replace(String uri, byte[] content, String expectedVersion) throws IOException;

    /** Deletes a file; succeeds if it does not exist. */
    void delete(String uri) throws IOException;

    /**
     * Checks that a directory location can be written to, without leaving anything behind; throws an
     * {@link IOException} saying why not.
     */
    void checkWritable(String directory) throws IOException;

    /**
     * Checks, with one cheap request and without reading or writing data, that the storage a directory location is on
     * answers: an S3 location's bucket exists and answers with these credentials; a local location is a readable
     * directory, or does not exist yet under one (a dated output directory appears with its first run). Throws an
     * {@link IOException} saying why not. For readiness probes, so it must stay cheap.
     */
    void checkReachable(String directory) throws IOException;

    /**
     * Deletes temporary files that writers killed mid-write left in a directory (local storage writes beside the
     * target and renames; S3 uploads leave nothing visible, so there this does nothing). Returns what was deleted.
     * Not a default method on purpose: every wrapper must pass it on.
     */
    List<String> removeAbandonedTemporaries(String directory) throws IOException;
}
