package io.nightshift.retrain;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * How well probabilities of label 1 fit 0/1 labels: what training reports about itself. Simple, exact
 * implementations; the promotion gate computes its own (with confidence intervals) and does not rely on these.
 *
 * @param logLoss mean {@code -[y·log p + (1-y)·log(1-p)]}, with p clipped to {@code [1e-15, 1 - 1e-15]}
 * @param rocAuc area under the ROC curve: the chance a random positive scores above a random negative, ties counting
 *     half; NaN when the rows hold only one class
 * @param accuracy share of rows where {@code p >= 0.5} predicts the label
 * @param rows rows evaluated
 */
public record ClassificationMetrics(double logLoss, double rocAuc, double accuracy, int rows) {

    private static final double CLIP = 1e-15;

    public ClassificationMetrics {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        if (!(logLoss >= 0) || !(accuracy >= 0 && accuracy <= 1) || !(Double.isNaN(rocAuc) || rocAuc >= 0 && rocAuc <= 1)) {
            throw new IllegalArgumentException("metrics out of range: log loss " + logLoss + ", ROC AUC " + rocAuc
                    + ", accuracy " + accuracy);
        }
    }

    public static ClassificationMetrics of(double[] probabilities, int[] labels) {
        requireNonNull(probabilities, "probabilities is null");
        requireNonNull(labels, "labels is null");
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.length + " labels");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("Cannot evaluate zero rows");
        }
        double loss = 0;
        long correct = 0;
        for (int row = 0; row < labels.length; row++) {
            double probability = probabilities[row];
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability of row " + row + " is " + probability);
            }
            double clipped = Math.min(1 - CLIP, Math.max(CLIP, probability));
            loss -= labels[row] == 1 ? Math.log(clipped) : Math.log(1 - clipped);
            if ((probability >= 0.5 ? 1 : 0) == labels[row]) {
                correct++;
            }
        }
        return new ClassificationMetrics(loss / labels.length, rocAuc(probabilities, labels), (double) correct / labels.length,
                labels.length);
    }

    /** Mann–Whitney: (sum of the positives' ranks - P(P+1)/2) / (P·N), tied scores sharing their mean rank. */
    static double rocAuc(double[] probabilities, int[] labels) {
        int rows = labels.length;
        Integer[] order = new Integer[rows];
        for (int row = 0; row < rows; row++) {
            order[row] = row;
        }
        Arrays.sort(order, (a, b) -> Double.compare(probabilities[a], probabilities[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int start = 0;
        while (start < rows) {
            int end = start;
            while (end + 1 < rows && probabilities[order[end + 1]] == probabilities[order[start]]) {
                end++;
            }
            double meanRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (int index = start; index <= end; index++) {
                if (labels[order[index]] == 1) {
                    positiveRankSum += meanRank;
                    positives++;
                }
            }
            start = end + 1;
        }
        long negatives = rows - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
