package io.nightshift.commit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.storage.ForwardingStorage;
import io.nightshift.storage.LocalStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    private static final String PART_1 = "part-r000012-runkey12-p00000-c000000-e001-a000001.parquet";
    private static final String PART_2 = "part-r000012-runkey12-p00001-c000000-e001-a000002.parquet";
    private static final String REJECTS_1 = "rejects-r000012-runkey12-p00000-c000000-e001-a000001.parquet";

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
        commit(manifest, false);

        // then
        assertThat(storage.created()).containsExactly(uri(OutputCommitter.MANIFEST), uri(OutputCommitter.SUCCESS));
        assertThat(committer.committed(outputUri)).contains(manifest);
    }

    @Test
    void aCommitRemovesTheTemporariesOfAWriterKilledBetweenWritingAndRenaming() throws Exception {
        // given: what a process killed inside createIfAbsent("_SUCCESS") leaves behind
        Path leftover = output.resolve("._SUCCESS.6e671620-170a-4d31-aac5-3ef5576c4e4a.tmp");
        Files.writeString(leftover, "run 12");

        // when
        commit(manifest(12, "run-key-12", "churn-nightly"), false);

        // then
        assertThat(leftover).doesNotExist();
        assertThat(output.resolve(OutputCommitter.SUCCESS)).exists();
    }

    @Test
    void aRunWithTheSameIdFromAnotherJobRepositoryKeepsItsCommittedPartsWhenOurCommitIsRefused() throws IOException {
        // given: a laptop's run 12 committed here, and its parts
        Path theirs = output.resolve("part-r000012-laptop12-p00000-c000000-e001-a000001.parquet");
        Files.writeString(theirs, "the laptop's run 12");
        Manifest laptop = new Manifest(Manifest.FORMAT_VERSION, 12, "laptop-12", "churn-nightly", "2026-05-01T02:00:00Z",
                Map.of(), List.of(), List.of(new Manifest.Part(theirs.getFileName().toString(), 1, 1, "00000000")), List.of(), 1, 1, 0, Map.of());
        committer.commit(outputUri, rejectsUri, laptop, true, name -> false);

        // when: production's run 12 commits into the same location without --overwrite
        assertThatThrownBy(() -> commit(manifest(12, "run-key-12", "churn-nightly"), false))
                .isInstanceOf(CommitConflictException.class);

        // then: the refused commit deleted only its own orphans, never the committed result's parts
        assertThat(theirs).exists();
        assertThat(committer.committed(outputUri)).contains(laptop);
    }

    @Test
    void anOutputWithoutAManifestHasNoCommittedResult() throws IOException {
        assertThat(committer.committed(outputUri)).isEmpty();
    }

    @Test
    void committingTheSameRunTwiceIsIdempotent() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");
        commit(manifest, false);
        byte[] manifestBytes = Files.readAllBytes(output.resolve(OutputCommitter.MANIFEST));
        byte[] successBytes = Files.readAllBytes(output.resolve(OutputCommitter.SUCCESS));

        // when
        commit(manifest, false);

        // then
        assertThat(Files.readAllBytes(output.resolve(OutputCommitter.MANIFEST))).isEqualTo(manifestBytes);
        assertThat(Files.readAllBytes(output.resolve(OutputCommitter.SUCCESS))).isEqualTo(successBytes);
        assertThat(committer.committed(outputUri)).contains(manifest);
    }

    @Test
    void committingAgainAfterACrashBeforeSuccessCompletesTheCommit() throws IOException {
        // given
        Manifest manifest = manifest(12, "run-key-12", "churn-nightly");
        commit(manifest, false);
        Files.delete(output.resolve(OutputCommitter.SUCCESS));

        // when
        commit(manifest, false);

        // then
        assertThat(output.resolve(OutputCommitter.SUCCESS)).exists();
    }

    @Test
    void anotherRunsManifestIsAConflictNamingBothRuns() throws IOException {
        // given
        Manifest committed = manifest(12, "run-key-12", "churn-nightly");
        commit(committed, false);

        // when / then
        assertThatThrownBy(() -> commit(manifest(13, "run-key-13", "churn-adhoc"), false))
                .isInstanceOf(CommitConflictException.class)
                .hasMessageContaining(uri(OutputCommitter.MANIFEST))
                .hasMessageContaining("run 12 (churn-nightly")
                .hasMessageContaining("run 13 (churn-adhoc");
        assertThat(committer.committed(outputUri)).contains(committed);
    }

    @Test
    void aCommitLeavesExactlyTheListedPartsTheManifestSuccessAndRejects() throws IOException {
        // given: an orphan of this run, a part of a killed earlier run, and a file that is not a part
        Files.writeString(output.resolve("part-r000012-runkey12-p00000-c000001-e001-a000001.parquet"), "orphan");
        Files.writeString(output.resolve("part-r000011-runkey11-p00000-c000000-e001-a000003.parquet"), "a killed run's part");
        Files.writeString(output.resolve("_rejects").resolve("rejects-r000012-runkey12-p00001-c000000-e001-a000001.parquet"), "orphan");
        Files.writeString(output.resolve("notes.txt"), "not a part");

        // when
        OutputCommitter.CommitResult result = commit(manifest(12, "run-key-12", "churn-nightly"), false);

        // then
        assertThat(result.deleted()).hasSize(3);
        assertThat(remaining()).containsExactlyInAnyOrder(PART_1, PART_2, "_rejects/" + REJECTS_1, OutputCommitter.MANIFEST,
                OutputCommitter.SUCCESS, "notes.txt");
    }

    @Test
    void aRejectsLocationOutsideTheOutputLosesOnlyThisRunsOrphans() throws IOException {
        // given: rejects shared by several outputs, holding another output's committed rejects and an orphan of ours
        Path shared = Files.createDirectories(directory.resolve("shared-rejects"));
        String sharedUri = storage.normalize(shared.toString());
        Files.writeString(shared.resolve(REJECTS_1), "rejects 1");
        String othersRejects = "rejects-r000007-runkey7-p00000-c000000-e001-a000002.parquet";
        Files.writeString(shared.resolve(othersRejects), "another output's committed rejects");
        String orphan = "rejects-r000012-runkey12-p00001-c000000-e001-a000001.parquet";
        Files.writeString(shared.resolve(orphan), "orphan");

        // when
        committer.commit(outputUri, sharedUri, manifest(12, "run-key-12", "churn-nightly"), false, name -> false);

        // then
        assertThat(shared.resolve(othersRejects)).exists();
        assertThat(shared.resolve(REJECTS_1)).exists();
        assertThat(shared.resolve(orphan)).doesNotExist();
    }

    @Test
    void partsOfANewerLeaseHolderAreKeptByTheCommit() throws IOException {
        // given
        String newer = "part-r000012-runkey12-p00000-c000001-e002-a000009.parquet";
        Files.writeString(output.resolve(newer), "written by the holder that took over");

        // when
        commit(manifest(12, "run-key-12", "churn-nightly"), false, name -> name.contains("-e002-"));

        // then
        assertThat(output.resolve(newer)).exists();
    }

    @Test
    void anOverwriteSwapsTheManifestInOneStepAndOnlyThenDeletesTheOldParts() throws IOException {
        // given: run 12's committed result, and run 13's parts written beside it
        commit(manifest(12, "run-key-12", "churn-nightly"), false);
        String newPart = "part-r000013-runkey13-p00000-c000000-e001-a000007.parquet";
        Files.writeString(output.resolve(newPart), "new part");
        storage.forget();
        Manifest replacement = new Manifest(Manifest.FORMAT_VERSION, 13, "run-key-13", "churn-nightly", "2026-05-02T02:00:00Z",
                Map.of(), List.of(), List.of(new Manifest.Part(newPart, 150, 8, "0a0b0c0d")), List.of(), 150, 150, 0, Map.of());

        // when
        OutputCommitter.CommitResult result = commit(replacement, true);

        // then: the manifest was replaced before any old part was deleted, and only the new result remains
        assertThat(storage.events().getFirst()).isEqualTo("replace " + uri(OutputCommitter.MANIFEST));
        assertThat(result.replacedRun()).isEqualTo(12);
        assertThat(committer.committed(outputUri)).contains(replacement);
        assertThat(remaining()).containsExactlyInAnyOrder(newPart, OutputCommitter.MANIFEST, OutputCommitter.SUCCESS);
        assertThat(Files.readString(output.resolve(OutputCommitter.SUCCESS))).contains("run 13");
    }

    @Test
    void aClaimIsHeldByOneRunUntilItIsReleased() throws IOException {
        // given
        OutputClaim first = claim(11);
        OutputClaim second = claim(12);

        // when / then
        assertThat(committer.tryClaim(outputUri, first)).isEmpty();
        assertThat(committer.tryClaim(outputUri, first)).as("the holder claiming again").isEmpty();
        assertThat(committer.tryClaim(outputUri, second)).contains(first);
        committer.releaseClaim(outputUri, second.runKey());
        assertThat(committer.claim(outputUri)).as("another run cannot release it").contains(first);
        committer.releaseClaim(outputUri, first.runKey());
        assertThat(committer.tryClaim(outputUri, second)).isEmpty();
    }

    @Test
    void aStaleClaimIsTakenOverConditionally() throws IOException {
        // given
        OutputClaim stale = claim(11);
        committer.tryClaim(outputUri, stale);

        // when / then
        assertThat(committer.takeOverClaim(outputUri, stale, claim(12))).isTrue();
        assertThat(committer.takeOverClaim(outputUri, stale, claim(13))).as("the claim moved meanwhile").isFalse();
        assertThat(committer.claim(outputUri)).contains(claim(12));
    }

    @Test
    void theCommitReleasesTheRunsClaim() throws IOException {
        // given
        committer.tryClaim(outputUri, claim(12));

        // when
        commit(manifest(12, "run-key-12", "churn-nightly"), false);

        // then
        assertThat(committer.claim(outputUri)).isEmpty();
    }

    private OutputCommitter.CommitResult commit(Manifest manifest, boolean overwrite) throws IOException {
        return commit(manifest, overwrite, name -> false);
    }

    private OutputCommitter.CommitResult commit(Manifest manifest, boolean overwrite, java.util.function.Predicate<String> keep)
            throws IOException {
        return committer.commit(outputUri, rejectsUri, manifest, overwrite, keep);
    }

    private static OutputClaim claim(long runId) {
        return new OutputClaim(runId, "run-key-" + runId, "churn-nightly", "host-a", "2026-05-01T02:00:00Z");
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
        private final List<String> events = new CopyOnWriteArrayList<>();

        RecordingStorage() {
            super(new LocalStorage());
        }

        List<String> created() {
            return List.copyOf(created);
        }

        List<String> deleted() {
            return List.copyOf(deleted);
        }

        /** Every create, replace and delete, in order ("delete file:///…"). */
        List<String> events() {
            return List.copyOf(events);
        }

        void forget() {
            created.clear();
            deleted.clear();
            events.clear();
        }

        @Override
        public boolean replace(String uri, byte[] content, String expectedVersion) throws IOException {
            events.add("replace " + uri);
            return delegate().replace(uri, content, expectedVersion);
        }

        @Override
        public boolean createIfAbsent(String uri, byte[] content) throws IOException {
            boolean createdNow = delegate().createIfAbsent(uri, content);
            if (createdNow) {
                created.add(uri);
                events.add("create " + uri);
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
            events.add("delete " + uri);
            delegate().delete(uri);
        }
    }
}
