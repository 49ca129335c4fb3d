package io.nightshift.scoring;

import io.nightshift.model.FeatureAssembler;
import io.nightshift.model.FeatureBlock;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.RejectReason;
import io.nightshift.model.ScoreBlock;
import io.nightshift.parquet.ColumnVector;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStream;

/**
 * Validates a batch and scores the rows that pass: a feature that is null or NaN (without a fill value in the
 * model), infinite, or beyond float range sends its row to the rejects with a reason; the rest are packed into one
 * row-major float block and scored in one inference call by this partition's own predictor. Packing and validation are
 * model/'s {@link FeatureAssembler}, shared with the promotion gate.
 */
final class ScoringProcessor implements ItemProcessor<RowBatch, ScoredBatch>, ItemStream {

    private final LoadedModel model;
    private final ScoringPlan plan;
    private final int featureOffset;
    private final FeatureAssembler assembler;
    private ModelScorer scorer;
    /** The previous batch's packed features, scored already, so the next batch is packed into the same array. */
    private float[] packed;

    ScoringProcessor(LoadedModel model, ScoringPlan plan) {
        this.model = model;
        this.plan = plan;
        this.featureOffset = plan.featureOffset();
        // The model's features are the plan's feature columns, in the plan's order (the planner checks it).
        this.assembler = new FeatureAssembler(model.features());
    }

    @Override
    public void open(ExecutionContext executionContext) {
        scorer = model.newScorer();
    }

    @Override
    public ScoredBatch process(RowBatch batch) {
        int rows = batch.rows();
        ColumnVector[] columns = batch.columns();
        FeatureAssembler.AssembledFeatures features = assembler.assemble(columns, featureOffset, rows, packed);
        packed = features.values();
        int[] keep = null;
        int kept = rows;
        ColumnVector rejectIds = new ColumnVector(columns[0].kind(), 0);
        long[] rejectRows = null;
        RejectReason[] reasons = null;
        String[] messages = null;
        int rejected = 0;
        FeatureBlock block;
        if (features.anyRejected()) {
            keep = new int[rows];
            kept = 0;
            rejectRows = new long[rows];
            reasons = new RejectReason[rows];
            messages = new String[rows];
            for (int row = 0; row < rows; row++) {
                RejectReason reason = features.reason(row);
                if (reason == null) {
                    keep[kept++] = row;
                    continue;
                }
                rejectIds.appendRange(columns[0], row, 1);
                rejectRows[rejected] = batch.firstRowIndex() + row;
                reasons[rejected] = reason;
                messages[rejected] = features.message(row);
                rejected++;
            }
            block = features.keepOnly(keep, kept);
        } else {
            block = features.block();
        }
        int copiedCount = featureOffset;
        ColumnVector[] copied = new ColumnVector[copiedCount];
        for (int i = 0; i < copiedCount; i++) {
            copied[i] = columns[i];
            if (kept < rows) {
                copied[i].compact(keep, kept);
            }
        }
        float[][] scores;
        if (kept == 0) {
            scores = new float[plan.outputColumns().size()][0];
        } else {
            ScoreBlock scored = scorer.score(block);
            scores = scored.columns();
        }
        ScoredBatch.Rejects rejects = rejected == 0
                ? ScoredBatch.Rejects.none(batch.fileUri(), rejectIds)
                : new ScoredBatch.Rejects(batch.fileUri(), rejectIds, rejectRows, reasons, messages, rejected);
        return new ScoredBatch(kept, copied, scores, rejects);
    }

    @Override
    public void close() {
        if (scorer != null) {
            scorer.close();
            scorer = null;
        }
    }
}
