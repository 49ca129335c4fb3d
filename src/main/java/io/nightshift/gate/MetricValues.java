package io.nightshift.gate;

import java.util.EnumMap;
import java.util.Map;

/**
 * One model's values of every {@link Metric} on one set of rows; a value is NaN where it is undefined (the area under
 * a curve when the rows hold one class only).
 */
record MetricValues(double rocAuc, double prAuc, double logLoss, double brier, double accuracy, double precision,
        double recall, double f1, double ece) {

    public double get(Metric metric) {
        return switch (metric) {
            case ROC_AUC -> rocAuc;
            case PR_AUC -> prAuc;
            case LOG_LOSS -> logLoss;
            case BRIER -> brier;
            case ACCURACY -> accuracy;
            case PRECISION -> precision;
            case RECALL -> recall;
            case F1 -> f1;
            case ECE -> ece;
        };
    }

    /** By metric, in {@link Metric} order. */
    public Map<Metric, Double> asMap() {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            values.put(metric, get(metric));
        }
        return values;
    }
}
