package io.nightshift.model;

import static java.util.Objects.requireNonNull;

import io.nightshift.parquet.ColumnVector;
import java.util.List;

/**
 * Turns a model's feature columns into its input: one row-major float block, with the reason a row cannot be scored
 * (a feature null or NaN without a fill value in the model, infinite, or beyond float range). Scoring and the
 * promotion gate both go through this class, so a row the gate evaluates is a row a run would score, and the other way
 * round. Null and NaN values with a fill are left as NaN: the model's translator replaces them and applies the
 * standardisation when the block is scored.
 */
public final class FeatureAssembler {

    private final List<String> featureNames;
    private final boolean[] hasFill;
    private final int width;

    /** For the features of a loaded model, in the model's order. */
    public FeatureAssembler(List<ModelSpec.FeatureSpec> features) {
        requireNonNull(features, "features is null");
        this.width = features.size();
        if (width == 0) {
            throw new IllegalArgumentException("a model needs at least one feature");
        }
        this.featureNames = features.stream().map(ModelSpec.FeatureSpec::name).toList();
        this.hasFill = new boolean[width];
        for (int i = 0; i < width; i++) {
            hasFill[i] = features.get(i).fill() != null;
        }
    }

    public int width() {
        return width;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * Packs rows {@code [0, rows)} of {@code columns[firstFeature .. firstFeature + width)} (one vector per feature, in
     * the model's order) into a new block, and finds each row's reject reason: its first bad feature in model order.
     */
    public AssembledFeatures assemble(ColumnVector[] columns, int firstFeature, int rows) {
        return assemble(columns, firstFeature, rows, null);
    }

    /**
     * As {@link #assemble(ColumnVector[], int, int)}, packing into {@code reuse} when it holds {@code rows × width}
     * values (else into a new array): for a caller that is done with the previous batch's block before packing the
     * next one, as a scoring partition is.
     */
    public AssembledFeatures assemble(ColumnVector[] columns, int firstFeature, int rows, float[] reuse) {
        float[] packed = reuse != null && reuse.length >= rows * width ? reuse : new float[rows * width];
        // Column by column: each feature's primitive array is read sequentially (row by row across 30 arrays was the
        // hottest loop of a run). A row's reason is its first bad feature in model order, as the message names it.
        RejectReason[] rowReasons = null;
        int[] rowBadFeatures = null;
        for (int feature = 0; feature < width; feature++) {
            ColumnVector vector = columns[firstFeature + feature];
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
        return new AssembledFeatures(packed, rows, width, rowReasons, rowBadFeatures, featureNames);
    }

    /**
     * One assembled batch: the packed values of every row (rejected ones included, until {@link #keepOnly} drops them)
     * and each row's reject reason. Not thread-safe; owns its arrays.
     */
    public static final class AssembledFeatures {

        private final float[] values;
        private final int rows;
        private final int width;
        private final RejectReason[] reasons;
        private final int[] badFeatures;
        private final List<String> featureNames;
        private boolean compacted;

        AssembledFeatures(float[] values, int rows, int width, RejectReason[] reasons, int[] badFeatures, List<String> featureNames) {
            this.values = values;
            this.rows = rows;
            this.width = width;
            this.reasons = reasons;
            this.badFeatures = badFeatures;
            this.featureNames = featureNames;
        }

        public int rows() {
            return rows;
        }

        /** The array the values are packed into, for the caller to pass to its next {@code assemble}. */
        public float[] values() {
            return values;
        }

        /** Whether any row has a reject reason. */
        public boolean anyRejected() {
            return reasons != null;
        }

        /** Why a row cannot be scored, or null when it can. */
        public RejectReason reason(int row) {
            return reasons == null ? null : reasons[row];
        }

        /** A rejected row's message naming its first bad feature ({@code feature 'f1' is infinite}). */
        public String message(int row) {
            RejectReason reason = reason(row);
            if (reason == null) {
                throw new IllegalArgumentException("row " + row + " is not rejected");
            }
            String feature = featureNames.get(badFeatures[row]);
            return switch (reason) {
                case NULL_FEATURE -> "feature '" + feature + "' is null and the model has no fill value for it";
                case NAN_FEATURE -> "feature '" + feature + "' is NaN and the model has no fill value for it";
                case INFINITE_FEATURE -> "feature '" + feature + "' is infinite";
                case OUT_OF_RANGE_FEATURE -> "feature '" + feature + "' does not fit a 32-bit float";
            };
        }

        /** Every row, as the model's input (only when no row is rejected). */
        public FeatureBlock block() {
            if (reasons != null) {
                throw new IllegalStateException("rows are rejected: keep only the others first");
            }
            return new FeatureBlock(values, rows, width);
        }

        /**
         * The model's input for rows {@code keep[0..count)}, strictly increasing: moved to the front of the same array
         * in place (no copy of the block), so this may be called once. The caller chooses the rows, which lets the gate
         * keep only the rows every model it compares can score.
         */
        public FeatureBlock keepOnly(int[] keep, int count) {
            if (compacted) {
                throw new IllegalStateException("keepOnly was called already");
            }
            compacted = true;
            int previous = -1;
            for (int kept = 0; kept < count; kept++) {
                int row = keep[kept];
                if (row <= previous || row >= rows) {
                    throw new IllegalArgumentException("rows to keep must be strictly increasing and below " + rows + ", found " + row);
                }
                previous = row;
                if (kept != row) {
                    System.arraycopy(values, row * width, values, kept * width, width);
                }
            }
            return new FeatureBlock(values, count, width);
        }
    }
}
