package io.nightshift.gate;

import static java.util.Objects.requireNonNull;

/**
 * One evaluated check: named after the policy field it enforces ({@code roc_auc.threshold},
 * {@code roc_auc.min_absolute_change}, {@code roc_auc.significant}, {@code collapse.max_majority_share},
 * {@code slices.max_auc_drop[region=eu]}, {@code drift.max_feature_psi[f03]}). It passed when
 * {@code observed operator limit} holds; {@code margin} is how far inside (positive) or outside (negative) the limit the
 * observed value is. Differences carry their bootstrap interval ({@code ciLow}, {@code ciHigh}), null otherwise.
 */
public record CheckResult(String name, String metric, boolean passed, Double observed, String operator, double limit, Double margin,
        Double ciLow, Double ciHigh, String detail) {
    public CheckResult {
        requireNonNull(name, "name is null");
        requireNonNull(operator, "operator is null");
        requireNonNull(detail, "detail is null");
    }
}
