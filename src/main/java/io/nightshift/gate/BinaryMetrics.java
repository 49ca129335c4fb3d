package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The metrics of one model's positive-class scores against 0/1 labels, computed the way scikit-learn computes them, on
 * all rows or on rows weighted by how often a bootstrap resample drew them. The scores are sorted once, so a weighted
 * evaluation (one bootstrap resample) is one pass over the rows in score order: no sort per resample.
 *
 * <ul>
 *   <li>{@code roc_auc}: the Mann–Whitney statistic with ties counted half, which equals scikit-learn's trapezoidal
 *       {@code roc_auc_score}.
 *   <li>{@code pr_auc}: average precision, {@code Σ (R_k − R_{k−1}) P_k} over the distinct scores from the highest
 *       down (tied scores are one threshold), as {@code average_precision_score}.
 *   <li>{@code log_loss}: mean negative log-likelihood with the score clipped to {@code [1e-15, 1 − 1e-15]}.
 *   <li>{@code brier}: mean squared difference between score and label.
 *   <li>{@code accuracy}, {@code precision}, {@code recall}, {@code f1}: a row is predicted positive when its score is
 *       {@code >= threshold}; precision, recall and F1 are 0 when their denominator is (scikit-learn's
 *       {@code zero_division=0}).
 *   <li>{@code ece}: expected calibration error over 10 equal-width bins of the score ({@code [0, 0.1)}, ...,
 *       {@code [0.9, 1.0]}, bin {@code min(floor(10 s), 9)}): {@code Σ_b (n_b / n) |mean score_b − positive rate_b|}.
 * </ul>
 */
final class BinaryMetrics {

    static final double LOG_LOSS_EPSILON = 1e-15;
    static final int CALIBRATION_BINS = 10;

    private final boolean[] labels;
    private final double[] scores;
    private final double threshold;
    /** Row indexes by ascending score. */
    private final int[] order;
    /** Whether order[i] starts a new group of equal scores. */
    private final boolean[] groupStart;

    BinaryMetrics(boolean[] labels, double[] scores, double threshold) {
        this.labels = requireNonNull(labels, "labels is null");
        this.scores = requireNonNull(scores, "scores is null");
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + scores.length + " scores");
        }
        this.threshold = threshold;
        int rows = scores.length;
        // Sorted once here; every weighted evaluation (one bootstrap resample) walks this order.
        this.order = sortedIndexes(scores);
        this.groupStart = new boolean[rows];
        for (int i = 0; i < rows; i++) {
            groupStart[i] = i == 0 || scores[order[i]] != scores[order[i - 1]];
        }
    }

    int rows() {
        return scores.length;
    }

    /** Every metric on all rows. */
    MetricValues all() {
        return weighted(null);
    }

    /** Every metric with row {@code i} counted {@code weights[i]} times (null: once each). */
    MetricValues weighted(int[] weights) {
        double positives = 0;
        double negatives = 0;
        for (int row = 0; row < labels.length; row++) {
            int weight = weights == null ? 1 : weights[row];
            if (labels[row]) {
                positives += weight;
            } else {
                negatives += weight;
            }
        }
        double total = positives + negatives;
        double aucNumerator = 0;
        double averagePrecision = 0;
        double negativesBelow = 0;
        double positivesBelow = 0;
        double logLoss = 0;
        double brier = 0;
        double truePositives = 0;
        double falsePositives = 0;
        double[] binCount = new double[CALIBRATION_BINS];
        double[] binScore = new double[CALIBRATION_BINS];
        double[] binPositives = new double[CALIBRATION_BINS];
        int rows = order.length;
        int i = 0;
        while (i < rows) {
            // One group of equal scores: it is one threshold for both curves.
            double groupPositives = 0;
            double groupNegatives = 0;
            int end = i;
            do {
                int row = order[end];
                int weight = weights == null ? 1 : weights[row];
                if (weight != 0) {
                    double score = scores[row];
                    boolean positive = labels[row];
                    double clipped = Math.min(Math.max(score, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
                    double label = positive ? 1 : 0;
                    logLoss -= weight * (positive ? Math.log(clipped) : Math.log(1 - clipped));
                    brier += weight * (score - label) * (score - label);
                    if (score >= threshold) {
                        if (positive) {
                            truePositives += weight;
                        } else {
                            falsePositives += weight;
                        }
                    }
                    int bin = calibrationBin(score);
                    binCount[bin] += weight;
                    binScore[bin] += weight * score;
                    binPositives[bin] += weight * label;
                    if (positive) {
                        groupPositives += weight;
                    } else {
                        groupNegatives += weight;
                    }
                }
                end++;
            } while (end < rows && !groupStart[end]);
            aucNumerator += groupPositives * (negativesBelow + 0.5 * groupNegatives);
            if (groupPositives > 0) {
                // Going down from the top, this threshold adds groupPositives / P to recall at the precision of every
                // row scored at or above it.
                double atOrAbovePositives = positives - positivesBelow;
                double atOrAboveNegatives = negatives - negativesBelow;
                averagePrecision += groupPositives / positives * (atOrAbovePositives / (atOrAbovePositives + atOrAboveNegatives));
            }
            negativesBelow += groupNegatives;
            positivesBelow += groupPositives;
            i = end;
        }
        double rocAuc = positives > 0 && negatives > 0 ? aucNumerator / (positives * negatives) : Double.NaN;
        double prAuc = positives > 0 ? averagePrecision : Double.NaN;
        double falseNegatives = positives - truePositives;
        double trueNegatives = negatives - falsePositives;
        double accuracy = (truePositives + trueNegatives) / total;
        double precision = truePositives + falsePositives == 0 ? 0 : truePositives / (truePositives + falsePositives);
        double recall = positives == 0 ? 0 : truePositives / positives;
        double f1Denominator = 2 * truePositives + falsePositives + falseNegatives;
        double f1 = f1Denominator == 0 ? 0 : 2 * truePositives / f1Denominator;
        double ece = 0;
        for (int bin = 0; bin < CALIBRATION_BINS; bin++) {
            if (binCount[bin] > 0) {
                ece += Math.abs(binScore[bin] - binPositives[bin]) / total;
            }
        }
        return new MetricValues(rocAuc, prAuc, logLoss / total, brier / total, accuracy, precision, recall, f1, ece);
    }

    static int calibrationBin(double score) {
        return Math.max(0, Math.min((int) Math.floor(score * CALIBRATION_BINS), CALIBRATION_BINS - 1));
    }

    /** Per equal-width bin: mean score, observed positive rate (both null for an empty bin) and row count. */
    List<Report.ReliabilityPoint> reliability() {
        int[] count = new int[CALIBRATION_BINS];
        double[] score = new double[CALIBRATION_BINS];
        int[] positive = new int[CALIBRATION_BINS];
        for (int row = 0; row < scores.length; row++) {
            int bin = calibrationBin(scores[row]);
            count[bin]++;
            score[bin] += scores[row];
            positive[bin] += labels[row] ? 1 : 0;
        }
        List<Report.ReliabilityPoint> points = new ArrayList<>();
        for (int bin = 0; bin < CALIBRATION_BINS; bin++) {
            points.add(new Report.ReliabilityPoint((double) bin / CALIBRATION_BINS, (double) (bin + 1) / CALIBRATION_BINS,
                    count[bin] == 0 ? null : score[bin] / count[bin], count[bin] == 0 ? null : (double) positive[bin] / count[bin],
                    count[bin]));
        }
        return points;
    }

    /**
     * Signs that a model answers (nearly) the same for every row: the share of rows in the majority predicted class at
     * the threshold, the scores' population standard deviation, the number of distinct scores at 1e-4 resolution
     * ({@code round(s × 10^4)}), and the share of scores within 0.01 of the mode, the mode being the most frequent score
     * rounded half up to 0.01 ({@code floor(100 s + 0.5) / 100}; the smallest such value on a tie).
     */
    Report.Collapse collapse() {
        int rows = scores.length;
        int predictedPositive = 0;
        double sum = 0;
        for (double score : scores) {
            predictedPositive += score >= threshold ? 1 : 0;
            sum += score;
        }
        double mean = sum / rows;
        double squares = 0;
        for (double score : scores) {
            squares += (score - mean) * (score - mean);
        }
        long distinct = 0;
        long previous = Long.MIN_VALUE;
        int[] hundredths = new int[102];
        for (int i = 0; i < rows; i++) {
            double score = scores[order[i]];
            long fine = Math.round(score * 1e4);
            if (fine != previous) {
                distinct++;
                previous = fine;
            }
            hundredths[Math.max(0, Math.min(101, (int) Math.floor(score * 100 + 0.5)))]++;
        }
        int modeBin = 0;
        for (int bin = 1; bin < hundredths.length; bin++) {
            if (hundredths[bin] > hundredths[modeBin]) {
                modeBin = bin;
            }
        }
        double mode = modeBin / 100.0;
        int nearMode = 0;
        for (double score : scores) {
            nearMode += Math.abs(score - mode) <= 0.01 ? 1 : 0;
        }
        double positiveShare = (double) predictedPositive / rows;
        return new Report.Collapse(Math.max(positiveShare, 1 - positiveShare), positiveShare >= 0.5 ? "positive" : "negative",
                Math.sqrt(squares / rows), distinct, mode, (double) nearMode / rows);
    }

    /** ROC curve points (false positive rate, true positive rate) at every distinct threshold, at most about {@code maxPoints}. */
    List<double[]> rocCurve(int maxPoints) {
        double positives = 0;
        for (boolean label : labels) {
            positives += label ? 1 : 0;
        }
        double negatives = labels.length - positives;
        List<double[]> points = new ArrayList<>();
        points.add(new double[] {0, 0});
        double truePositives = 0;
        double falsePositives = 0;
        int groups = 0;
        for (boolean start : groupStart) {
            groups += start ? 1 : 0;
        }
        int step = Math.max(1, groups / maxPoints);
        int group = 0;
        for (int i = order.length - 1; i >= 0; i--) {
            if (labels[order[i]]) {
                truePositives++;
            } else {
                falsePositives++;
            }
            if (groupStart[i]) {
                group++;
                if (group % step == 0 || i == 0) {
                    points.add(new double[] {negatives == 0 ? 0 : falsePositives / negatives, positives == 0 ? 0 : truePositives / positives});
                }
            }
        }
        return points;
    }

    /** Row counts per equal-width score bin over [0, 1]. */
    int[] histogram(int bins) {
        int[] counts = new int[bins];
        for (double score : scores) {
            counts[Math.max(0, Math.min(bins - 1, (int) Math.floor(score * bins)))]++;
        }
        return counts;
    }

    /** Indexes of {@code values} by ascending value, stable. */
    static int[] sortedIndexes(double[] values) {
        Integer[] boxed = new Integer[values.length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Double.compare(values[a], values[b]));
        int[] order = new int[boxed.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}
