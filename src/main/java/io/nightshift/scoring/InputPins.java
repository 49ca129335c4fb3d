package io.nightshift.scoring;

import io.nightshift.parquet.ParquetFileInfo;
import io.nightshift.storage.FileChangedException;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.Optional;

/**
 * Proves an input is still the file a run was planned on: the same storage version (S3 ETag/versionId, local size and
 * modification time) and the same footer checksum. Checked when a relaunch starts (every input, before anything is
 * scored), when a partition opens its file and before a partition's last chunk commits; S3 reads in between carry
 * {@code If-Match}, local reads re-check the version.
 */
final class InputPins {

    private InputPins() {
    }

    /** What changed in a planned file ("ETag "a1…" → "b7…""), or empty if it is still the planned one. */
    static Optional<String> change(Storage storage, ScoringPlan.PlannedFile file) throws IOException {
        if (file.version() == null) {
            return Optional.empty();
        }
        long checksum;
        try {
            checksum = ParquetFileInfo.footerChecksum(storage, file.uri(), file.version());
        } catch (FileChangedException e) {
            return Optional.of(e.change());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.of(file.version() + " → deleted");
        }
        if (checksum != file.footerChecksum()) {
            return Optional.of("footer checksum %08x → %08x".formatted(file.footerChecksum(), checksum));
        }
        return Optional.empty();
    }

    /** The error for a changed input: nothing of it may be committed, and relaunching cannot help until it is restored. */
    static ScoringException changed(String what, String uri, String change) {
        return new ScoringException(ScoringException.Kind.CONFIGURATION, what + ": " + uri
                + " changed since the run was planned (" + change + "). Restore it, or start a new run.");
    }

    /** Checks one planned file, failing with {@link #changed} if it is not the planned one any more. */
    static void verify(Storage storage, ScoringPlan.PlannedFile file, String what) {
        Optional<String> change;
        try {
            change = change(storage, file);
        } catch (IOException e) {
            throw new ScoringException(ScoringException.Kind.RUN, what + ": cannot check " + file.uri() + " against the plan: "
                    + e.getMessage(), e);
        }
        if (change.isPresent()) {
            throw changed(what, file.uri(), change.get());
        }
    }
}
