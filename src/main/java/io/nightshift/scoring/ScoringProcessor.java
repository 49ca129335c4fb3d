package io.nightshift.scoring;

import io.nightshift.model.FeatureBlock;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.ScoreBlock;
import io.nightshift.parquet.ColumnKind;
import io.nightshift.parquet.ColumnVector;
import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStream;

/**
 * Validates a batch and scores the rows that pass: a feature that is null or NaN (without a fill value in the
 * model), infinite, or beyond float range sends its row to the rejects with a reason; the rest are packed into one
 * row-major float block and scored in one inference call by this partition's own predictor.
 */
final class ScoringProcessor implements ItemProcessor<RowBatch, ScoredBatch>, ItemStream {

    private final LoadedModel model;
    private final ScoringPlan plan;
    private final int featureOffset;
    private final int width;
    private final boolean[] hasFill;
    private final List<String> featureNames;
    private ModelScorer scorer;

    ScoringProcessor(LoadedModel model, ScoringPlan plan) {
        this.model = model;
        this.plan = plan;
        this.featureOffset = plan.featureOffset();
        this.featureNames = plan.featureNames();
        this.width = featureNames.size();
        this.hasFill = new boolean[width];
        List<ModelSpec.FeatureSpec> features = model.features();
        for (int i = 0; i < width; i++) {
            hasFill[i] = features.get(i).fill() != null;
        }
    }

    @Override
    public void open(ExecutionContext executionContext) {
        scorer = model.newScorer();
    }

    @Override
    public ScoredBatch process(RowBatch batch) {
        int rows = batch.rows();
        ColumnVector[] columns = batch.columns();
        float[] packed = new float[rows * width];
        int[] keep = new int[rows];
        int kept = 0;
        ColumnVector rejectIds = new ColumnVector(columns[0].kind(), 0);
        long[] rejectRows = null;
        RejectReason[] reasons = null;
        String[] messages = null;
        int rejected = 0;
        for (int row = 0; row < rows; row++) {
            int base = kept * width;
            RejectReason reason = null;
            int badFeature = -1;
            for (int feature = 0; feature < width && reason == null; feature++) {
                ColumnVector vector = columns[featureOffset + feature];
                float value;
                if (vector.isNull(row)) {
                    if (!hasFill[feature]) {
                        reason = RejectReason.NULL_FEATURE;
                        badFeature = feature;
                    }
                    value = Float.NaN;
                } else {
                    double raw = vector.kind().usesDoubles() ? vector.doubles()[row] : vector.longs()[row];
                    value = (float) raw;
                    if (Double.isNaN(raw)) {
                        if (!hasFill[feature]) {
                            reason = RejectReason.NAN_FEATURE;
                            badFeature = feature;
                        }
                    } else if (Double.isInfinite(raw)) {
                        reason = RejectReason.INFINITE_FEATURE;
                        badFeature = feature;
                    } else if (Float.isInfinite(value)) {
                        reason = RejectReason.OUT_OF_RANGE_FEATURE;
                        badFeature = feature;
                    }
                }
                packed[base + feature] = value;
            }
            if (reason == null) {
                keep[kept++] = row;
                continue;
            }
            if (rejectRows == null) {
                rejectRows = new long[rows];
                reasons = new RejectReason[rows];
                messages = new String[rows];
            }
            rejectIds.appendRange(columns[0], row, 1);
            rejectRows[rejected] = batch.firstRowIndex() + row;
            reasons[rejected] = reason;
            messages[rejected] = message(reason, featureNames.get(badFeature));
            rejected++;
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
            ScoreBlock block = scorer.score(new FeatureBlock(packed, kept, width));
            scores = block.columns();
        }
        ScoredBatch.Rejects rejects = rejected == 0
                ? ScoredBatch.Rejects.none(batch.fileUri(), rejectIds)
                : new ScoredBatch.Rejects(batch.fileUri(), rejectIds, rejectRows, reasons, messages, rejected);
        return new ScoredBatch(kept, copied, scores, rejects);
    }

    private static String message(RejectReason reason, String feature) {
        return switch (reason) {
            case NULL_FEATURE -> "feature '" + feature + "' is null and the model has no fill value for it";
            case NAN_FEATURE -> "feature '" + feature + "' is NaN and the model has no fill value for it";
            case INFINITE_FEATURE -> "feature '" + feature + "' is infinite";
            case OUT_OF_RANGE_FEATURE -> "feature '" + feature + "' does not fit a 32-bit float";
        };
    }

    @Override
    public void close() {
        if (scorer != null) {
            scorer.close();
            scorer = null;
        }
    }

    static ColumnKind kind(ScoringPlan.PlannedColumn column) {
        return ColumnKind.valueOf(column.kind());
    }
}
