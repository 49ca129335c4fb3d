package io.nightshift.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nightshift.parquet.ColumnVector;
import io.nightshift.storage.LocalStorage;
import io.nightshift.storage.Storage;
import io.nightshift.testing.ScoringFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The restart contract of {@link PartitionReader}: a reader stopped after any number of batches and restored from
 * its saved context continues exactly after the last row it returned, so stopped + restored reads concatenate to
 * an uninterrupted read.
 */
class PartitionReaderTests {

    private static final String NAME = "partition-reader";
    // 1,000 rows in row groups of 100; 64-row batches cross row-group boundaries.
    private static final int ROWS = 1_000;
    private static final int ROW_GROUP_ROWS = 100;
    private static final int BATCH_SIZE = 64;
    private static final long RUN_ID = 12;

    @TempDir
    Path directory;

    private final Storage storage = new LocalStorage();
    private ScoringPlan plan;

    @BeforeEach
    void planOneFileWithSeveralRowGroups() throws IOException {
        List<Path> input = ScoringFixtures.data(directory.resolve("in"), 1, ROWS, ROW_GROUP_ROWS, 0);
        ScoringSettings settings = TestPlans.settings(directory.resolve("in"), directory.resolve("out"),
                List.of("f00", "f01"), List.of("region"), BATCH_SIZE, 4 * BATCH_SIZE);
        plan = TestPlans.plan(storage, input, settings, List.of("score"));
        assertThat(plan.partitions()).as("partitions of the test plan").hasSizeGreaterThanOrEqualTo(3);
        assertThat(plan.partition(1).firstRowGroup()).as("partition 1 starts inside the file").isPositive();
    }

    @Test
    void anUninterruptedReadReturnsEveryRowOfThePartitionOnceInFileOrder() {
        // given
        ScoringPlan.PlannedPartition partition = plan.partition(1);
        PartitionReader reader = new PartitionReader(NAME, storage, plan, 1, RUN_ID);

        // when
        reader.open(new ExecutionContext());
        List<String> rows = readToEnd(reader);
        reader.close();

        // then
        assertThat(rows).isEqualTo(expectedRows(partition));
    }

    @ParameterizedTest(name = "stopped after {0} batches")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void aReaderRestoredFromTheSavedContextContinuesWhereTheStoppedOneLeftOff(int batchesBeforeStop) {
        // given
        ScoringPlan.PlannedPartition partition = plan.partition(1);
        assertThat(Math.ceilDiv(partition.rows(), BATCH_SIZE)).as("batches in the partition").isEqualTo(5);
        ExecutionContext executionContext = new ExecutionContext();
        PartitionReader stopped = new PartitionReader(NAME, storage, plan, 1, RUN_ID);
        stopped.open(executionContext);
        List<String> rows = new ArrayList<>(read(stopped, batchesBeforeStop));
        stopped.update(executionContext);
        stopped.close();

        // when
        PartitionReader restored = new PartitionReader(NAME, storage, plan, 1, RUN_ID);
        restored.open(TestPlans.persisted(executionContext));
        rows.addAll(readToEnd(restored));
        restored.close();

        // then
        assertThat(rows).isEqualTo(expectedRows(partition));
    }

    @Test
    void aReaderRestoredTwiceStillReturnsEveryRowOnce() {
        // given
        ScoringPlan.PlannedPartition partition = plan.partition(0);
        ExecutionContext executionContext = new ExecutionContext();
        List<String> rows = new ArrayList<>();
        PartitionReader first = new PartitionReader(NAME, storage, plan, 0, RUN_ID);
        first.open(executionContext);
        rows.addAll(read(first, 1));
        first.update(executionContext);
        first.close();
        PartitionReader second = new PartitionReader(NAME, storage, plan, 0, RUN_ID);
        second.open(TestPlans.persisted(executionContext));
        rows.addAll(read(second, 2));
        second.update(executionContext);
        second.close();

        // when
        PartitionReader third = new PartitionReader(NAME, storage, plan, 0, RUN_ID);
        third.open(TestPlans.persisted(executionContext));
        rows.addAll(readToEnd(third));
        third.close();

        // then
        assertThat(rows).isEqualTo(expectedRows(partition));
    }

    @Test
    void aReaderStoppedAtTheEndOfItsPartitionIsRestoredExhausted() {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartitionReader stopped = new PartitionReader(NAME, storage, plan, 1, RUN_ID);
        stopped.open(executionContext);
        readToEnd(stopped);
        stopped.update(executionContext);
        stopped.close();

        // when
        PartitionReader restored = new PartitionReader(NAME, storage, plan, 1, RUN_ID);
        restored.open(TestPlans.persisted(executionContext));
        RowBatch batch = restored.read();
        restored.close();

        // then
        assertThat(batch).isNull();
    }

    @Test
    void checkpointKeysArePrefixedWithTheReadersName() {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartitionReader reader = new PartitionReader("left-reader", storage, plan, 1, RUN_ID);
        reader.open(executionContext);
        reader.read();

        // when
        reader.update(executionContext);
        reader.close();

        // then
        assertThat(executionContext.toMap().keySet()).containsExactlyInAnyOrder(
                "left-reader." + PartitionReader.ROW_GROUP_KEY,
                "left-reader." + PartitionReader.ROW_OFFSET_KEY,
                "left-reader." + PartitionReader.ROWS_READ_KEY);
    }

    @Test
    void twoReadersSavingToOneContextEachRestoreTheirOwnPosition() {
        // given
        ExecutionContext executionContext = new ExecutionContext();
        PartitionReader left = new PartitionReader("left", storage, plan, 0, RUN_ID);
        PartitionReader right = new PartitionReader("right", storage, plan, 2, RUN_ID);
        left.open(executionContext);
        right.open(executionContext);
        List<String> leftRows = new ArrayList<>(read(left, 1));
        List<String> rightRows = new ArrayList<>(read(right, 3));
        left.update(executionContext);
        right.update(executionContext);
        left.close();
        right.close();

        // when
        ExecutionContext restoredContext = TestPlans.persisted(executionContext);
        PartitionReader restoredLeft = new PartitionReader("left", storage, plan, 0, RUN_ID);
        PartitionReader restoredRight = new PartitionReader("right", storage, plan, 2, RUN_ID);
        restoredLeft.open(restoredContext);
        restoredRight.open(restoredContext);
        leftRows.addAll(readToEnd(restoredLeft));
        rightRows.addAll(readToEnd(restoredRight));
        restoredLeft.close();
        restoredRight.close();

        // then
        assertThat(leftRows).isEqualTo(expectedRows(plan.partition(0)));
        assertThat(rightRows).isEqualTo(expectedRows(plan.partition(2)));
    }

    @Test
    void aFileReplacedSinceThePlanIsRefusedWhenThePartitionOpensNamingTheFileAndWhatChanged() throws IOException {
        // given: the planned file replaced by another with the same name and row-group layout, other rows
        Path file = Path.of(java.net.URI.create(plan.files().getFirst().uri()));
        ScoringFixtures.data(directory.resolve("other"), 1, ROWS, ROW_GROUP_ROWS, 7);
        try (var others = Files.list(directory.resolve("other"))) {
            Files.move(others.findFirst().orElseThrow(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        PartitionReader reader = new PartitionReader(NAME, storage, plan, 1, RUN_ID);

        // when / then
        assertThatThrownBy(() -> reader.open(new ExecutionContext()))
                .isInstanceOf(ScoringException.class)
                .hasMessageStartingWith("Cannot score partition-00001 of run 12: " + file.toUri() + " changed since the run was planned (")
                .hasMessageEndingWith("Restore it, or start a new run.")
                .satisfies(e -> assertThat(((ScoringException) e).kind()).isEqualTo(ScoringException.Kind.CONFIGURATION));
    }

    @Test
    void aFileRewrittenWhileThePartitionIsReadFailsTheReadBeforeTheLastChunk() throws IOException {
        // given: a reader part way through its partition
        Path file = Path.of(java.net.URI.create(plan.files().getFirst().uri()));
        PartitionReader reader = new PartitionReader(NAME, storage, plan, 1, RUN_ID);
        reader.open(new ExecutionContext());
        read(reader, 1);

        // when: the file is rewritten in place (same bytes, new modification time)
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));

        // then: reading on (or ending the partition) refuses it
        assertThatThrownBy(() -> readToEnd(reader))
                .isInstanceOf(ScoringException.class)
                .hasMessageContaining("changed since the run was planned");
        reader.close();
    }

    /** {@code rowIndex:id:f00}: where the reader says a row is in the file, which row it is, and one of its values. */
    private static List<String> read(PartitionReader reader, int batches) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            RowBatch batch = reader.read();
            assertThat(batch).as("batch %d", i).isNotNull();
            rows.addAll(describe(batch));
        }
        return rows;
    }

    private static List<String> readToEnd(PartitionReader reader) {
        List<String> rows = new ArrayList<>();
        RowBatch batch;
        while ((batch = reader.read()) != null) {
            assertThat(batch.rows()).isPositive().isLessThanOrEqualTo(BATCH_SIZE);
            rows.addAll(describe(batch));
        }
        return rows;
    }

    private static List<String> describe(RowBatch batch) {
        ColumnVector ids = batch.columns()[0];
        ColumnVector firstFeature = batch.columns()[2];
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < batch.rows(); row++) {
            rows.add((batch.firstRowIndex() + row) + ":" + ids.getLong(row) + ":" + firstFeature.getDouble(row));
        }
        return rows;
    }

    /** Rows of the partition read straight from the file with a fresh reader over the whole file. */
    private List<String> expectedRows(ScoringPlan.PlannedPartition partition) {
        List<String> all = new ArrayList<>();
        try (io.nightshift.parquet.ColumnarParquetReader reader = io.nightshift.parquet.ColumnarParquetReader.openAll(storage,
                plan.files().getFirst().uri(), List.of("customer_id", "f00"))) {
            ColumnVector[] vectors = reader.newVectors(ROWS);
            int rows = reader.read(vectors, ROWS);
            for (int row = 0; row < rows; row++) {
                all.add(row + ":" + vectors[0].getLong(row) + ":" + vectors[1].getDouble(row));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> expected = all.subList((int) partition.firstRowIndex(), (int) (partition.firstRowIndex() + partition.rows()));
        assertThat(expected).as("rows of %s", partition.name()).hasSize((int) partition.rows());
        return List.copyOf(expected);
    }
}
