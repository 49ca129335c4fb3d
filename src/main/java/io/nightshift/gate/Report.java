package io.nightshift.gate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code report.json} holds, field by field (documented in docs/GATE.md; names are snake_case in the file). The
 * fields are stable: add, never rename. Undefined numbers (an AUC on one class) are null, never NaN.
 */
public record Report(
        int formatVersion,
        Decision decision,
        String policy,
        String generatedAt,
        long seed,
        int bootstrapResamples,
        double threshold,
        boolean productionCompared,
        List<String> notes,
        long rowsRead,
        long rowsEvaluated,
        long positives,
        Excluded excluded,
        List<CheckResult> checks,
        List<SkippedCheck> skippedChecks,
        Models models,
        List<Comparison> comparisons,
        ScorePsi scorePsi,
        Map<String, Collapse> collapse,
        Slices slices,
        Drift drift) {

    public static final int FORMAT_VERSION = 1;

    /** Rows of the holdout that were not evaluated, by reason (NULL_LABEL, LABEL_NOT_BINARY, NULL_FEATURE, ...), and the first few. */
    public record Excluded(long total, Map<String, Long> byReason, List<ExcludedRow> examples) {
    }

    /** A row left out: its file, its index in the file, why, and which model could not score it (null for a label problem). */
    public record ExcludedRow(String file, long row, String reason, String model, String message) {
    }

    public record Models(ModelReport candidate, ModelReport production) {
    }

    /** A model's identity, score column, metrics on the evaluated rows, calibration curve and speed. */
    public record ModelReport(String name, String version, String sha256, String scoreColumn, Map<String, Double> metrics,
            List<ReliabilityPoint> reliability, double throughputRowsPerSecond, double p99BatchLatencyMs, int batches) {
    }

    /** One equal-width score bin: {@code [low, high)}, the mean score and observed positive rate in it (null when empty). */
    public record ReliabilityPoint(double low, double high, Double meanScore, Double positiveRate, int count) {
    }

    /** A metric's difference candidate − production with its paired bootstrap 95% interval. */
    public record Comparison(String metric, Double candidate, Double production, Double difference, Double ciLow, Double ciHigh,
            boolean greaterIsBetter, boolean significant, boolean checked) {
    }

    /** PSI of the candidate's scores against production's, at production-score decile edges (keep them with the version). */
    public record ScorePsi(double psi, double[] edges, double[] productionFractions, double[] candidateFractions) {
    }

    /** Prediction-collapse signals of one model; see {@link BinaryMetrics#collapse()} for the definitions. */
    public record Collapse(double majorityShare, String majorityClass, double scoreStd, long distinctScores, double scoreMode,
            double modeShare) {
    }

    public record Slices(List<String> columns, int minRows, List<SliceResult> evaluated, List<SmallSlice> tooSmall) {
    }

    /** A slice with enough rows: its metrics under both models and the ROC AUC difference (null without production). */
    public record SliceResult(String column, String value, int rows, int positives, Map<String, Double> candidate,
            Map<String, Double> production, Double rocAucDifference) {
    }

    public record SmallSlice(String column, String value, int rows) {
    }

    public record Drift(String trainingData, String recentData, long trainingRows, long recentRows, List<FeatureDrift> features) {
    }

    /**
     * One feature's drift from the training data to the recent input: PSI at the training data's deciles (edges given),
     * the two-sample Kolmogorov–Smirnov statistic and p-value, and the null/NaN values left out of each side.
     */
    public record FeatureDrift(String feature, double psi, double ksStatistic, @JsonProperty("ks_p_value") double ksPValue, long trainingValues,
            long recentValues, long trainingMissing, long recentMissing, double[] edges) {
    }
}
