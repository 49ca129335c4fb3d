package io.nightshift.scoring;

import io.nightshift.commit.Manifest;
import io.nightshift.model.RejectReason;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import io.nightshift.parquet.ColumnarParquetWriter;
import io.nightshift.parquet.WriterOptions;
import io.nightshift.storage.Storage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamWriter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes each chunk (one commit interval) as one new part file, plus one rejects part if the chunk rejected rows.
 * Part names are unique and deterministic: run, partition, chunk sequence and attempt (step execution id), so a
 * re-scored range never overwrites or collides with an orphan of a crashed attempt. The list of parts written is
 * this writer's checkpoint: it commits in the same transaction as the reader's position, so after a crash a part
 * either is listed (and its rows are not read again) or is an orphan (and its rows are read again).
 */
final class PartWriter implements ItemStreamWriter<ScoredBatch> {

    static final String PARTS_KEY = "parts";
    static final String REJECT_PARTS_KEY = "rejectParts";
    static final String ROWS_SCORED_KEY = "rowsScored";
    static final String ROWS_REJECTED_KEY = "rowsRejected";
    static final String REJECT_REASONS_KEY = "rejectReasons";
    static final String SEQUENCE_KEY = "sequence";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<Manifest.Part>> PART_LIST = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Long>> REASON_MAP = new TypeReference<>() {
    };

    private final String name;
    private final Storage storage;
    private final ScoringPlan plan;
    private final ScoringPlan.PlannedPartition partition;
    private final PartNames names;
    private final MessageType outputSchema;
    private final MessageType rejectsSchema;
    private final Map<String, String> metadata;
    private final WriterOptions options;
    private final RunProgress progress;
    private final ChunkMeter meter;
    private final RunFence fence;

    private List<Manifest.Part> parts = new ArrayList<>();
    private List<Manifest.Part> rejectParts = new ArrayList<>();
    private long rowsScored;
    private long rowsRejected;
    private Map<RejectReason, Long> rejectReasons = new EnumMap<>(RejectReason.class);
    private int sequence;

    PartWriter(String name, Storage storage, ScoringPlan plan, int partitionIndex, PartNames names, WriterOptions options,
            RunProgress progress, RunFence fence, ChunkMeter meter) {
        this.name = name;
        this.storage = storage;
        this.plan = plan;
        this.partition = plan.partition(partitionIndex);
        this.names = names;
        this.options = options;
        this.progress = progress;
        this.meter = meter;
        this.fence = fence;
        this.outputSchema = OutputSchemas.output(plan);
        this.rejectsSchema = OutputSchemas.rejects(plan);
        this.metadata = OutputSchemas.metadata(plan, names.runId(), names.epoch());
    }

    @Override
    public void open(ExecutionContext executionContext) {
        parts = new ArrayList<>(readParts(executionContext, key(PARTS_KEY)));
        rejectParts = new ArrayList<>(readParts(executionContext, key(REJECT_PARTS_KEY)));
        rowsScored = executionContext.getLong(key(ROWS_SCORED_KEY), 0L);
        rowsRejected = executionContext.getLong(key(ROWS_REJECTED_KEY), 0L);
        sequence = executionContext.getInt(key(SEQUENCE_KEY), 0);
        rejectReasons = new EnumMap<>(RejectReason.class);
        if (executionContext.containsKey(key(REJECT_REASONS_KEY))) {
            JSON.readValue(executionContext.getString(key(REJECT_REASONS_KEY)), REASON_MAP)
                    .forEach((reason, count) -> rejectReasons.put(RejectReason.valueOf(reason), count));
        }
        progress.addCommitted(rowsScored + rowsRejected);
    }

    @Override
    public void write(Chunk<? extends ScoredBatch> chunk) throws IOException {
        long startNanos = System.nanoTime();
        long scored = 0;
        long rejected = 0;
        for (ScoredBatch batch : chunk.getItems()) {
            scored += batch.rows();
            rejected += batch.rejected();
        }
        List<String> written = new ArrayList<>();
        Manifest.Part part = null;
        Manifest.Part rejectPart = null;
        Map<RejectReason, Long> chunkReasons = new EnumMap<>(RejectReason.class);
        try {
            if (scored > 0) {
                part = writePart(plan.outputUri(), names.part(partition.index(), sequence), outputSchema, scored, written,
                        writer -> {
                            for (ScoredBatch batch : chunk.getItems()) {
                                if (batch.rows() > 0) {
                                    writer.write(outputColumns(batch), batch.rows());
                                }
                            }
                        });
            }
            if (rejected > 0) {
                rejectPart = writePart(plan.rejectsUri(), names.rejects(partition.index(), sequence), rejectsSchema, rejected,
                        written, writer -> {
                            for (ScoredBatch batch : chunk.getItems()) {
                                if (batch.rejected() > 0) {
                                    writer.write(rejectColumns(batch.rejects()), batch.rejected());
                                    for (int i = 0; i < batch.rejected(); i++) {
                                        chunkReasons.merge(batch.rejects().reasons()[i], 1L, Long::sum);
                                    }
                                }
                            }
                        });
            }
            // Last, inside the chunk's transaction: the run is still ours, and stays ours until this chunk commits.
            fence.check(names.runId());
        } catch (RunFence.RunTakenOverException e) {
            // Taken over while writing: these parts will never be listed; remove them rather than leave them to
            // show through the new holder's committed output.
            deleteQuietly(written, e);
            throw e;
        }
        if (part != null) {
            parts.add(part);
        }
        if (rejectPart != null) {
            rejectParts.add(rejectPart);
        }
        chunkReasons.forEach((reason, count) -> rejectReasons.merge(reason, count, Long::sum));
        rowsScored += scored;
        rowsRejected += rejected;
        sequence++;
        progress.addWritten(scored + rejected, rejected);
        meter.written(scored, rejected, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Told of every chunk written (rows scored and rejected, and how long its part files and lease check took). */
    @FunctionalInterface
    interface ChunkMeter {
        void written(long scored, long rejected, Duration took);
    }

    /** What goes into one part file. */
    private interface PartContent {
        void writeTo(ColumnarParquetWriter writer) throws IOException;
    }

    /** Writes one part file (noting its URI in {@code written} first, so a failure can remove it) and describes it. */
    private Manifest.Part writePart(String directory, String partName, MessageType schema, long rows, List<String> written,
            PartContent content) throws IOException {
        String uri = storage.resolve(directory, partName);
        written.add(uri);
        ChecksummingStorage target = new ChecksummingStorage(storage);
        try (ColumnarParquetWriter writer = ColumnarParquetWriter.create(target, uri, schema, metadata, options)) {
            content.writeTo(writer);
        }
        return new Manifest.Part(partName, rows, target.bytes(), target.crc32c());
    }

    private void deleteQuietly(List<String> uris, RuntimeException failure) {
        for (String uri : uris) {
            try {
                storage.delete(uri);
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    @Override
    public void update(ExecutionContext executionContext) {
        executionContext.putString(key(PARTS_KEY), JSON.writeValueAsString(parts));
        executionContext.putString(key(REJECT_PARTS_KEY), JSON.writeValueAsString(rejectParts));
        executionContext.putLong(key(ROWS_SCORED_KEY), rowsScored);
        executionContext.putLong(key(ROWS_REJECTED_KEY), rowsRejected);
        executionContext.putInt(key(SEQUENCE_KEY), sequence);
        Map<String, Long> reasons = new LinkedHashMap<>();
        rejectReasons.forEach((reason, count) -> reasons.put(reason.name(), count));
        executionContext.putString(key(REJECT_REASONS_KEY), JSON.writeValueAsString(reasons));
    }

    @Override
    public void close() {
    }

    /** The committed state of one partition, as the commit step reads it back from the step execution context. */
    record CommittedPartition(List<Manifest.Part> parts, List<Manifest.Part> rejectParts, long rowsScored, long rowsRejected,
            Map<String, Long> rejectReasons) {
    }

    static CommittedPartition committed(String writerName, ExecutionContext executionContext) {
        String reasonsKey = writerName + "." + REJECT_REASONS_KEY;
        return new CommittedPartition(readParts(executionContext, writerName + "." + PARTS_KEY),
                readParts(executionContext, writerName + "." + REJECT_PARTS_KEY),
                executionContext.getLong(writerName + "." + ROWS_SCORED_KEY, 0L),
                executionContext.getLong(writerName + "." + ROWS_REJECTED_KEY, 0L),
                executionContext.containsKey(reasonsKey) ? JSON.readValue(executionContext.getString(reasonsKey), REASON_MAP) : Map.of());
    }

    private static List<Manifest.Part> readParts(ExecutionContext executionContext, String key) {
        if (!executionContext.containsKey(key)) {
            return List.of();
        }
        return JSON.readValue(executionContext.getString(key), PART_LIST);
    }

    private ColumnVector[] outputColumns(ScoredBatch batch) {
        ColumnVector[] copied = batch.copiedColumns();
        float[][] scores = batch.scores();
        ColumnVector[] columns = new ColumnVector[copied.length + scores.length];
        System.arraycopy(copied, 0, columns, 0, copied.length);
        for (int i = 0; i < scores.length; i++) {
            ColumnVector vector = new ColumnVector(ColumnKind.FLOAT, batch.rows());
            double[] values = vector.doubles();
            float[] source = scores[i];
            for (int row = 0; row < batch.rows(); row++) {
                values[row] = source[row];
            }
            vector.setSize(batch.rows());
            columns[copied.length + i] = vector;
        }
        return columns;
    }

    private ColumnVector[] rejectColumns(ScoredBatch.Rejects rejects) {
        int count = rejects.count();
        ColumnVector file = new ColumnVector(ColumnKind.STRING, count);
        ColumnVector rowIndex = new ColumnVector(ColumnKind.INT64, count);
        ColumnVector reason = new ColumnVector(ColumnKind.STRING, count);
        ColumnVector message = new ColumnVector(ColumnKind.STRING, count);
        Binary fileName = Binary.fromString(rejects.fileUri());
        for (int i = 0; i < count; i++) {
            file.appendBinary(fileName);
            rowIndex.appendLong(rejects.rowIndexes()[i]);
            reason.appendString(rejects.reasons()[i].name());
            message.appendString(rejects.messages()[i]);
        }
        return new ColumnVector[] {rejects.ids(), file, rowIndex, reason, message};
    }

    private String key(String suffix) {
        return name + "." + suffix;
    }
}
