package io.nightshift.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies a policy to computed evidence: every check becomes a {@link CheckResult} and the decision follows (REJECTED if
 * any failed). Without a production model only absolute checks apply (metric thresholds, collapse, calibration, drift);
 * the comparisons (changes, significance, slice AUC drops) are listed as skipped, with the reason.
 */
final class GateEvaluator {

    private GateEvaluator() {
    }

    record Evaluation(List<CheckResult> checks, List<SkippedCheck> skipped, Decision decision) {
    }

    static Evaluation evaluate(GatePolicy policy, MetricValues candidate, MetricValues production,
            Map<Metric, PairedBootstrap.Interval> intervals, Report.Collapse collapse, List<Report.SliceResult> slices,
            Report.Drift drift) {
        List<CheckResult> checks = new ArrayList<>();
        List<SkippedCheck> skipped = new ArrayList<>();
        String noProduction = "no production model to compare with";
        for (GatePolicy.MetricCheck check : policy.checks()) {
            Metric metric = check.metric();
            String key = metric.key();
            boolean greater = check.greaterIsBetter();
            double value = candidate.get(metric);
            if (check.threshold() != null) {
                checks.add(compare(key + ".threshold", key, value, greater, check.threshold(), null, null,
                        key + " of the candidate " + (greater ? "at least " : "at most ") + format(check.threshold())));
            }
            if (production == null) {
                if (check.minAbsoluteChange() != null) {
                    skipped.add(new SkippedCheck(key + ".min_absolute_change", noProduction));
                }
                if (check.minRelativeChange() != null) {
                    skipped.add(new SkippedCheck(key + ".min_relative_change", noProduction));
                }
                if (check.requireSignificant()) {
                    skipped.add(new SkippedCheck(key + ".significant", noProduction));
                }
                continue;
            }
            double baseline = production.get(metric);
            double difference = value - baseline;
            PairedBootstrap.Interval interval = intervals == null ? null : intervals.get(metric);
            Double low = interval == null ? null : finite(interval.low());
            Double high = interval == null ? null : finite(interval.high());
            if (check.minAbsoluteChange() != null) {
                // In raw difference terms: candidate − production >= min (greater is better) or <= −min (lower is better).
                double limit = greater ? check.minAbsoluteChange() : 0.0 - check.minAbsoluteChange();
                checks.add(compare(key + ".min_absolute_change", key, difference, greater, limit, low, high,
                        "candidate − production " + (greater ? ">= " : "<= ") + format(limit) + " (candidate " + format(value)
                                + ", production " + format(baseline) + ")"));
            }
            if (check.minRelativeChange() != null) {
                double relative = baseline == 0 ? Double.NaN : difference / Math.abs(baseline);
                double limit = greater ? check.minRelativeChange() : 0.0 - check.minRelativeChange();
                checks.add(compare(key + ".min_relative_change", key, relative, greater, limit, null, null,
                        "(candidate − production) / |production| " + (greater ? ">= " : "<= ") + format(limit)
                                + (baseline == 0 ? " (undefined: production's value is 0)" : "")));
            }
            if (check.requireSignificant()) {
                // The interval must lie wholly on the better side of zero: its lower end above 0, or its upper end below.
                Double bound = greater ? low : high;
                boolean passed = bound != null && (greater ? bound > 0 : bound < 0);
                checks.add(new CheckResult(key + ".significant", key, passed, bound, greater ? ">" : "<", 0,
                        bound == null ? null : (greater ? bound : -bound), low, high,
                        "95% interval of candidate − production [" + format(low) + ", " + format(high) + "] must lie "
                                + (greater ? "above" : "below") + " 0" + (passed ? "" : ": the difference is within noise")));
            }
        }
        GatePolicy.Collapse collapseLimits = policy.collapse();
        if (collapseLimits != null) {
            if (collapseLimits.maxMajorityShare() != null) {
                checks.add(compare("collapse.max_majority_share", null, collapse.majorityShare(), false, collapseLimits.maxMajorityShare(),
                        null, null, "share of rows predicted " + collapse.majorityClass() + " at threshold " + format(policy.threshold())));
            }
            if (collapseLimits.minScoreStd() != null) {
                checks.add(compare("collapse.min_score_std", null, collapse.scoreStd(), true, collapseLimits.minScoreStd(), null, null,
                        "standard deviation of the candidate's scores (" + collapse.distinctScores() + " distinct at 1e-4, "
                                + format(collapse.modeShare()) + " of them within 0.01 of " + format(collapse.scoreMode()) + ")"));
            }
        }
        if (policy.calibration() != null) {
            checks.add(compare("calibration.max_ece", Metric.ECE.key(), candidate.ece(), false, policy.calibration().maxEce(), null, null,
                    "expected calibration error over 10 equal-width bins"));
        }
        GatePolicy.Slices sliceLimits = policy.slices();
        if (sliceLimits != null && sliceLimits.maxAucDrop() != null) {
            if (production == null) {
                skipped.add(new SkippedCheck("slices.max_auc_drop", noProduction + " (per-slice metrics are reported)"));
            } else {
                for (Report.SliceResult slice : slices) {
                    String name = "slices.max_auc_drop[" + slice.column() + "=" + slice.value() + "]";
                    if (slice.rocAucDifference() == null) {
                        skipped.add(new SkippedCheck(name, "ROC AUC is undefined: the slice holds one class only"));
                        continue;
                    }
                    checks.add(compare(name, Metric.ROC_AUC.key(), slice.rocAucDifference(), true, 0.0 - sliceLimits.maxAucDrop(), null, null,
                            "candidate − production ROC AUC in the slice (" + slice.rows() + " rows)"));
                }
            }
        }
        if (policy.drift() != null && drift != null) {
            for (Report.FeatureDrift feature : drift.features()) {
                checks.add(compare("drift.max_feature_psi[" + feature.feature() + "]", null, feature.psi(), false,
                        policy.drift().maxFeaturePsi(), null, null, "PSI from the training data to the recent input (KS "
                                + format(feature.ksStatistic()) + ", p " + String.format(Locale.ROOT, "%.3g", feature.ksPValue()) + ")"));
            }
        }
        boolean failed = checks.stream().anyMatch(check -> !check.passed());
        Decision decision = failed ? Decision.REJECTED
                : policy.autoPromote() ? Decision.AUTO_PROMOTE : Decision.PENDING_APPROVAL;
        return new Evaluation(List.copyOf(checks), List.copyOf(skipped), decision);
    }

    /** {@code observed >= limit} when greater is better, else {@code observed <= limit}; NaN fails. */
    private static CheckResult compare(String name, String metric, double observed, boolean greaterIsBetter, double limit,
            Double ciLow, Double ciHigh, String detail) {
        boolean defined = !Double.isNaN(observed);
        boolean passed = defined && (greaterIsBetter ? observed >= limit : observed <= limit);
        Double margin = defined ? (greaterIsBetter ? observed - limit : limit - observed) : null;
        return new CheckResult(name, metric, passed, defined ? observed : null, greaterIsBetter ? ">=" : "<=", limit, margin,
                ciLow, ciHigh, detail + (defined ? "" : " (undefined)"));
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    static String format(Double value) {
        if (value == null || value.isNaN()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
