package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;

/**
 * Rows to train or evaluate on: raw feature values row after row, and a 0/1 label per row.
 *
 * <p>The arrays are handed over, not copied, and must not be changed afterwards: a training set can be hundreds of
 * megabytes, and every trainer only reads them.
 *
 * @param featureNames the columns, in the order of each row's values (the exported model's input order)
 * @param features {@code rows × featureNames.size()} finite values
 * @param labels 0 or 1 per row
 */
public record LabeledRows(List<String> featureNames, float[] features, int[] labels) {

    public LabeledRows {
        featureNames = List.copyOf(requireNonNull(featureNames, "featureNames is null"));
        requireNonNull(features, "features is null");
        requireNonNull(labels, "labels is null");
        if (featureNames.isEmpty()) {
            throw new IllegalArgumentException("featureNames must not be empty");
        }
        if (new HashSet<>(featureNames).size() != featureNames.size()) {
            throw new IllegalArgumentException("featureNames must be distinct, got " + featureNames);
        }
        int width = featureNames.size();
        if ((long) labels.length * width != features.length) {
            throw new IllegalArgumentException(labels.length + " rows of " + width + " features need "
                    + (long) labels.length * width + " values, got " + features.length);
        }
        for (int index = 0; index < features.length; index++) {
            if (!Float.isFinite(features[index])) {
                throw new IllegalArgumentException("feature " + featureNames.get(index % width) + " of row " + index / width
                        + " is " + features[index] + "; drop or impute such rows first");
            }
        }
        for (int row = 0; row < labels.length; row++) {
            if (labels[row] != 0 && labels[row] != 1) {
                throw new IllegalArgumentException("label of row " + row + " is " + labels[row] + ", not 0 or 1");
            }
        }
    }

    public int rows() {
        return labels.length;
    }

    public int width() {
        return featureNames.size();
    }

    /** Rows with label 1. */
    public long positives() {
        long positives = 0;
        for (int label : labels) {
            positives += label;
        }
        return positives;
    }

    /** The rows at {@code indexes}, in that order. */
    LabeledRows select(int[] indexes) {
        int width = width();
        float[] selected = new float[indexes.length * width];
        int[] selectedLabels = new int[indexes.length];
        for (int position = 0; position < indexes.length; position++) {
            System.arraycopy(features, indexes[position] * width, selected, position * width, width);
            selectedLabels[position] = labels[indexes[position]];
        }
        return new LabeledRows(featureNames, selected, selectedLabels);
    }
}
