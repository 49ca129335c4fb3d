package io.nightshift.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.commit.Manifest;
import io.nightshift.model.RejectReason;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The contract of {@link PartWriter}: one immutable, uniquely named part per chunk (plus a rejects part when the
 * chunk rejected rows), and a checkpoint (the list of parts, counters and sequence) from which a new writer
 * continues without losing, repeating or overwriting anything.
 */
class PartWriterTests {

    private static final String NAME = "part-writer";
    private static final long RUN_ID = 12;
    private static final long EPOCH = 1;

    private final TestFence fence = new TestFence();
    private static final int PARTITION = 1;

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();
    private ScoringPlan plan;
    private String inputUri;

    @BeforeEach
    void planOneFile() throws IOException {
        List<Path> input = ScoringFixtures.data(directory.resolve("in"), 1, 400, 100, 0);
        inputUri = input.getFirst().toUri().toString();
        ScoringSettings settings = TestPlans.settings(directory.resolve("in"), directory.resolve("out"),
                List.of("f00", "f01"), List.of("region"), 50, 100);
        plan = TestPlans.plan(storage, input, settings, List.of("score"));
        assertThat(plan.partitions()).as("partitions of the test plan").hasSizeGreaterThan(PARTITION);
    }

    @Test
    void eachChunkBecomesOnePartFileHoldingExactlyItsRows() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 30, 0), batch(30, 20, 0)));
        writer.write(Chunk.of(batch(50, 10, 0)));
        writer.update(executionContext);
        writer.close();

        // then
        List<Manifest.Part> parts = PartWriter.committed(NAME, executionContext).parts();
        assertThat(parts).extracting(Manifest.Part::rows).containsExactly(50L, 10L);
        assertThat(readScores(parts.get(0))).isEqualTo(expectedScores(0, 50));
        assertThat(readScores(parts.get(1))).isEqualTo(expectedScores(50, 10));
    }

    @Test
    void thePartEntryRecordsTheSizeAndCrc32cOfTheFilesBytes() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 40, 3)));
        writer.update(executionContext);
        writer.close();

        // then
        PartWriter.CommittedPartition committed = PartWriter.committed(NAME, executionContext);
        Manifest.Part part = committed.parts().getFirst();
        byte[] bytes = Files.readAllBytes(outputFile(part));
        assertThat(part.bytes()).isEqualTo(bytes.length);
        assertThat(part.crc32c()).isEqualTo(crc32c(bytes));
        Manifest.Part rejectPart = committed.rejectParts().getFirst();
        byte[] rejectBytes = Files.readAllBytes(rejectsFile(rejectPart));
        assertThat(rejectPart.bytes()).isEqualTo(rejectBytes.length);
        assertThat(rejectPart.crc32c()).isEqualTo(crc32c(rejectBytes));
    }

    @Test
    void everyPartCarriesTheRunAndTheModelsNameVersionAndSha256InItsFooter() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 10, 0)));
        writer.update(executionContext);
        writer.close();

        // then
        Manifest.Part part = PartWriter.committed(NAME, executionContext).parts().getFirst();
        Map<String, String> metadata = io.nightshift.parquet.ParquetFileInfo.read(storage, outputFile(part).toUri().toString())
                .keyValueMetadata();
        assertThat(metadata)
                .containsEntry("nightshift.run.id", Long.toString(RUN_ID))
                .containsEntry("nightshift.model.name", plan.model().name())
                .containsEntry("nightshift.model.version", plan.model().version())
                .containsEntry("nightshift.model.sha256", plan.model().sha256());
    }

    @Test
    void aRestoredWriterContinuesThePartListAndSequenceWithoutNameCollisions() throws IOException {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartWriter first = writer(1, new RunProgress(plan.totalRows()));
        first.open(executionContext);
        first.write(Chunk.of(batch(0, 20, 0)));
        first.write(Chunk.of(batch(20, 20, 0)));
        first.update(executionContext);
        first.close();
        List<Manifest.Part> before = PartWriter.committed(NAME, executionContext).parts();

        // when
        ExecutionContext restoredContext = TestPlans.persisted(executionContext);
        PartWriter restored = writer(2, new RunProgress(plan.totalRows()));
        restored.open(restoredContext);
        restored.write(Chunk.of(batch(40, 20, 0)));
        restored.update(restoredContext);
        restored.close();

        // then
        List<Manifest.Part> parts = PartWriter.committed(NAME, restoredContext).parts();
        assertThat(parts).hasSize(3).startsWith(before.toArray(Manifest.Part[]::new));
        assertThat(parts).extracting(Manifest.Part::name).doesNotHaveDuplicates()
                .containsExactly(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 0), new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 1),
                        new PartNames(RUN_ID, plan.runKey(), EPOCH, 2).part(PARTITION, 2));
        assertThat(restoredContext.getInt(NAME + "." + PartWriter.SEQUENCE_KEY)).isEqualTo(3);
        List<Long> ids = new ArrayList<>();
        for (Manifest.Part part : parts) {
            ids.addAll(readScores(part).keySet());
        }
        assertThat(ids).isEqualTo(expectedScores(0, 60).keySet().stream().toList());
    }

    @Test
    void aChunkWrittenAfterTheLastCheckpointIsAnOrphanThatTheRestoredWriterNeitherListsNorOverwrites() throws IOException {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartWriter crashed = writer(1, new RunProgress(plan.totalRows()));
        crashed.open(executionContext);
        crashed.write(Chunk.of(batch(0, 20, 0)));
        crashed.update(executionContext);
        crashed.write(Chunk.of(batch(20, 20, 2)));
        Path orphan = outputFile(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 1));
        Path orphanRejects = rejectsFile(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).rejects(PARTITION, 1));
        byte[] orphanBytes = Files.readAllBytes(orphan);

        // when
        ExecutionContext restoredContext = TestPlans.persisted(executionContext);
        PartWriter restored = writer(2, new RunProgress(plan.totalRows()));
        restored.open(restoredContext);
        restored.write(Chunk.of(batch(20, 20, 2)));
        restored.update(restoredContext);
        restored.close();

        // then
        PartWriter.CommittedPartition committed = PartWriter.committed(NAME, restoredContext);
        assertThat(committed.parts()).extracting(Manifest.Part::name)
                .containsExactly(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 0), new PartNames(RUN_ID, plan.runKey(), EPOCH, 2).part(PARTITION, 1));
        assertThat(committed.rejectParts()).extracting(Manifest.Part::name)
                .containsExactly(new PartNames(RUN_ID, plan.runKey(), EPOCH, 2).rejects(PARTITION, 1));
        assertThat(Files.readAllBytes(orphan)).isEqualTo(orphanBytes);
        assertThat(orphanRejects).exists();
        assertThat(committed.rowsScored()).isEqualTo(20 + 18);
        assertThat(committed.rowsRejected()).isEqualTo(2);
    }

    @Test
    void countersAndRejectReasonsAddUpAcrossARestart() throws IOException {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartWriter first = writer(1, new RunProgress(plan.totalRows()));
        first.open(executionContext);
        first.write(Chunk.of(batch(0, 30, 3), batch(30, 10, 0)));
        first.update(executionContext);
        first.close();

        // when
        ExecutionContext restoredContext = TestPlans.persisted(executionContext);
        PartWriter restored = writer(2, new RunProgress(plan.totalRows()));
        restored.open(restoredContext);
        restored.write(Chunk.of(batch(40, 25, 4)));
        restored.update(restoredContext);
        restored.close();

        // then
        PartWriter.CommittedPartition committed = PartWriter.committed(NAME, restoredContext);
        assertThat(committed.rowsScored()).isEqualTo(27 + 10 + 21);
        assertThat(committed.rowsRejected()).isEqualTo(3 + 4);
        assertThat(committed.parts()).extracting(Manifest.Part::rows).containsExactly(37L, 21L);
        assertThat(committed.rejectParts()).extracting(Manifest.Part::rows).containsExactly(3L, 4L);
        // reasons cycle NULL, NAN, INFINITE, OUT_OF_RANGE over each batch's rejects: (3) N,Na,I + (4) N,Na,I,O
        assertThat(committed.rejectReasons()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "NULL_FEATURE", 2L, "NAN_FEATURE", 2L, "INFINITE_FEATURE", 2L, "OUT_OF_RANGE_FEATURE", 1L));
    }

    @Test
    void aRestoredWriterReportsTheRowsCommittedBeforeAsDone() throws IOException {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartWriter first = writer(1, new RunProgress(plan.totalRows()));
        first.open(executionContext);
        first.write(Chunk.of(batch(0, 30, 5)));
        first.update(executionContext);
        first.close();
        RunProgress progress = new RunProgress(plan.totalRows());

        // when
        PartWriter restored = writer(2, progress);
        restored.open(TestPlans.persisted(executionContext));

        // then
        assertThat(progress.rowsDone()).isEqualTo(30);
        assertThat(progress.rowsThisAttempt()).isZero();
    }

    @Test
    void aChunkWithoutRejectedRowsWritesNoRejectsPart() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 30, 0)));
        writer.update(executionContext);
        writer.close();

        // then
        assertThat(PartWriter.committed(NAME, executionContext).rejectParts()).isEmpty();
        assertThat(directory.resolve("out").resolve("_rejects")).doesNotExist();
    }

    @Test
    void aRejectsPartHoldsEachRejectedRowWithItsSourceReasonAndMessage() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 30, 2), batch(30, 10, 0), batch(40, 10, 1)));
        writer.update(executionContext);
        writer.close();

        // then
        Manifest.Part rejectPart = PartWriter.committed(NAME, executionContext).rejectParts().getFirst();
        assertThat(rejectPart.name()).isEqualTo(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).rejects(PARTITION, 0));
        assertThat(rejectPart.rows()).isEqualTo(3);
        assertThat(readRejects(rejectPart)).containsExactly(
                "0|" + inputUri + "|100|NULL_FEATURE|message 0",
                "1|" + inputUri + "|101|NAN_FEATURE|message 1",
                "40|" + inputUri + "|140|NULL_FEATURE|message 40");
    }

    @Test
    void aChunkWhoseRowsWereAllRejectedWritesOnlyARejectsPart() throws IOException {
        // given
        PartWriter writer = writer(1, new RunProgress(plan.totalRows()));
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);

        // when
        writer.write(Chunk.of(batch(0, 4, 4)));
        writer.update(executionContext);
        writer.close();

        // then
        PartWriter.CommittedPartition committed = PartWriter.committed(NAME, executionContext);
        assertThat(committed.parts()).isEmpty();
        assertThat(committed.rejectParts()).extracting(Manifest.Part::rows).containsExactly(4L);
        assertThat(outputFile(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 0))).doesNotExist();
    }

    @Test
    void checkpointKeysArePrefixedWithTheWritersName() throws IOException {
        // given
        PartWriter writer = new PartWriter("left-writer", storage, plan, PARTITION, new PartNames(RUN_ID, plan.runKey(), EPOCH, 1),
                WriterOptions.defaults(), new RunProgress(plan.totalRows()), fence,
                (scored, rejected, took) -> { });
        ExecutionContext executionContext = new ExecutionContext();
        writer.open(executionContext);
        writer.write(Chunk.of(batch(0, 10, 1)));

        // when
        writer.update(executionContext);
        writer.close();

        // then
        assertThat(new HashSet<>(executionContext.toMap().keySet())).allSatisfy(key -> assertThat(key).startsWith("left-writer."))
                .contains("left-writer." + PartWriter.PARTS_KEY, "left-writer." + PartWriter.REJECT_PARTS_KEY,
                        "left-writer." + PartWriter.SEQUENCE_KEY);
    }

    @Test
    void aWriterWhoseRunWasTakenOverThrowsAndLeavesNoPartBehind() throws IOException {
        // given: a writer that committed one chunk, then lost its run to another process
        ExecutionContext executionContext = new ExecutionContext();
        PartWriter zombie = writer(1, new RunProgress(plan.totalRows()));
        zombie.open(executionContext);
        zombie.write(Chunk.of(batch(0, 20, 0)));
        zombie.update(executionContext);
        fence.takenOver = true;

        // when / then
        assertThatThrownBy(() -> zombie.write(Chunk.of(batch(20, 20, 2))))
                .isInstanceOf(RunFence.RunTakenOverException.class);
        assertThat(outputFile(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).part(PARTITION, 1))).doesNotExist();
        assertThat(rejectsFile(new PartNames(RUN_ID, plan.runKey(), EPOCH, 1).rejects(PARTITION, 1))).doesNotExist();
        zombie.update(executionContext);
        assertThat(PartWriter.committed(NAME, executionContext).parts()).hasSize(1);
    }

    private PartWriter writer(long attempt, RunProgress progress) {
        return new PartWriter(NAME, storage, plan, PARTITION, new PartNames(RUN_ID, plan.runKey(), EPOCH, attempt), WriterOptions.defaults(), progress,
                fence, (scored, rejected, took) -> { });
    }

    /** The lease of a run held at {@link #EPOCH} until a test says another process took it over. */
    private static final class TestFence implements RunFence {
        boolean takenOver;

        @Override
        public long epoch(long runId) {
            return EPOCH;
        }

        @Override
        public void check(long runId) {
            if (takenOver) {
                throw new RunTakenOverException("run " + runId + " was taken over");
            }
        }
    }

    /**
     * {@code rows} input rows with ids {@code firstId…}, of which the first {@code rejected} were rejected (reasons
     * cycling through {@link RejectReason}); each scored row's score is {@code id / 1000}. Row index = id + 100.
     */
    private ScoredBatch batch(long firstId, int rows, int rejected) {
        int scored = rows - rejected;
        ColumnVector ids = new ColumnVector(ColumnKind.INT64, scored);
        ColumnVector regions = new ColumnVector(ColumnKind.STRING, scored);
        float[] scores = new float[scored];
        for (int row = 0; row < scored; row++) {
            long id = firstId + rejected + row;
            ids.appendLong(id);
            if (id % 7 == 0) {
                regions.appendNull();
            } else {
                regions.appendString("region-" + id % 5);
            }
            scores[row] = id / 1000f;
        }
        ColumnVector rejectIds = new ColumnVector(ColumnKind.INT64, rejected);
        long[] rowIndexes = new long[rejected];
        RejectReason[] reasons = new RejectReason[rejected];
        String[] messages = new String[rejected];
        for (int row = 0; row < rejected; row++) {
            long id = firstId + row;
            rejectIds.appendLong(id);
            rowIndexes[row] = id + 100;
            reasons[row] = RejectReason.values()[row % RejectReason.values().length];
            messages[row] = "message " + id;
        }
        ScoredBatch.Rejects rejects = rejected == 0
                ? ScoredBatch.Rejects.none(inputUri, rejectIds)
                : new ScoredBatch.Rejects(inputUri, rejectIds, rowIndexes, reasons, messages, rejected);
        return new ScoredBatch(scored, new ColumnVector[] {ids, regions}, new float[][] {scores}, rejects);
    }

    private static Map<Long, Float> expectedScores(long firstId, int rows) {
        Map<Long, Float> scores = new java.util.LinkedHashMap<>();
        for (long id = firstId; id < firstId + rows; id++) {
            scores.put(id, id / 1000f);
        }
        return scores;
    }

    /** id → score of every row of a part, in file order; also checks the passthrough column came through. */
    private Map<Long, Float> readScores(Manifest.Part part) throws IOException {
        Map<Long, Float> scores = new java.util.LinkedHashMap<>();
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, outputFile(part).toUri().toString(),
                List.of("customer_id", "region", "score"))) {
            ColumnVector[] vectors = reader.newVectors(1024);
            int rows = reader.read(vectors, 1024);
            assertThat(reader.read(vectors, 1024)).as("rows past the first 1,024").isZero();
            for (int row = 0; row < rows; row++) {
                long id = vectors[0].getLong(row);
                assertThat(vectors[1].getString(row)).isEqualTo(id % 7 == 0 ? null : "region-" + id % 5);
                scores.put(id, (float) vectors[2].getDouble(row));
            }
        }
        assertThat(scores).as("rows of %s", part.name()).hasSize((int) part.rows());
        return scores;
    }

    private List<String> readRejects(Manifest.Part part) throws IOException {
        List<String> rejects = new ArrayList<>();
        try (ColumnarParquetReader reader = ColumnarParquetReader.openAll(storage, rejectsFile(part).toUri().toString(),
                List.of("customer_id", "source_file", "row_index", "reason", "message"))) {
            ColumnVector[] vectors = reader.newVectors(1024);
            int rows = reader.read(vectors, 1024);
            for (int row = 0; row < rows; row++) {
                rejects.add(vectors[0].getLong(row) + "|" + vectors[1].getString(row) + "|" + vectors[2].getLong(row) + "|"
                        + vectors[3].getString(row) + "|" + vectors[4].getString(row));
            }
        }
        return rejects;
    }

    private Path outputFile(Manifest.Part part) {
        return outputFile(part.name());
    }

    private Path outputFile(String name) {
        return directory.resolve("out").resolve(name);
    }

    private Path rejectsFile(Manifest.Part part) {
        return rejectsFile(part.name());
    }

    private Path rejectsFile(String name) {
        return directory.resolve("out").resolve("_rejects").resolve(name);
    }

    private static String crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return "%08x".formatted(crc.getValue());
    }
}
