package io.nightshift.scoring;

import io.nightshift.model.FeatureBlock;
import io.nightshift.model.LoadedModel;
import io.nightshift.model.ModelScorer;
import io.nightshift.model.ModelSpec;
import io.nightshift.model.ScoreBlock;
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
        // Column by column: each feature's primitive array is read sequentially (row by row across 30 arrays was the
        // hottest loop of a run). A row's reason is its first bad feature in model order, as the message names it.
        RejectReason[] rowReasons = null;
        int[] rowBadFeatures = null;
        for (int feature = 0; feature < width; feature++) {
            ColumnVector vector = columns[featureOffset + feature];
            boolean doubles = vector.kind().usesDoubles();
            double[] doubleValues = doubles ? vector.doubles() : null;
            long[] longValues = doubles ? null : vector.longs();
            boolean[] nulls = vector.nulls();
            for (int row = 0, index = feature; row < rows; row++, index += width) {
                RejectReason reason = null;
                if (nulls[row]) {
                    packed[index] = Float.NaN;
                    if (!hasFill[feature]) {
                        reason = RejectReason.NULL_FEATURE;
                    }
                } else {
                    double raw = doubles ? doubleValues[row] : longValues[row];
                    float value = (float) raw;
                    packed[index] = value;
                    if (value - value != 0) { // NaN or infinite as a float: the rare path
                        if (Double.isNaN(raw)) {
                            reason = hasFill[feature] ? null : RejectReason.NAN_FEATURE;
                        } else if (Double.isInfinite(raw)) {
                            reason = RejectReason.INFINITE_FEATURE;
                        } else {
                            reason = RejectReason.OUT_OF_RANGE_FEATURE;
                        }
                    }
                }
                if (reason != null) {
                    if (rowReasons == null) {
                        rowReasons = new RejectReason[rows];
                        rowBadFeatures = new int[rows];
                    }
                    if (rowReasons[row] == null) {
                        rowReasons[row] = reason;
                        rowBadFeatures[row] = feature;
                    }
                }
            }
        }
        int[] keep = null;
        int kept = rows;
        ColumnVector rejectIds = new ColumnVector(columns[0].kind(), 0);
        long[] rejectRows = null;
        RejectReason[] reasons = null;
        String[] messages = null;
        int rejected = 0;
        if (rowReasons != null) {
            keep = new int[rows];
            kept = 0;
            rejectRows = new long[rows];
            reasons = new RejectReason[rows];
            messages = new String[rows];
            for (int row = 0; row < rows; row++) {
                RejectReason reason = rowReasons[row];
                if (reason == null) {
                    if (kept != row) {
                        System.arraycopy(packed, row * width, packed, kept * width, width);
                    }
                    keep[kept++] = row;
                    continue;
                }
                rejectIds.appendRange(columns[0], row, 1);
                rejectRows[rejected] = batch.firstRowIndex() + row;
                reasons[rejected] = reason;
                messages[rejected] = message(reason, featureNames.get(rowBadFeatures[row]));
                rejected++;
            }
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
}
