package io.nightshift.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.ForwardingStorage;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.RangeReader;
import io.nightshift.storage.Storage;
import io.nightshift.storage.StorageFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OutputCommitter}: a run's output becomes visible through one conditional create of its manifest, then
 * {@code _SUCCESS}; a second commit of the same run completes it, another run's commit is a conflict; orphan
 * clean-up touches only this run's unlisted parts; removing a result hides it before deleting anything else.
 */
class OutputCommitterTests {

    private static final String PART_1 = "part-r000012-p00000-c000000-a000001.parquet";
    private static final String PART_2 = "part-r000012-p00001-c000000-a000002.parquet";
    private static final String REJECTS_1 = "rejects-r000012-p00000-c000000-a000001.parquet";

    @TempDir
    Path directory;

    private final RecordingStorage storage = new RecordingStorage();
    private final OutputCommitter committer = new OutputCommitter(storage);
    private Path output;
    private String outputUri;
    private String rejectsUri;

    @BeforeEach
    void outputWithTwoPartsAndOneRejectsPart() throws IOException {
        output = directory.resolve("out");
        Files.createDirectories(output.resolve("_rejects"));
        Files.writeString(output.resolve(PART_1), "part 1");
        Files.writeString(output.resolve(PART_2), "part 2");
        Files.writeString(output.resolve("_rejects").resolve(REJECTS_1), "rejects 1");
        outputUri = storage.normalize(output.toString());
        rejectsUri = storage.resolve(outputUri, "_rejects");
    }

    @Test
    void aCommitWritesTheManifestAndThenSuccess() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");

        // when
        committer.commit(outputUri, manifest);

        // then
        assertThat(storage.created()).containsExactly(uri(OutputCommitter.MANIFEST), uri(OutputCommitter.SUCCESS));
        assertThat(committer.committed(outputUri)).contains(manifest);
    }

    @Test
    void anOutputWithoutAManifestHasNoCommittedResult() throws IOException {
        assertThat(committer.committed(outputUri)).isEmpty();
    }

    @Test
    void committingTheSameRunTwiceIsIdempotent() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");
        committer.commit(outputUri, manifest);
        byte[] manifestBytes = Files.readAllBytes(output.resolve(OutputCommitter.MANIFEST));
        byte[] successBytes = Files.readAllBytes(output.resolve(OutputCommitter.SUCCESS));

        // when
        committer.commit(outputUri, manifest);

        // then
        assertThat(Files.readAllBytes(output.resolve(OutputCommitter.MANIFEST))).isEqualTo(manifestBytes);
        assertThat(Files.readAllBytes(output.resolve(OutputCommitter.SUCCESS))).isEqualTo(successBytes);
        assertThat(committer.committed(outputUri)).contains(manifest);
    }

    @Test
    void committingAgainAfterACrashBeforeSuccessCompletesTheCommit() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");
        committer.commit(outputUri, manifest);
        Files.delete(output.resolve(OutputCommitter.SUCCESS));

        // when
        committer.commit(outputUri, manifest);

        // then
        assertThat(output.resolve(OutputCommitter.SUCCESS)).exists();
    }

    @Test
    void anotherRunsManifestIsAConflictNamingBothRuns() throws IOException {
        // given
        Manifest committed = manifest(12, "run-key-12", "churn-nightly");
        committer.commit(outputUri, committed);

        // when / then
        assertThatThrownBy(() -> committer.commit(outputUri, manifest(13, "run-key-13", "churn-adhoc")))
                .isInstanceOf(CommitConflictException.class)
                .hasMessageContaining(uri(OutputCommitter.MANIFEST))
                .hasMessageContaining("run 12 (churn-nightly")
                .hasMessageContaining("run 13 (churn-adhoc");
        assertThat(committer.committed(outputUri)).contains(committed);
    }

    @Test
    void orphanCleanUpDeletesOnlyThisRunsUnlistedParts() throws IOException {
        // given
        String orphan = "part-r000012-p00000-c000001-a000001.parquet";
        Files.writeString(output.resolve(orphan), "orphan");
        Files.writeString(output.resolve("part-r000013-p00000-c000000-a000003.parquet"), "another run");
        Files.writeString(output.resolve("part-r0000120-p00000-c000000-a000004.parquet"), "a run whose id starts alike");
        Files.writeString(output.resolve("notes.txt"), "not a part");

        // when
        List<String> deleted = committer.deleteOrphans(outputUri, "part-r000012-", Set.of(PART_1, PART_2));

        // then
        assertThat(deleted).containsExactly(uri(orphan));
        assertThat(remaining()).containsExactlyInAnyOrder(PART_1, PART_2, "_rejects/" + REJECTS_1,
                "part-r000013-p00000-c000000-a000003.parquet", "part-r0000120-p00000-c000000-a000004.parquet", "notes.txt");
    }

    @Test
    void orphanCleanUpOfRejectsLeavesListedRejectsParts() throws IOException {
        // given
        String orphan = "rejects-r000012-p00001-c000000-a000001.parquet";
        Files.writeString(output.resolve("_rejects").resolve(orphan), "orphan");

        // when
        List<String> deleted = committer.deleteOrphans(rejectsUri, "rejects-r000012-", Set.of(REJECTS_1));

        // then
        assertThat(deleted).containsExactly(storage.resolve(rejectsUri, orphan));
        assertThat(output.resolve("_rejects").resolve(REJECTS_1)).exists();
        assertThat(output.resolve(PART_1)).exists();
    }

    @Test
    void removingACommittedResultDeletesTheMarkersBeforeAnyPart() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");
        committer.commit(outputUri, manifest);

        // when
        committer.removeCommitted(outputUri, rejectsUri, manifest);

        // then
        assertThat(storage.deleted()).containsExactly(uri(OutputCommitter.SUCCESS), uri(OutputCommitter.MANIFEST), uri(PART_1),
                uri(PART_2), storage.resolve(rejectsUri, REJECTS_1));
        assertThat(remaining()).isEmpty();
        assertThat(committer.committed(outputUri)).isEmpty();
    }

    private Manifest manifest(long runId, String runKey, String jobName) {
        return new Manifest(Manifest.FORMAT_VERSION, runId, runKey, jobName, "2026-05-01T02:00:00Z",
                Map.of("name", "churn", "version", "3", "sha256", "ab".repeat(32)),
                List.of(new Manifest.InputFile("file:///in/part-00000.parquet", 4_096, 150)),
                List.of(new Manifest.Part(PART_1, 100, 6, "0a0b0c0d"), new Manifest.Part(PART_2, 47, 6, "01020304")),
                List.of(new Manifest.Part(REJECTS_1, 3, 9, "deadbeef")), 150, 147, 3, Map.of("NULL_FEATURE", 3L));
    }

    private String uri(String name) {
        return storage.resolve(outputUri, name);
    }

    private List<String> remaining() throws IOException {
        try (var files = Files.walk(output)) {
            return files.filter(Files::isRegularFile).map(file -> output.relativize(file).toString()).toList();
        }
    }

    /** Local storage that records the order of creates and deletes. */
    private static final class RecordingStorage extends ForwardingStorage {
        private final List<String> created = new CopyOnWriteArrayList<>();
        private final List<String> deleted = new CopyOnWriteArrayList<>();

        RecordingStorage() {
            super(new LocalStorage());
        }

        List<String> created() {
            return List.copyOf(created);
        }

        List<String> deleted() {
            return List.copyOf(deleted);
        }

        @Override
        public boolean createIfAbsent(String uri, byte[] content) throws IOException {
            boolean createdNow = delegate().createIfAbsent(uri, content);
            if (createdNow) {
                created.add(uri);
            }
            return createdNow;
        }

        @Override
        public OutputStream create(String uri) throws IOException {
            created.add(uri);
            return delegate().create(uri);
        }

        @Override
        public void delete(String uri) throws IOException {
            deleted.add(uri);
            delegate().delete(uri);
        }
    }
}
