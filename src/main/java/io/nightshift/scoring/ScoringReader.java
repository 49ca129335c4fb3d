package io.nightshift.scoring;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads a partition as scored batches: each batch is validated and scored as soon as it is read. Spring Batch reads
 * a whole chunk before processing any of it, so a separate processor would keep a commit interval of raw feature
 * columns alive (31 columns × 100,000 rows as doubles ≈ 25 MB per partition); scoring on read keeps only ids,
 * copied columns and scores. The checkpoint is still the partition reader's position: scoring is a pure function of
 * the rows read, so a restored position re-scores exactly what was not committed.
 */
final class ScoringReader implements ItemStreamReader<ScoredBatch> {

    private final PartitionReader rows;
    private final ScoringProcessor scoring;

    ScoringReader(PartitionReader rows, ScoringProcessor scoring) {
        this.rows = rows;
        this.scoring = scoring;
    }

    @Override
    public void open(ExecutionContext executionContext) {
        rows.open(executionContext);
        scoring.open(executionContext);
    }

    @Override
    public ScoredBatch read() {
        RowBatch batch = rows.read();
        return batch == null ? null : scoring.process(batch);
    }

    @Override
    public void update(ExecutionContext executionContext) {
        rows.update(executionContext);
    }

    @Override
    public void close() {
        try {
            scoring.close();
        } finally {
            rows.close();
        }
    }
}
