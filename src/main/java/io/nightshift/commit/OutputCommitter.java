package io.nightshift.commit;

import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exactly-once visibility of a run's output (Iceberg-style): part files are written under unique names and never
 * renamed; the result becomes visible with one conditional create of {@code _manifest.json}, then {@code _SUCCESS}
 * is added for tools that look for it. Part files not listed in the manifest are orphans of crashed attempts and
 * are deleted before the commit.
 */
public final class OutputCommitter {

    public static final String MANIFEST = "_manifest.json";
    public static final String SUCCESS = "_SUCCESS";

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private final Storage storage;

    public OutputCommitter(Storage storage) {
        this.storage = storage;
    }

    /** The manifest committed at an output location, if any. */
    public Optional<Manifest> committed(String outputUri) throws IOException {
        String manifestUri = storage.resolve(outputUri, MANIFEST);
        if (storage.stat(manifestUri).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(storage.readAll(manifestUri), manifestUri));
    }

    /**
     * Removes a previous committed result (for {@code --overwrite}): first {@code _SUCCESS} and the manifest, so the old
     * result stops being visible before any of its parts disappear, then its parts.
     */
    public void removeCommitted(String outputUri, String rejectsUri, Manifest previous) throws IOException {
        storage.delete(storage.resolve(outputUri, SUCCESS));
        storage.delete(storage.resolve(outputUri, MANIFEST));
        for (Manifest.Part part : previous.parts()) {
            storage.delete(storage.resolve(outputUri, part.name()));
        }
        for (Manifest.Part part : previous.rejectParts()) {
            storage.delete(storage.resolve(rejectsUri, part.name()));
        }
    }

    /**
     * Deletes files under {@code directory} whose names start with {@code partPrefix} (this run's parts) and that
     * the committed set does not list. Returns the orphans deleted.
     */
    public List<String> deleteOrphans(String directory, String partPrefix, Set<String> committedNames) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (StorageFile file : storage.listRecursive(directory)) {
            String name = file.name();
            if (name.startsWith(partPrefix) && !committedNames.contains(name)) {
                storage.delete(file.uri());
                deleted.add(file.uri());
            }
        }
        return deleted;
    }

    /**
     * Commits a manifest with one conditional create. Idempotent for the same run (a relaunch after a crash between
     * the manifest and {@code _SUCCESS} completes the commit); a manifest of another run is a conflict.
     */
    public void commit(String outputUri, Manifest manifest) throws IOException {
        String manifestUri = storage.resolve(outputUri, MANIFEST);
        byte[] content = JSON.writeValueAsBytes(manifest);
        if (!storage.createIfAbsent(manifestUri, content)) {
            Manifest existing = parse(storage.readAll(manifestUri), manifestUri);
            if (!existing.runKey().equals(manifest.runKey())) {
                throw new CommitConflictException("Cannot commit manifest " + manifestUri + " for run " + manifest.runId() + " ("
                        + manifest.jobName() + "): it already holds the result of run " + existing.runId() + " ("
                        + existing.jobName() + ", committed " + existing.committedAt()
                        + "). Score into another location, or relaunch with --overwrite.");
            }
        }
        storage.createIfAbsent(storage.resolve(outputUri, SUCCESS),
                ("run " + manifest.runId() + " " + manifest.runKey() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static Manifest parse(byte[] content, String uri) throws IOException {
        try {
            return JSON.readValue(content, Manifest.class);
        } catch (JacksonException e) {
            throw new IOException("Cannot read manifest " + uri + ": " + e.getOriginalMessage(), e);
        }
    }
}
