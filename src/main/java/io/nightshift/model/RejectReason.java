package io.nightshift.model;

/** Why a row was not scored; the code is stable (reports and alerts match on it), the message says which column. */
public enum RejectReason {
    /** A feature is null and the model gives no fill value for it. */
    NULL_FEATURE,
    /** A feature is NaN and the model gives no fill value for it. */
    NAN_FEATURE,
    /** A feature is +/- infinity. */
    INFINITE_FEATURE,
    /** A feature does not fit a 32-bit float (the model's input type). */
    OUT_OF_RANGE_FEATURE
}
