package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A promotion policy ({@code retrain-gate/<model>.yaml}), validated by {@link GatePolicyParser}: the decision threshold,
 * the metric checks (MLflow {@code MetricThreshold} semantics), collapse, calibration, slice and drift limits, and how
 * many approvals a promotion needs. Absent blocks are null: nothing of theirs is checked.
 *
 * @param source where the policy was read from, for messages and the report
 * @param threshold a row is predicted positive when its score is {@code >= threshold}
 * @param holdout the holdout the gate evaluates on when the caller names none: a path (resolved against the policy
 *                file's directory when relative), file:// or s3:// location; null when the policy names none
 * @param labelColumn the holdout's label column when the caller names none; null when the policy names none
 */
public record GatePolicy(String source, double threshold, List<MetricCheck> checks, Collapse collapse, Calibration calibration,
        Slices slices, Drift drift, int approvalsRequired, boolean autoPromote, String holdout, String labelColumn) {

    /** A policy that names no holdout or label column (the caller gives them). */
    public GatePolicy(String source, double threshold, List<MetricCheck> checks, Collapse collapse, Calibration calibration,
            Slices slices, Drift drift, int approvalsRequired, boolean autoPromote) {
        this(source, threshold, checks, collapse, calibration, slices, drift, approvalsRequired, autoPromote, null, null);
    }

    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final int DEFAULT_APPROVALS_REQUIRED = 1;

    public GatePolicy {
        requireNonNull(source, "source is null");
        checks = List.copyOf(requireNonNull(checks, "checks is null"));
        if (autoPromote && approvalsRequired > 0) {
            throw new IllegalArgumentException("auto_promote is only allowed when approvals_required is 0");
        }
        if (approvalsRequired < 0) {
            throw new IllegalArgumentException("approvals_required is negative: " + approvalsRequired);
        }
    }

    /** The slice columns the holdout must have (none without a slices block). */
    public List<String> sliceColumns() {
        return slices == null ? List.of() : slices.columns();
    }

    /**
     * One metric check. {@code threshold} is an absolute floor for the candidate (a ceiling when lower is better);
     * {@code minAbsoluteChange} and {@code minRelativeChange} are the improvement over production the candidate must
     * show at least (in the better direction: {@code 0.0} means "no worse", a negative value tolerates a small
     * regression); {@code requireSignificant} asks the bootstrap interval of the difference to lie wholly on the better
     * side of zero. Null fields are not checked.
     */
    public record MetricCheck(Metric metric, Double threshold, Double minAbsoluteChange, Double minRelativeChange,
            boolean greaterIsBetter, boolean requireSignificant) {
        public MetricCheck {
            requireNonNull(metric, "metric is null");
        }
    }

    /** Limits on the candidate's collapse signals; null fields are not checked. */
    public record Collapse(Double maxMajorityShare, Double minScoreStd) {
    }

    /** The largest expected calibration error the candidate may have. */
    public record Calibration(double maxEce) {
    }

    /**
     * Per-slice evaluation: slices of at least {@code minRows} rows get metrics; with a production model, a slice whose
     * candidate ROC AUC is more than {@code maxAucDrop} below production's fails (null: reported, not checked).
     */
    public record Slices(List<String> columns, int minRows, Double maxAucDrop) {
        public static final int DEFAULT_MIN_ROWS = 200;

        public Slices {
            columns = List.copyOf(requireNonNull(columns, "columns is null"));
        }
    }

    /** The largest PSI any feature may show between the training data and a recent input. */
    public record Drift(double maxFeaturePsi) {
    }
}
