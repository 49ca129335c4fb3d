package io.nightshift.retrain;

/**
 * Rows of the training files that training left out, by the first reason found (the label is checked first).
 *
 * @param missingFeature a feature was null, NaN or infinite
 * @param missingLabel the label was null
 * @param invalidLabel the label was neither 0 nor 1 (NaN included)
 */
public record SkippedRows(long missingFeature, long missingLabel, long invalidLabel) {

    public SkippedRows {
        if (missingFeature < 0 || missingLabel < 0 || invalidLabel < 0) {
            throw new IllegalArgumentException("counts must not be negative, got " + missingFeature + ", " + missingLabel
                    + ", " + invalidLabel);
        }
    }

    public long total() {
        return missingFeature + missingLabel + invalidLabel;
    }
}
