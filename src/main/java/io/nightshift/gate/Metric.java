package io.nightshift.gate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The metrics a policy can check, by their stable names in policies and reports ({@code roc_auc}, {@code log_loss}, ...). */
public enum Metric {
    ROC_AUC(true, 1.0),
    PR_AUC(true, 1.0),
    LOG_LOSS(false, Double.POSITIVE_INFINITY),
    BRIER(false, 1.0),
    ACCURACY(true, 1.0),
    PRECISION(true, 1.0),
    RECALL(true, 1.0),
    F1(true, 1.0),
    ECE(false, 1.0);

    private final boolean greaterIsBetter;
    private final double maximum;

    Metric(boolean greaterIsBetter, double maximum) {
        this.greaterIsBetter = greaterIsBetter;
        this.maximum = maximum;
    }

    /** The name in policies and reports: {@code roc_auc}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a larger value is a better model (false for the losses and the calibration error). */
    public boolean greaterIsBetter() {
        return greaterIsBetter;
    }

    /** The largest value the metric can take (every metric is at least 0). */
    public double maximum() {
        return maximum;
    }

    public static Optional<Metric> byKey(String key) {
        return Arrays.stream(values()).filter(metric -> metric.key().equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Metric::key).toList();
    }
}
