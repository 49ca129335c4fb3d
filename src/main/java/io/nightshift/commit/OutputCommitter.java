package io.nightshift.commit;

import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Exactly-once visibility of a run's output (Iceberg-style): a run claims its location ({@code _claim.json},
 * conditional create), writes part files under unique names that are never renamed, and makes its result visible
 * with one conditional create (or, to overwrite, one conditional replace) of {@code _manifest.json}; then
 * {@code _SUCCESS} is added for tools that look for it and the claim is released. Part files the manifest does not
 * list are orphans of crashed attempts or the replaced result's parts, and are deleted.
 */
public final class OutputCommitter {

    private static final Logger log = LoggerFactory.getLogger(OutputCommitter.class);

    public static final String MANIFEST = "_manifest.json";
    public static final String SUCCESS = "_SUCCESS";
    public static final String CLAIM = "_claim.json";
    private static final Pattern PART_FILE = Pattern.compile("(part|rejects)-r\\d+-.*\\.parquet");

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

    /** The claim on an output location, if a run holds it. */
    public Optional<OutputClaim> claim(String outputUri) throws IOException {
        String claimUri = storage.resolve(outputUri, CLAIM);
        Optional<StorageFile> file = storage.stat(claimUri);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parseClaim(storage.readAll(claimUri), claimUri));
    }

    /**
     * Claims an output location for a run with one conditional create. Returns empty when the run holds it now
     * (also when it already did: a relaunch of the same run), or the claim of the run that holds it.
     */
    public Optional<OutputClaim> tryClaim(String outputUri, OutputClaim claim) throws IOException {
        String claimUri = storage.resolve(outputUri, CLAIM);
        if (storage.createIfAbsent(claimUri, JSON.writeValueAsBytes(claim))) {
            return Optional.empty();
        }
        OutputClaim holder = parseClaim(storage.readAll(claimUri), claimUri);
        return holder.runKey().equals(claim.runKey()) ? Optional.empty() : Optional.of(holder);
    }

    /**
     * Moves a claim from a holder that is finished (committed or abandoned, as the caller checked) to another run, in
     * one conditional replace; false if the claim changed meanwhile.
     */
    public boolean takeOverClaim(String outputUri, OutputClaim stale, OutputClaim claim) throws IOException {
        String claimUri = storage.resolve(outputUri, CLAIM);
        Optional<StorageFile> file = storage.stat(claimUri);
        if (file.isEmpty()) {
            return tryClaim(outputUri, claim).isEmpty();
        }
        OutputClaim current = parseClaim(storage.readAll(claimUri), claimUri);
        if (!current.runKey().equals(stale.runKey())) {
            return current.runKey().equals(claim.runKey());
        }
        return storage.replace(claimUri, JSON.writeValueAsBytes(claim), file.get().version());
    }

    /** Deletes a run's claim on a location; leaves another run's claim alone. */
    public void releaseClaim(String outputUri, String runKey) throws IOException {
        Optional<OutputClaim> current = claim(outputUri);
        if (current.isPresent() && current.get().runKey().equals(runKey)) {
            storage.delete(storage.resolve(outputUri, CLAIM));
        }
    }

    /**
     * Deletes a run's part files (an abandoned run's, whatever their attempt or epoch) under a directory. Returns the
     * files deleted.
     */
    public List<String> deleteParts(String directory, String partPrefix) throws IOException {
        List<String> deleted = new ArrayList<>();
        for (StorageFile file : storage.listRecursive(directory)) {
            if (file.name().startsWith(partPrefix)) {
                storage.delete(file.uri());
                deleted.add(file.uri());
            }
        }
        return deleted;
    }

    /**
     * Commits a manifest. Without {@code overwrite}, one conditional create: idempotent for the same run (a relaunch
     * after a crash inside the commit completes it), a conflict for another run's manifest. With {@code overwrite},
     * another run's manifest is replaced in one conditional step (readers see the old result or the new, never
     * neither). Then, in this order: every Nightshift part file under the output and rejects locations that the new
     * manifest does not list is deleted (orphans of crashed attempts, the replaced result's parts), except
     * {@code keep} (parts a newer lease holder may still be writing); {@code _SUCCESS} is written; the claim is
     * released. After a commit the location holds exactly the manifest's parts, the manifest, {@code _SUCCESS} and
     * the rejects.
     */
    public CommitResult commit(String outputUri, String rejectsUri, Manifest manifest, boolean overwrite,
            Predicate<String> keep) throws IOException {
        String manifestUri = storage.resolve(outputUri, MANIFEST);
        byte[] content = JSON.writeValueAsBytes(manifest);
        Set<String> listed = new HashSet<>();
        manifest.parts().forEach(part -> listed.add(storage.resolve(outputUri, part.name())));
        manifest.rejectParts().forEach(part -> listed.add(storage.resolve(rejectsUri, part.name())));
        // Orphans of this run's crashed attempts first, so they never show beside the manifest's parts...
        String ownPrefix = "-" + manifest.runTag() + "-";
        List<String> deleted = new ArrayList<>(deleteUnlisted(List.of(outputUri, rejectsUri), listed,
                name -> name.contains(ownPrefix) && !keep.test(name)));
        Long replacedRun = null;
        if (!storage.createIfAbsent(manifestUri, content)) {
            StorageFile current = storage.stat(manifestUri).orElseThrow(
                    () -> new CommitStateUnknownException("Cannot commit manifest " + manifestUri + ": it exists and vanished "
                            + "while being read; another process is changing this location. Check it, then relaunch."));
            Manifest existing = parse(storage.readAll(manifestUri), manifestUri);
            if (!existing.runKey().equals(manifest.runKey())) {
                if (!overwrite) {
                    throw new CommitConflictException("Cannot commit manifest " + manifestUri + " for run " + manifest.runId() + " ("
                            + manifest.jobName() + "): it already holds the result of run " + existing.runId() + " ("
                            + existing.jobName() + ", committed " + existing.committedAt()
                            + "). Score into another location, or start the run with --overwrite.");
                }
                if (!storage.replace(manifestUri, content, current.version())) {
                    Manifest now = parse(storage.readAll(manifestUri), manifestUri);
                    if (!now.runKey().equals(manifest.runKey())) {
                        throw new CommitConflictException("Cannot commit manifest " + manifestUri + " for run " + manifest.runId()
                                + ": run " + now.runId() + " committed there meanwhile. Score into another location.");
                    }
                }
                replacedRun = existing.runId();
            }
        }
        // ...then, once the new manifest is the visible one, the replaced result's parts and anything else unlisted in
        // the output. A rejects location outside the output may be shared by several outputs: there, only this run's.
        deleted.addAll(deleteUnlisted(List.of(outputUri), listed, name -> !keep.test(name)));
        if (!rejectsUri.startsWith(outputUri.endsWith("/") ? outputUri : outputUri + "/")) {
            deleted.addAll(deleteUnlisted(List.of(rejectsUri), listed, name -> name.contains(ownPrefix) && !keep.test(name)));
        }
        writeSuccess(outputUri, manifest);
        releaseClaim(outputUri, manifest.runKey());
        return new CommitResult(deleted, replacedRun, removeAbandonedTemporaries(outputUri));
    }

    private List<String> deleteUnlisted(List<String> directories, Set<String> listed, Predicate<String> mayDelete)
            throws IOException {
        List<String> deleted = new ArrayList<>();
        for (String directory : directories) {
            for (StorageFile file : storage.listRecursive(directory)) {
                if (isPartFile(file.name()) && !listed.contains(file.uri()) && mayDelete.test(file.name())) {
                    storage.delete(file.uri());
                    deleted.add(file.uri());
                }
            }
        }
        return deleted;
    }

    /**
     * What a commit removed: part files not listed in the manifest, the run whose result it replaced (or null), and
     * temporaries that killed writers had left.
     */
    public record CommitResult(List<String> deleted, Long replacedRun, List<String> temporaries) {
        public CommitResult {
            deleted = List.copyOf(deleted);
            temporaries = List.copyOf(temporaries);
        }
    }

    private void writeSuccess(String outputUri, Manifest manifest) throws IOException {
        byte[] success = ("run " + manifest.runId() + " " + manifest.runKey() + "\n").getBytes(StandardCharsets.UTF_8);
        String successUri = storage.resolve(outputUri, SUCCESS);
        if (!storage.createIfAbsent(successUri, success)) {
            Optional<StorageFile> previous = storage.stat(successUri);
            if (previous.isPresent() && !Arrays.equals(storage.readAll(successUri), success)) {
                storage.replace(successUri, success, previous.get().version());
            }
        }
    }

    /**
     * Deletes temporaries that killed writers left in an output location (see {@link Storage#removeAbandonedTemporaries}).
     * Best effort, for a tidy location: they are hidden from readers, so failing to remove them never fails a commit
     * that has happened; the next commit or abandon there tries again.
     */
    public List<String> removeAbandonedTemporaries(String outputUri) {
        try {
            return storage.removeAbandonedTemporaries(outputUri);
        } catch (IOException | RuntimeException e) {
            log.warn("Could not remove temporaries left by killed writers in {}: {}", outputUri, e.toString());
            return List.of();
        }
    }

    /** Writes {@code _SUCCESS} again for the committed result at a location, if there is one (after an abandoned overwrite). */
    public void restoreSuccess(String outputUri) throws IOException {
        Optional<Manifest> committed = committed(outputUri);
        if (committed.isPresent()) {
            writeSuccess(outputUri, committed.get());
        }
    }

    /** Removes {@code _SUCCESS}, for a run that will overwrite this location: the old result stays readable through its manifest. */
    public void withdrawSuccess(String outputUri) throws IOException {
        storage.delete(storage.resolve(outputUri, SUCCESS));
    }

    /** A name Nightshift gives part files ({@code part-r000012-…}, {@code rejects-r000012-…}); nothing else is ever deleted. */
    static boolean isPartFile(String name) {
        return PART_FILE.matcher(name).matches();
    }

    private static OutputClaim parseClaim(byte[] content, String uri) throws IOException {
        try {
            return JSON.readValue(content, OutputClaim.class);
        } catch (JacksonException e) {
            throw new IOException("Cannot read claim " + uri + ": " + e.getOriginalMessage()
                    + ". Delete it if no run is writing this location.", e);
        }
    }

    private static Manifest parse(byte[] content, String uri) throws IOException {
        try {
            return JSON.readValue(content, Manifest.class);
        } catch (JacksonException e) {
            throw new IOException("Cannot read manifest " + uri + ": " + e.getOriginalMessage(), e);
        }
    }
}
