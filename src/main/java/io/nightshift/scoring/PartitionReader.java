package io.nightshift.scoring;

import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetReader;
import io.nightshift.parquet.ParquetFormatException;
import io.nightshift.storage.FileChangedException;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads one partition (row groups of one file) in batches of columns. Its checkpoint is the position of the next
 * row to read: (row group, offset within it), saved under keys derived from the reader's name so two readers in one
 * step never collide. Restored on restart, so a relaunch continues after the last committed chunk.
 */
final class PartitionReader implements ItemStreamReader<RowBatch> {

    static final String ROW_GROUP_KEY = "rowGroup";
    static final String ROW_OFFSET_KEY = "rowOffset";
    private static final Logger log = LoggerFactory.getLogger(PartitionReader.class);
    static final String ROWS_READ_KEY = "rowsRead";

    private final String name;
    private final Storage storage;
    private final ScoringPlan plan;
    private final ScoringPlan.PlannedPartition partition;
    private final int batchSize;
    private final long runId;

    private ColumnarParquetReader reader;
    /**
     * The feature columns' vectors, refilled by every batch: a batch is scored as soon as it is read
     * ({@link ScoringReader}) and only its id and passthrough columns outlive that, so these are free again by the
     * next read. Saves allocating (and collecting) the features' arrays per batch: 30 features × 4,096 rows × 9 bytes.
     */
    private ColumnVector[] featureVectors;
    private long rowsRead;
    private boolean verifiedAtEnd;

    PartitionReader(String name, Storage storage, ScoringPlan plan, int partitionIndex, long runId) {
        this.name = name;
        this.storage = storage;
        this.plan = plan;
        this.partition = plan.partition(partitionIndex);
        this.batchSize = plan.settings().effectiveBatchSize();
        this.runId = runId;
    }

    @Override
    public void open(ExecutionContext executionContext) {
        int rowGroup = executionContext.getInt(key(ROW_GROUP_KEY), partition.firstRowGroup());
        long rowOffset = executionContext.getLong(key(ROW_OFFSET_KEY), 0L);
        rowsRead = executionContext.getLong(key(ROWS_READ_KEY), 0L);
        MDC.put("partition", partition.name());
        String uri = fileUri();
        ScoringPlan.PlannedFile file = plan.files().get(partition.file());
        log.debug("Reading {} from row group {}, row {} of it ({} rows read before)", uri, rowGroup, rowOffset, rowsRead);
        InputPins.verify(storage, file, context());
        verifiedAtEnd = false;
        try {
            reader = ColumnarParquetReader.open(storage, uri, file.version(), plan.columnNames(), rowGroup, rowOffset,
                    partition.endRowGroup());
        } catch (FileChangedException e) {
            throw InputPins.changed(context(), uri, e.change());
        } catch (IOException e) {
            throw new ItemStreamException("Cannot open " + uri + " at row group " + rowGroup + ", row " + rowOffset + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public RowBatch read() {
        List<ScoringPlan.PlannedColumn> columns = plan.columns();
        int featureOffset = plan.featureOffset();
        if (featureVectors == null) {
            featureVectors = new ColumnVector[columns.size() - featureOffset];
            for (int i = 0; i < featureVectors.length; i++) {
                featureVectors[i] = new ColumnVector(ColumnKind.valueOf(columns.get(featureOffset + i).kind()), batchSize);
            }
        }
        ColumnVector[] vectors = new ColumnVector[columns.size()];
        for (int i = 0; i < featureOffset; i++) {
            vectors[i] = new ColumnVector(ColumnKind.valueOf(columns.get(i).kind()), batchSize);
        }
        for (int i = 0; i < featureVectors.length; i++) {
            featureVectors[i].clear();
            vectors[featureOffset + i] = featureVectors[i];
        }
        int rows;
        try {
            rows = reader.read(vectors, batchSize);
        } catch (FileChangedException e) {
            throw InputPins.changed(context(), fileUri(), e.change());
        } catch (ParquetFormatException e) {
            // The bytes are the planned ones (pinned), and they cannot be decoded: a relaunch reads them again.
            throw new ScoringException(ScoringException.Kind.CONFIGURATION, "Cannot read " + fileUri() + " (partition "
                    + partition.name() + ", rows after " + (partition.firstRowIndex() + rowsRead) + "): " + e.getMessage()
                    + ". The file is as planned but corrupt, so relaunching would fail the same way: replace the file, "
                    + "then start a new run (nightshift abandon " + runId + " frees the output).", e);
        } catch (IOException e) {
            throw new ItemStreamException("Cannot read " + fileUri() + " (partition " + partition.name() + ", rows after "
                    + (partition.firstRowIndex() + rowsRead) + "): " + e.getMessage()
                    + ". Relaunch the run once the storage answers.", e);
        }
        if (rows == 0) {
            // The end of the partition, before its last chunk is written and committed: one more proof that every
            // row came from the planned file.
            if (!verifiedAtEnd) {
                InputPins.verify(storage, plan.files().get(partition.file()), context());
                verifiedAtEnd = true;
            }
            return null;
        }
        RowBatch batch = new RowBatch(partition.index(), fileUri(), partition.firstRowIndex() + rowsRead, rows, vectors);
        rowsRead += rows;
        return batch;
    }

    @Override
    public void update(ExecutionContext executionContext) {
        if (reader == null) {
            return;
        }
        executionContext.putInt(key(ROW_GROUP_KEY), reader.rowGroup());
        executionContext.putLong(key(ROW_OFFSET_KEY), reader.rowOffsetInGroup());
        executionContext.putLong(key(ROWS_READ_KEY), rowsRead);
    }

    @Override
    public void close() {
        log.debug("Closing the reader after {} rows", rowsRead);
        MDC.remove("partition");
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new ItemStreamException("Cannot close " + fileUri() + ": " + e.getMessage(), e);
            } finally {
                reader = null;
            }
        }
    }

    private String context() {
        return "Cannot score " + partition.name() + " of run " + runId;
    }

    private String fileUri() {
        return plan.files().get(partition.file()).uri();
    }

    private String key(String suffix) {
        return name + "." + suffix;
    }
}
